// The socket layer's event emitter: one listener kept as itself, an array from the second on,
// removal of either kind, once, listenerCount, and emit's return value.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Emitter } from '../firmware/socket/emitter.ts';

test('one listener, then two, in order; off removes each kind; emit says whether anyone listened', () => {
  const e = new Emitter();
  const got: string[] = [];
  const a = (x?: any) => got.push('a' + x), b = (x?: any) => got.push('b' + x);
  assert.is(e.emit('data', 1), false);
  assert.is(e.listenerCount('data'), 0);
  e.on('data', a);
  assert.is(e.listenerCount('data'), 1);
  assert.is(e.emit('data', 2), true);
  e.on('data', b);
  assert.is(e.listenerCount('data'), 2);
  e.emit('data', 3);
  e.off('data', a);
  e.emit('data', 4);
  e.off('data', b);
  assert.is(e.emit('data', 5), false);
  assert.equal(got, ['a2', 'a3', 'b3', 'b4']);
  // A single listener removed, another added.
  e.on('end', a); e.off('end', a); e.on('end', b);
  e.emit('end', 6);
  assert.equal(got.slice(-1), ['b6']);
});

test('once fires one time, alone or beside another listener; a listener removed during emit still runs this time', () => {
  const e = new Emitter();
  const got: string[] = [];
  e.once('x', () => got.push('once'));
  e.emit('x'); e.emit('x');
  const keep = () => got.push('keep');
  e.on('x', keep);
  e.once('x', () => got.push('once2'));
  e.on('x', () => { got.push('remover'); e.off('x', keep); });
  e.emit('x'); e.emit('x');
  assert.equal(got, ['once', 'keep', 'once2', 'remover', 'remover']);
});

test.run();
