// The built bundle loads in an Espruino-like vm context (test/helpers/bundle.ts) and exports the
// public API; and it loads in the real interpreter from Storage when ESPRUINO is set.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import vm from 'node:vm';
import { loadBundle, loadBundleContext } from './helpers/bundle.ts';
import { espruinoPath, runWithBundle } from './helpers/espruino.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import * as acorn from 'acorn';
import { numberBytes } from '../tools/alias-globals.ts';

// Two stacks joined by an in-memory wire inside Espruino, polled in a loop (a 64-bit build, or
// any layout with room for two stacks: a Pico's 5100 blocks hold one).
const ESPRUINO_TCP = "if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print(\"RESULT SKIP two stacks need more than a Pico's memory\"); quit(); }\nvar s = require(\"synack\");\nfunction mkDriver(mac, out, inq) {\n  return { mac: new Uint8Array(mac), send: function (f, len) { out.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },\n    recv: function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; }, link: function () { return true; } };\n}\nvar ab = [], ba = [];\nvar A = s.createStack(mkDriver([2,0,0,0,0,1], ab, ba), { ip: \"198.18.0.1/24\", apps: false, tcp: { sndBuf: 512, rcvBuf: 512, maxConns: 2 }, random32: function () { return 11; } });\nvar B = s.createStack(mkDriver([2,0,0,0,0,2], ba, ab), { ip: \"198.18.0.2/24\", apps: { source: 3000, http: false, discard: false }, tcp: { sndBuf: 512, rcvBuf: 512, maxConns: 2 }, random32: function () { return 22; } });\nvar now = 0;\nfunction step(n) { for (var i = 0; i < n; i++) { now += 5; A.poll(now); B.poll(now); } }\nvar got = 0, echoed = \"\", closed = false;\nvar c = A.net.connect({ host: \"198.18.0.2\", port: 7 });\nc.on(\"connect\", function () { c.write(\"hello espruino\"); });\nc.on(\"data\", function (d) { echoed += E.toString(d); if (echoed.length >= 14) c.end(); });\nc.on(\"close\", function () { closed = true; });\nstep(400);\nvar src = 0, srcClosed = false;\nvar c2 = A.net.connect({ host: \"198.18.0.2\", port: 19 });\nc2.on(\"data\", function (d) { src += d.length; });\nc2.on(\"end\", function () { c2.end(); });\nc2.on(\"close\", function () { srcClosed = true; });\nstep(2000);\nprint(\"RESULT \" + JSON.stringify({ echoed: echoed, closed: closed, src: src, srcClosed: srcClosed, conns: A.tcp.conns.length + B.tcp.conns.length, mem: process.memory().usage }));\nquit();\n";

test('bundle exports the public API', () => {
  const s = loadBundle();
  assert.type(s.version, 'string');
  assert.type(s.Interface, 'function');
  assert.type(s.ipFromString, 'function');
  assert.is(s.ipToString(s.ipFromString('198.18.0.2')), '198.18.0.2');
});

test('the vm context really hides what Espruino lacks', () => {
  const { context } = loadBundleContext();
  for (const expr of ['typeof Map', 'typeof Set', 'typeof Symbol', 'typeof Math.imul', 'typeof Array.from', 'typeof Buffer', 'typeof require']) {
    assert.is(vm.runInContext(expr, context), 'undefined', expr);
  }
  assert.is(vm.runInContext('typeof E.sum', context), 'function');
});

test('the bundle checksum runs its E.sum path and agrees with the plain loop', () => {
  const s = loadBundle();
  const buf = new Uint8Array([0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x01]);
  // RFC 1071 style: the checksum of data followed by its checksum is 0.
  const c = s.checksum(buf, 0, buf.length);
  const withSum = new Uint8Array(12); withSum.set(buf); withSum[10] = c >> 8; withSum[11] = c & 255;
  assert.is(s.checksum(withSum, 0, 12), 0);
});

// On a board a function declared inside another function costs 3 blocks more than one declared
// at a module's top level (tools/build.ts): the bundles must not be wrapped in a function, and
// their constants must be literals, not variables (Closure Compiler inlines them, tools/closure.ts),
// but for a long one used often, whose short name takes fewer bytes than the digits at each use.
test('the board bundles declare their functions at the top level, with constants inlined', () => {
  for (const name of ['synack-enc28j60', 'synack-w5500', 'synack-net', 'synack-apps', 'synack-dhcp', 'synack-dns', 'synack-networkjs']) {
    const code = readFileSync(join(import.meta.dirname, '..', 'dist', name + '.js'), 'utf8');
    const top = (acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script' }) as any).body as any[];
    const iife = top.filter((s) => s.type === 'ExpressionStatement' && s.expression.type === 'CallExpression' &&
      /FunctionExpression/.test(s.expression.callee.type));
    assert.is(iife.length, 0, name + ' is wrapped in a function');
    // `function f() {}`, or `var f = function () {}` as Closure writes a chunk's functions.
    const fns = top.filter((s) => s.type === 'FunctionDeclaration').length + top.filter((s) => s.type === 'VariableDeclaration')
      .flatMap((s) => s.declarations).filter((d: any) => d.init && /Function|Class/.test(d.init.type)).length;
    assert.ok(fns >= 2, `${name}: ${fns} top-level functions`);
    // The one exception: tools/alias-globals.ts names a long number used often in the module's
    // first statement (`var H=65535,...`); a number pretokenised in 3 bytes or fewer (an integer
    // 0..32767, as every offset and flag is) is never worth a name, so such a variable is a
    // constant Closure did not inline.
    const literalVars = top.filter((s) => s.type === 'VariableDeclaration').flatMap((s) => s.declarations.map((d: any) => ({ d, first: s === top[0] })))
      .filter((x: any) => x.d.init && x.d.init.type === 'Literal' && typeof x.d.init.value === 'number' &&
        !(x.first && numberBytes(x.d.init.raw, x.d.init.value) > 3)).map((x: any) => x.d);
    assert.equal(literalVars.map((d: any) => d.id.name), [], name + ': numeric constants left as variables');
  }
});

if (espruinoPath()) {
  test('the bundle loads from Storage in the real interpreter', async () => {
    const r = await runWithBundle('var s = require("synack"); print("V " + s.version + " " + s.ipToString(s.ipFromString("198.18.0.2"))); quit();\n');
    assert.match(r.out, /V \d+\.\d+\.\d+ 198\.18\.0\.2/, r.out);
  });
  test('in the real interpreter, two stacks from the bundle talk TCP: echo, the byte source, clean closes', async () => {
    const r = await runWithBundle(ESPRUINO_TCP, 120000);
    const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, r.out);
    if (/SKIP/.test(line!)) { console.log(line); return; }
    const res = JSON.parse(line!.slice(7));
    assert.is(res.echoed, 'hello espruino');
    assert.ok(res.closed);
    assert.is(res.src, 3000);
    assert.ok(res.srcClosed);
  });
  test('in the real interpreter, a chip bundle loads the net-style API from the "synack-net" module on first use', async () => {
    const script = [
      'if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print("RESULT SKIP two stacks need more than a Pico\'s memory"); quit(); }',
      // The bundle is not wrapped in a function: its top-level names stay in the module's scope.
      'var globalsBefore, s, leaked;',
      'globalsBefore = Object.keys(global);',
      's = require("synack");',
      'leaked = Object.keys(global).filter(function (k) { return globalsBefore.indexOf(k) < 0; });',
      'function drv(mac, out, inq) { return { mac: new Uint8Array(mac), send: function (f, len) { out.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },',
      '  recv: function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; }, link: function () { return true; } }; }',
      'var ab = [], ba = [];',
      'var A = s.createStack(drv([2,0,0,0,0,1], ab, ba), { ip: "198.18.0.1/24", apps: false });',
      'var B = s.createStack(drv([2,0,0,0,0,2], ba, ab), { ip: "198.18.0.2/24", apps: false });',
      'var before = process.memory().usage;',
      'var wasLoaded = Modules.getCached().indexOf("synack-net") >= 0;',
      'B.net.createServer(function (c) { c.on("data", function (d) { c.end(d); }); }).listen(7);',
      'var grew = process.memory().usage - before;',
      'var now = 0, got = "";',
      'var iv = setInterval(function () { for (var i = 0; i < 20; i++) { now += 5; A.poll(now); B.poll(now); } }, 1);',
      'var c = A.net.connect({ host: "198.18.0.2", port: 7 });',
      'c.on("connect", function () { c.write("lazy net"); });',
      'c.on("data", function (d) { got += E.toString(d); });',
      'c.on("end", function () { c.end(); });',
      'c.on("close", function () { clearInterval(iv); print("RESULT " + JSON.stringify({ leaked: leaked, wasLoaded: wasLoaded, loaded: Modules.getCached().indexOf("synack-net") >= 0, grew: grew, got: got })); quit(); });',
      'setTimeout(function () { print("TIMEOUT"); quit(); }, 10000);',
    ].join('\n') + '\n';
    const r = await runWithBundle(script, 60000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, r.out);
    if (/SKIP/.test(line!)) { console.log(line); return; }
    const res = JSON.parse(line!.slice(7));
    // New globals appear (built-ins such as E are made on first use), but none of the bundle's.
    const top = new Set<string>();
    for (const st of (acorn.parse(readFileSync(join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.js'), 'utf8'), { ecmaVersion: 2020, sourceType: 'script' }) as any).body) {
      if (st.id) top.add(st.id.name);
      if (st.type === 'VariableDeclaration') for (const d of st.declarations) top.add(d.id.name);
    }
    assert.ok(top.size > 50, `${top.size} top-level names`);
    assert.equal(res.leaked.filter((k: string) => top.has(k)), [], 'no top-level name of the bundle became a global');
    assert.is(res.wasLoaded, false, 'not loaded until used');
    assert.is(res.loaded, true);
    assert.ok(res.grew > 100, `loading it took ${res.grew} blocks`);
    assert.is(res.got, 'lazy net');
  });
  test('in the real interpreter, a chip bundle loads "synack-dhcp" with ip "dhcp" (and sends a DHCPDISCOVER) and "synack-dns" when a name is resolved', async () => {
    const script = [
      'var s = require("synack"), sent = [];',
      'var drv = { mac: new Uint8Array([2,0,0,0,0,2]), send: function (f, len) { sent.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },',
      '  recv: function () { return 0; }, link: function () { return true; } };',
      'var cached = function (n) { return Modules.getCached().indexOf(n) >= 0; };',
      'var st = s.createStack(drv, { ip: "dhcp", apps: false });',
      'for (var i = 0; i < 5; i++) st.poll(i * 100);',
      // UDP (IPv4 protocol 17) to port 67: the DHCP server port (RFC 2131).
      'var disc = sent.filter(function (f) { return f.length > 42 && f[23] === 17 && f[36] === 0 && f[37] === 67; }).length;',
      'var dnsBefore = cached("synack-dns"), err = "";',
      'st.dns.resolve("board.test", function (e) { err = e; });',
      'print("RESULT " + JSON.stringify({ dhcp: cached("synack-dhcp"), disc: disc, dnsBefore: dnsBefore, dns: cached("synack-dns"), err: err })); quit();',
    ].join('\n') + '\n';
    const r = await runWithBundle(script, 60000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    const line = r.out.split('\n').find((l) => l.startsWith('RESULT '));
    assert.ok(line, r.out);
    const res = JSON.parse(line!.slice(7));
    assert.is(res.dhcp, true);
    assert.ok(res.disc >= 1, 'a DHCPDISCOVER was sent');
    assert.is(res.dnsBefore, false, 'DNS not loaded before a name is resolved');
    assert.is(res.dns, true);
    assert.is(res.err, 'ENOSERVER', 'no name server yet: the DNS module answered');
  });
} else {
  console.log('ESPRUINO is not set: the real-interpreter tests are skipped');
}

test.run();
