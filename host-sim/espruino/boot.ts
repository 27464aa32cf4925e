// What the interpreter board's Storage holds beside the modules `npm run flash` writes: the boot
// file ".boot0", which defines the frame-channel driver and starts synack with it, as a flashed
// board's boot file starts it with its chip; and the user's program as ".boot1" (Espruino runs
// .boot0 to .boot3 in turn at start and on load()). Plain Espruino JavaScript: ES5, every
// function defined before it is called, at the top level (a function inside another costs more
// blocks), no regex quantifiers.
//
// The channel (see channel.ts for the simulator's side and why files):
// - frames for the board: files "in/rG.K" in the interpreter's working directory (G the
//   generation the driver announced, K = 0, 1, ...), each a sequence of records [length (2 bytes,
//   big endian), frame]; length 0xFFFF ends the file: go on in in/rG.(K+1). The driver reads them
//   with E.openFile; at the end of what is there it seeks back to where it stopped (fseek clears
//   the stdio end-of-file flag, so what the simulator appends later is read), and a record not
//   yet complete is read again next time.
// - from the board: "out/hello" gets one line "G" per start of a driver (the interpreter
//   started, or load() ran); its frames and control records then go to "out/tG.K", records as
//   above where length 0xFFFF is a control record: 2 bytes of length, then text: "ack K P U" (I
//   have read in/rG.K up to P, and the most blocks in use seen since the last ack, on receiving
//   and sending frames, is U), "next K" (I go on in out/tG.K). Each file is about 1 MiB at
//   most. File.write flushes at once (fflush) unless E.setFlags({unsyncFiles: 1}), so each
//   record reaches the file as one write().

export interface BootOptions {
  mac: Uint8Array;
  ip: string;
  gateway?: string;
  dns?: string;
  hostname?: string;
  /** false: no default apps; a number: the byte source's total on port 19. */
  apps: false | { source?: number };
  /** Zero configuration's keys, passed on when set (docs/zeroconf.md). */
  mdns?: boolean;
  linkLocal?: boolean;
  /** start()'s slowest idle poll (ms): the channel has no event to wake the board with. */
  idlePollMs: number;
  /** false: start() does not register with NetworkJS (as npm run flash for a program without
   *  require("http"/"net"/"dgram")). */
  networkjs?: boolean;
}

/** The driver: an EthernetDriver (firmware/drivers/driver.ts) over the file channel. */
export const DRIVER = `var SYNACK_LINK = {
  mac: null, txBuf: null, rec: new Uint8Array(1516),
  g: 0, k: 0, p: 0, rf: null, eof: true, tf: null, tk: 0, tw: 0, n: 0, peak: 0, wake: null,
  link: function () { return true; },
  setWake: function (w) { this.wake = w; },
  ctl: function (s) { this.tf.write(String.fromCharCode(255, 255, s.length >> 8, s.length & 255) + s); this.tw += s.length + 4; },
  out: function () {
    if (this.tf) { this.tk++; this.ctl("next " + this.tk); this.tf.close(); }
    this.tf = E.openFile("out/t" + this.g + "." + this.tk, "a");
    this.tw = 0;
  },
  send: function (f, len) {
    var r = this.rec;
    if (len < 14 || len > 1514) return false;
    if (E.getAddressOf(f, false) !== E.getAddressOf(this.txBuf, false)) r.set(f.subarray(0, len), 2); // the stack builds its frames in txBuf (never !== between typed arrays: firmware/wire/bytes.ts sameArray)
    r[0] = len >> 8; r[1] = len & 255;
    this.tf.write(new Uint8Array(r.buffer, 0, len + 2));
    this.note();
    if ((this.tw += len + 2) > 1048576) this.out();
    return true;
  },
  // Blocks in use, sampled where the stack is busiest: with a frame just received, and in the
  // middle of sending (a reply is built while the frame it answers is still held).
  note: function () { var u = process.memory(false).usage; if (u > this.peak) this.peak = u; },
  report: function () {
    if (this.n === 0) return;
    this.note();
    this.ctl("ack " + this.k + " " + this.p + " " + this.peak);
    this.n = 0; this.peak = 0;
  },
  // Copies the next frame into the stack's buffer (EthernetDriver.recv: the stack's one receive
  // buffer, allocated once), so receiving allocates no frame. A new array per frame (as SPI.send
  // returns), read in 256-byte pieces, needed about 265 blocks free at the moment memory is at
  // its peak, and once, in the interpreter fuzz at 4,988 of 5,100 blocks in use, there were not
  // that many (OUT OF MEMORY); this needs about 75. What a frame still allocates is transient and
  // bounded: the call's scope, File.read's string of at most 128 bytes (about 17 blocks),
  // released before the next is read, and the memory sample's object (about 25). Pieces of 128
  // bytes: 64 cost 0.8 ms of CPU per full-size frame on this host, 128 0.55, 256 0.4 (the old
  // driver 0.46). test/espruino-channel.test.ts receives full-size frames with 100 blocks free.
  recv: function (buf) {
    var f = this.rf, name;
    if (!f) {
      name = "in/r" + this.g + "." + this.k;
      if (!require("fs").statSync(name)) return 0;
      f = this.rf = E.openFile(name, "r");
      this.p = 0; this.eof = true;
    }
    if (this.eof) { f.seek(this.p); this.eof = false; }
    var h = f.read(2);
    if (!h || h.length < 2) { this.eof = true; this.report(); return 0; }
    var len = (h.charCodeAt(0) << 8) | h.charCodeAt(1), at = 0, d;
    h = undefined;
    if (len === 0xffff) { f.close(); this.rf = null; this.k++; this.n++; return this.recv(buf); }
    if (len < 14 || len > 1514 || len > buf.length) { this.p += 2 + len; this.eof = true; return 0; } // never written: skipped
    while (at < len) {
      d = f.read(len - at > 128 ? 128 : len - at);
      if (!d) break;
      buf.set(d, at);
      at += d.length;
      d = undefined;
    }
    if (at < len) { this.eof = true; this.report(); return 0; }
    this.p += len + 2;
    this.note();
    if (++this.n >= 8) this.report();
    return len;
  },
};
SYNACK_LINK.txBuf = new Uint8Array(SYNACK_LINK.rec.buffer, 2, 1514);
`;

/** The boot file: the driver, its files opened, the announcement, then start(). */
export function bootFile(o: BootOptions): string {
  const cfg: Record<string, unknown> = { ip: o.ip, idlePollMs: o.idlePollMs };
  if (o.gateway) cfg.gateway = o.gateway;
  if (o.dns) cfg.dns = o.dns;
  if (o.hostname) cfg.hostname = o.hostname;
  if (o.networkjs === false) cfg.networkjs = false;
  if (o.mdns !== undefined) cfg.mdns = o.mdns;
  if (o.linkLocal !== undefined) cfg.linkLocal = o.linkLocal;
  if (o.apps === false) cfg.apps = false;
  else if (o.apps.source !== undefined) cfg.apps = { source: o.apps.source };
  return DRIVER +
    `SYNACK_LINK.mac = new Uint8Array([${[...o.mac].join(',')}]);\n` +
    // A generation of its own for each start, so a restarted board never reads the frames that
    // were sent to the one before it.
    'SYNACK_LINK.g = Math.floor(Math.random() * 1000000000);\n' +
    'var SYNACK_HELLO = E.openFile("out/hello", "a"); SYNACK_HELLO.write(SYNACK_LINK.g + "\\n"); SYNACK_HELLO.close(); SYNACK_HELLO = undefined;\n' +
    'SYNACK_LINK.out();\n' +
    `var synack = require("synack").start(${JSON.stringify(cfg).replace(/}$/, ',"driver":SYNACK_LINK}')});\n`;
}

/** The default user program (about 600 blocks on a Pico's layout): what a program beside the
 *  stack holds, a table of readings as objects and a few functions over it, recorded once a second. */
export const DEFAULT_PROGRAM = `var readings = [];
for (var i = 0; i < 70; i++) readings.push({ t: i * 60, temp: 20 + (i % 7), hum: 40 + (i % 11), note: "sample " + i });
function average(key) { var s = 0; for (var j = 0; j < readings.length; j++) s += readings[j][key]; return s / readings.length; }
function newest() { return readings[readings.length - 1]; }
function record(temp, hum) { readings.shift(); readings.push({ t: newest().t + 60, temp: temp, hum: hum, note: "sample " + (newest().t + 60) }); }
setInterval(function () { record(20 + Math.random() * 5, 40 + Math.random() * 10); }, 1000);
`;
