// The ENC28J60 driver in the real Espruino interpreter, over the chip model bundled with it
// (skipped unless ESPRUINO names an Espruino Linux build): pings through the model byte-exact,
// each received frame handed over as the SPI transfer's own array at an even offset (2), frames
// sent from the driver's txBuf (test/helpers/espruino-driver-entry.ts). The W5500 model is left
// out: it indexes its 16 KB socket buffers byte by byte, which takes minutes in the interpreter
// (the W5500 driver's offsets are checked under Node). And wake on a frame: start({int}) and a
// driver's setWake in the enc28j60 bundle as flashed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildSync } from 'esbuild';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { espruinoPath, runWithBundle, skipReason } from './helpers/espruino.ts';

if (!espruinoPath()) {
  console.log(skipReason);
  test.skip('the ENC28J60 driver in Espruino (ESPRUINO not set)', () => {});
} else {
  const out = buildSync({
    entryPoints: [join(import.meta.dirname, 'helpers', 'espruino-driver-entry.ts')],
    bundle: true, format: 'iife', target: 'es2019', write: false, minify: true,
  }).outputFiles[0].text;
  {
    test('the ENC28J60 driver over its chip model in Espruino: zero-copy frames, pings byte-exact', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'synack-drv-'));
      const file = join(dir, 'driver-check.js');
      writeFileSync(file, out);
      let r;
      // The chip model's buffer memory and two interfaces need more than a Pico's layout.
      const script = 'if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print("RESULT {\\"skip\\":true}"); quit(); }\n' +
        'require("synack");\n';
      try { r = await runWithBundle(script, 60000, file); } finally { rmSync(dir, { recursive: true, force: true }); }
      const line = r.out.split('\n').find((l) => l.includes('RESULT {'));
      assert.ok(line, r.out);
      const res = JSON.parse(line!.slice(line!.indexOf('RESULT {') + 7));
      console.log('espruino:', JSON.stringify(res));
      if (res.skip) { console.log('skipped: needs more memory than a Pico layout'); return; }
      assert.is(res.native, true, 'E.sum in use');
      assert.ok(res.txIsDriverBuf, 'the Interface builds frames in the driver\'s txBuf');
      assert.ok(res.noRxBuf, 'and keeps no receive buffer');
      assert.equal(res.replies, [0, 1, 56, 1000, 1472]);
      assert.ok(res.okBytes, 'replies byte-exact');
      assert.equal(res.offsets, [2], 'every frame at byte offset 2 of its array');
      assert.is(res.notFromBus, 0, 'every frame is the SPI transfer\'s own array');
      assert.is(res.drops, 0);
    });
  }
  // Wake on a frame (issue 15) in the interpreter, the enc28j60 bundle as flashed: start({int})
  // calls Espruino's setWatch (wrapped here: on the Linux build no pin ever changes, so the test
  // calls the watch's function as Espruino would on INT's falling edge), and a wake, by the pin or
  // by the driver's setWake, polls at once, once however many came, never from inside the call.
  const WAKE_SCRIPT = `
var watched = [], cleared = [], watchFn = null;
global.setWatch = function (fn, pin, opts) { watched.push({ pin: String(pin), opts: opts }); watchFn = fn; return 3; };
global.clearWatch = function (id) { cleared.push(id); };
var polls = 0, lastPoll = 0, wake = null;
var drv = { mac: new Uint8Array([2,0,0,0,0,2]), send: function () { return true; }, link: function () { return true; },
  recv: function () { polls++; lastPoll = getTime(); return 0; }, setWake: function (w) { wake = w; } };
var b = require("synack").start({ driver: drv, ip: "198.18.0.2/24", apps: false, networkjs: false, int: D5 });
var res = { watched: watched, setWake: typeof wake };
setTimeout(function () {
  var n = polls, t0 = getTime();
  wake(); wake(); wake();
  res.inside = polls - n;
  setTimeout(function () {
    res.afterWakes = polls - n;
    res.wakeMs = (lastPoll - t0) * 1000;
    var m = polls;
    watchFn({ state: false, time: getTime(), lastTime: getTime() });
    setTimeout(function () {
      res.afterEdge = polls - m;
      b.stop();
      res.cleared = cleared;
      print("RESULT " + JSON.stringify(res));
      quit();
    }, 50);
  }, 50);
}, 200);
`;
  test('wake on a frame in Espruino: start({int}) calls setWatch(fn, pin, {edge: "falling", repeat: true}); a wake polls at once, coalesced', async () => {
    const r = await runWithBundle(WAKE_SCRIPT, 60000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    const line = r.out.split('\n').find((l) => l.includes('RESULT {'));
    assert.ok(line, r.out);
    const res = JSON.parse(line!.slice(line!.indexOf('RESULT {') + 7));
    console.log('espruino wake:', JSON.stringify(res));
    assert.equal(res.watched, [{ pin: 'D5', opts: { edge: 'falling', repeat: true } }]);
    assert.is(res.setWake, 'function', 'the driver got the wake');
    assert.is(res.inside, 0, 'no poll from inside the wake');
    assert.is(res.afterWakes, 1, 'three wakes, one poll (the idle timer is a second away)');
    assert.ok(res.wakeMs < 50, `polled ${res.wakeMs} ms after the wake`);
    assert.is(res.afterEdge, 1, 'the watch (INT falling) polls at once too');
    assert.equal(res.cleared, [3], 'stop() clears the watch');
  });
}

test.run();
