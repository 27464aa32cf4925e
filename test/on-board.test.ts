// firmware/wire/on-board.ts: the board bundles' build defines BOARD (tools/closure.ts), and only
// there are the checks written for Node folded away.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { onBoard } from '../firmware/wire/on-board.ts';

test('without BOARD (Node, the full bundle) the code is not on a board', () => {
  assert.is(onBoard, false);
});

test('with BOARD defined, as the board bundles\' build does, the code is on a board', async () => {
  const g = globalThis as any;
  g.BOARD = true;
  try {
    // A fresh instance of the module, evaluated with BOARD defined.
    const m = await import('../firmware/wire/on-board.ts?board=' + Date.now());
    assert.is(m.onBoard, true);
  } finally {
    delete g.BOARD;
  }
});

test.run();
