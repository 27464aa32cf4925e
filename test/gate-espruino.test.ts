// The Espruino gate's regular-expression rule against the real interpreter (ESPRUINO set; skipped
// otherwise): every pattern the gate rejects gives another result in Espruino than in Node (so
// the rule is not a guess), every pattern it passes gives the same. And the board bundle's own
// parsers that used such patterns work there: start({mac}) with a MAC address.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { espruinoPath, runEspruino, runWithBundle, skipReason } from './helpers/espruino.ts';
import { REGEX_BROKEN, REGEX_WORKING, type RegexCase } from './helpers/regex-cases.ts';

/** The pattern as a literal, as it stands in a bundle. */
const literal = (c: RegexCase) => `/${c.pattern}/${c.flags}`;

/** What the literal's `exec(input)` gives, as JSON (or "THROW"). */
function inNode(c: RegexCase): string {
  try { return JSON.stringify((0, eval)(literal(c)).exec(c.input)); } catch { return 'THROW'; }
}

function script(cases: RegexCase[]): string {
  return cases.map((c, i) =>
    `try { print("R${i} " + JSON.stringify(eval(${JSON.stringify(literal(c))}).exec(${JSON.stringify(c.input)}))); } catch (e) { print("R${i} THROW"); }`,
  ).join('\n') + '\nquit();\n';
}

function results(out: string, n: number): string[] {
  const r: string[] = [];
  for (let i = 0; i < n; i++) {
    const m = new RegExp(`^R${i} (.*)$`, 'm').exec(out);
    r.push(m ? m[1] : 'MISSING');
  }
  return r;
}

if (!espruinoPath()) {
  console.log(skipReason);
} else {
  test('each regular expression literal the gate rejects runs differently in Espruino than in Node', async () => {
    const r = await runEspruino(script(REGEX_BROKEN));
    const got = results(r.out, REGEX_BROKEN.length);
    REGEX_BROKEN.forEach((c, i) => {
      assert.is.not(got[i], 'MISSING', r.out);
      assert.is.not(got[i], inNode(c), `${c.name}: /${c.pattern}/${c.flags} on ${JSON.stringify(c.input)} gives ${got[i]} in Espruino too: the gate's rule is stale`);
    });
  });

  test('each regular expression literal the gate passes runs the same in Espruino as in Node', async () => {
    const r = await runEspruino(script(REGEX_WORKING));
    const got = results(r.out, REGEX_WORKING.length);
    REGEX_WORKING.forEach((c, i) => assert.is(got[i], inNode(c), `${c.name}: /${c.pattern}/${c.flags} on ${JSON.stringify(c.input)}`));
  });

  test('two typed arrays compared with !== are turned into strings in Espruino (the typed gate), and sameArray is not', async () => {
    // Memory filled until 150 blocks are free: comparing two 1514-byte arrays with !== needs far
    // more (each becomes a string of its numbers), comparing their addresses needs none. And
    // two arrays with the same bytes are "equal" to ===.
    const r = await runEspruino(`var a = new Uint8Array(1514), b = new Uint8Array(1514), o = { t: a };
print("BLOCKSIZE " + process.memory().blocksize);
print("SAMEBYTES " + (a === b));
print("ADDR " + (E.getAddressOf(a, false) === E.getAddressOf(o.t, false)) + " " + (E.getAddressOf(a, false) === E.getAddressOf(b, false)));
var fill = [];
while (process.memory(false).free > 150 && fill.length < 2000) fill.push(new Uint8Array(100));
var x = E.getAddressOf(b, false) !== E.getAddressOf(o.t, false);
print("BYADDRESS " + x);
var y = b !== o.t;
print("BYVALUE " + y);
quit();
`);
    assert.match(r.out, /SAMEBYTES true/, r.out);
    assert.match(r.out, /ADDR true false/, r.out);
    assert.match(r.out, /BYADDRESS true/, r.out);
    // Only the Pico layout (13-byte blocks, fixed) is sure to run out: the 64-bit Linux build
    // grows its memory.
    if (/BLOCKSIZE 13\b/.test(r.out)) {
      assert.match(r.out, /OUT OF MEMORY/, r.out);
      assert.not.match(r.out, /BYVALUE/, r.out);
    }
  });

  test('start({mac}) in Espruino: a good MAC passes its parser, a bad one is one line', async () => {
    // An SPI bus with no chip on it (every byte reads 0): the driver's own one-line error comes
    // after the MAC was parsed.
    const r = await runWithBundle(`var s = require("synack");
var spi = { send: function (d) { return new Uint8Array(d.length); } };
try { s.start({ chip: "enc28j60", spi: spi, cs: 1, mac: "02:00:C6:12:00:02", ip: "198.18.0.2/24", apps: false, networkjs: false }); print("STARTED"); } catch (e) { print("ERR1 " + e.message); }
try { s.start({ chip: "enc28j60", spi: spi, cs: 1, mac: "02:00:c6:12:00", apps: false, networkjs: false }); } catch (e) { print("ERR2 " + e.message); }
quit();
`, 30000, join(import.meta.dirname, '..', 'dist', 'synack.tok'));
    assert.not.match(r.out, /ERR1 bad mac/, r.out);
    assert.match(r.out, /STARTED|ERR1 .*(ENC28J60|enc28j60)/, r.out);
    assert.match(r.out, /ERR2 bad mac "02:00:c6:12:00": use six hex bytes like 02:00:5e:00:00:02/, r.out);
  });
}

test.run();
