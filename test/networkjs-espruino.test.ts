// Espruino's own http server, http.get and dgram running over synack through the NetworkJS adapter, in
// the real interpreter (skipped unless ESPRUINO names an Espruino Linux build with networking;
// a 64-bit build: a Pico's layout has no room for the second stack this test needs as the peer).
// The board is started with require("synack").start({driver}) on an in-memory link to a second
// synack stack that plays the LAN peer, with memReserve: 0: the 64-bit build grows its memory as
// it is used, so the free blocks it reports say nothing of what is left.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { espruinoPath, runWithBundle, skipReason } from './helpers/espruino.ts';

const SCRIPT = "if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print(\"HTTPSKIP\"); quit(); }\nvar s = require(\"synack\");\nvar ab = [], ba = [];\nfunction drv(mac, out, inq) {\n  return { mac: new Uint8Array(mac), send: function (f, len) { out.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },\n    recv: function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; }, link: function () { return true; } };\n}\nvar board = s.start({ driver: drv([2,0,0,0,0,2], ab, ba), ip: \"198.18.0.2/24\", apps: false, idlePollMs: 5, memReserve: 0 });\nvar peer = s.createStack(drv([2,0,0,0,0,1], ba, ab), { ip: \"198.18.0.1/24\", apps: false });\nsetInterval(function () { peer.poll(getTime() * 1000); }, 5);\nrequire(\"http\").createServer(function (req, res) { res.writeHead(200, {\"Content-Type\": \"text/plain\"}); res.end(\"hello from espruino http\"); }).listen(80);\nsetTimeout(function () {\n  var c = peer.net.connect({ host: \"198.18.0.2\", port: 80 }); var got = \"\";\n  c.on(\"connect\", function () { c.write(\"GET / HTTP/1.0\\r\\n\\r\\n\"); });\n  c.on(\"data\", function (d) { got += E.toString(d); });\n  c.on(\"end\", function () { c.end(); });\n  c.on(\"close\", function () {\n    print(\"HTTPSERVER \" + JSON.stringify(got));\n    peer.net.createServer(function (sk) { sk.on(\"data\", function () { sk.end(\"HTTP/1.0 200 OK\\r\\nContent-Length: 5\\r\\n\\r\\nhello\"); }); }).listen(8080);\n    require(\"http\").get(\"http://198.18.0.1:8080/\", function (res) { var body = \"\"; res.on(\"data\", function (d) { body += d; }); res.on(\"close\", function () { print(\"HTTPGET \" + body); quit(); }); });\n  });\n}, 300);\nsetTimeout(function () { print(\"TIMEOUT\"); quit(); }, 15000);\n";

// Espruino's own dgram: a socket bound on the board sends to a UDP echo on the peer stack and
// gets the reply as a 'message' with the sender's address and port.
const DGRAM_SCRIPT = "if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print(\"DGRAMSKIP\"); quit(); }\nvar s = require(\"synack\");\nvar ab = [], ba = [];\nfunction drv(mac, out, inq) {\n  return { mac: new Uint8Array(mac), send: function (f, len) { out.push(new Uint8Array(f.buffer, f.byteOffset, len).slice()); return true; },\n    recv: function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; }, link: function () { return true; } };\n}\nvar board = s.start({ driver: drv([2,0,0,0,0,2], ab, ba), ip: \"198.18.0.2/24\", apps: false, idlePollMs: 5, memReserve: 0 });\nvar peer = s.createStack(drv([2,0,0,0,0,1], ba, ab), { ip: \"198.18.0.1/24\", apps: false });\nsetInterval(function () { peer.poll(getTime() * 1000); }, 5);\nvar seen = [];\npeer.iface.udpBind(7, function (src, sport, dst, buf, off, len) {\n  seen.push(E.toString(buf.subarray(off, off + len)) + \"@\" + sport);\n  var r = E.toUint8Array(\"echo:\" + E.toString(buf.subarray(off, off + len)));\n  peer.iface.udpSend(7, src, sport, r, 0, r.length);\n});\nvar dgram = require(\"dgram\");\nvar sock = dgram.createSocket(\"udp4\");\nsock.on(\"message\", function (msg, info) {\n  print(\"DGRAM \" + JSON.stringify({ msg: msg, from: info.address, port: info.port, seen: seen }));\n  quit();\n});\nsock.bind(5000, function () { sock.send(\"hello udp\", 7, \"198.18.0.1\"); });\nsetTimeout(function () { print(\"TIMEOUT \" + JSON.stringify(seen)); quit(); }, 5000);\n";

// A 12000-byte POST body into Espruino's http server, the board receiving as the chip drivers do:
// recvFrame with rxFresh, each frame a new array, so TCP may hold a segment's data in its frame
// until Espruino's recv takes it. The server answers with the length and a position-weighted sum.
const POST_SCRIPT = `if (process.memory().total <= 5100 && process.memory().blocksize === 13) { print("POSTSKIP"); quit(); }
var s = require("synack");
var ab = [], ba = [];
function drv(mac, out, inq, fresh) {
  // Each frame sent is a new Uint8Array (in Espruino a typed array's slice() is a plain Array).
  var d = { mac: new Uint8Array(mac), send: function (f, len) { var c = new Uint8Array(len); c.set(f.subarray(0, len)); out.push(c); return true; },
    link: function () { return true; } };
  if (fresh) { d.recvFrame = function () { return inq.shift() || null; }; d.rxFresh = true; }
  else d.recv = function (buf) { var f = inq.shift(); if (!f) return 0; buf.set(f); return f.length; };
  return d;
}
var board = s.start({ driver: drv([2,0,0,0,0,2], ab, ba, true), ip: "198.18.0.2/24", apps: false, idlePollMs: 5, memReserve: 0 });
var peer = s.createStack(drv([2,0,0,0,0,1], ba, ab, false), { ip: "198.18.0.1/24", apps: false });
setInterval(function () { peer.poll(getTime() * 1000); }, 5);
// Reads that find a held frame: the zero-copy path ran.
var heldReads = 0, tcp = board.stack.tcp, recv0 = tcp.recv;
tcp.recv = function (c, out, off, max) { if (tcp.heldBy === c) heldReads++; return recv0.call(tcp, c, out, off, max); };
require("http").createServer(function (req, res) {
  var n = 0, h = 0;
  req.on("data", function (d) { for (var i = 0; i < d.length; i++) { h = (h + d.charCodeAt(i) * ((n % 251) + 1)) % 1000000007; n++; } });
  req.on("end", function () { res.writeHead(200, {"Content-Type": "text/plain"}); res.end("got " + n + " " + h); });
}).listen(80);
var N = 12000, body = "";
for (var i = 0; i < N; i++) body += String.fromCharCode(97 + ((i * 7 + (i >> 8)) % 26));
setTimeout(function () {
  var c = peer.net.connect({ host: "198.18.0.2", port: 80 }); var got = "";
  c.on("connect", function () { c.write("POST / HTTP/1.0\\r\\nContent-Length: " + N + "\\r\\n\\r\\n"); c.write(body); });
  c.on("data", function (d) { got += E.toString(d); });
  c.on("end", function () { c.end(); });
  c.on("close", function () { print("POSTED " + JSON.stringify(got.split("\\r\\n\\r\\n")[1]) + " HELD " + heldReads); quit(); });
}, 300);
setTimeout(function () { print("TIMEOUT"); quit(); }, 30000);
`;

if (!espruinoPath()) {
  console.log(skipReason);
} else {
  test('Espruino http.createServer and http.get over synack (NetworkJS)', async () => {
    const r = await runWithBundle(SCRIPT, 60000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    if (/HTTPSKIP/.test(r.out)) { console.log('skipped: needs more memory than a Pico layout'); return; }
    assert.match(r.out, /HTTPSERVER "HTTP\/1\.1 200 OK\\r\\nServer: Espruino[^"]*hello from espruino http"/, r.out);
    assert.match(r.out, /HTTPGET hello/, r.out);
    assert.not.match(r.out, /TIMEOUT|Uncaught/, r.out);
  });

  test('Espruino dgram over synack (NetworkJS): a datagram out, its echo back as a message', async () => {
    const r = await runWithBundle(DGRAM_SCRIPT, 60000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    if (/DGRAMSKIP/.test(r.out)) { console.log('skipped: needs more memory than a Pico layout'); return; }
    const line = r.out.split('\n').find((l) => l.includes('DGRAM {'));
    assert.ok(line, r.out);
    const got = JSON.parse(line!.slice(line!.indexOf('DGRAM {') + 6));
    assert.equal(got, { msg: 'echo:hello udp', from: '198.18.0.1', port: 7, seen: ['hello udp@5000'] });
  });

  test('a 12 KB POST body into Espruino\'s http server, received zero-copy as from a chip driver, byte-exact', async () => {
    const r = await runWithBundle(POST_SCRIPT, 90000, join(import.meta.dirname, '..', 'dist', 'synack-enc28j60.tok'));
    if (/POSTSKIP/.test(r.out)) { console.log('skipped: needs more memory than a Pico layout'); return; }
    let h = 0;
    for (let i = 0; i < 12000; i++) h = (h + (97 + ((i * 7 + (i >> 8)) % 26)) * ((i % 251) + 1)) % 1000000007;
    assert.match(r.out, new RegExp(`POSTED "got 12000 ${h}"`), r.out);
    const held = /HELD (\d+)/.exec(r.out);
    assert.ok(held && Number(held[1]) > 0, 'Espruino\'s recv read held frames: ' + r.out);
    assert.not.match(r.out, /TIMEOUT|Uncaught/, r.out);
  });
}

test.run();
