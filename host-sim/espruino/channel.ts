// The simulator's end of the frame channel to the interpreter board (the driver's end, and the
// record format, are in boot.ts). Files in the interpreter's working directory, because of what
// the Linux build offers: its console (stdin) is read by a second thread that pushes each byte
// into the event queue the main thread pops, without a lock, 32 bytes at a time with 1 to 50 ms
// sleeps between (targets/linux/jshardware.c), which loses and garbles bytes under load, and its
// stdout writes one byte per write() (fputc + fflush). A file read by E.openFile is plain stdio
// in the interpreter's own thread: nothing lost, no escaping, whole frames per call; and
// File.write flushes each record as one write().
//
// Frames for the board are appended to in/rG.K (G the generation the driver announced in
// out/hello, K counting files of 1 MiB; a record of length 0xFFFF says "go on in the next file"),
// the board's come from out/tG.K, and files either side has left are deleted. What the board has not read yet is bounded like a
// chip's receive buffer (`rxBufferBytes`, by default the 6.5 KB the ENC28J60 driver gives its
// receive ring): a frame that does not fit is dropped, as the chip drops it, and counted. The
// driver says how far it has read in its "ack" lines, with the most blocks in use it saw.
import { closeSync, existsSync, mkdirSync, openSync, readSync, unlinkSync, watch, writeSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

const CONTROL = 0xffff;
const ROTATE_BYTES = 1 << 20;

export interface ChannelStats {
  framesToBoard: number; framesFromBoard: number;
  /** Frames for the board dropped because its receive buffer was full (or it had not started). */
  rxDropped: number;
  /** Most blocks in use the driver reported (process.memory(false).usage, sampled as each frame
   *  is received and sent: a lower bound of the true peak, which comes between samples). */
  peakBlocks: number;
  /** Records from the board that made no sense (never expected: a bug on one side). */
  badRecords: number;
}

export class FileChannel {
  readonly stats: ChannelStats = { framesToBoard: 0, framesFromBoard: 0, rxDropped: 0, peakBlocks: 0, badRecords: 0 };
  /** The driver's generation (null until its hello). */
  private gen: string | null = null;
  private k = 0;
  private fd: number | null = null;
  private fileBytes = 0;
  /** Bytes written into each file of this generation before file k, and in all. */
  private starts: number[] = [0];
  private written = 0;
  private consumed = 0;
  private helloFd: number;
  private helloPos = 0;
  private helloPending = '';
  /** The board's current output file (out/tG.tk), once it exists. */
  private tk = 0;
  private txFd: number | null = null;
  private txPos = 0;
  private pending = Buffer.alloc(0);
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout;
  private closed = false;

  constructor(readonly dir: string, private readonly onFrame: (frame: Uint8Array) => void,
    private readonly onControl: (line: string) => void = () => {}, readonly rxBufferBytes = 6654) {
    mkdirSync(join(dir, 'in'), { recursive: true });
    mkdirSync(join(dir, 'out'), { recursive: true });
    this.helloFd = openSync(join(dir, 'out', 'hello'), 'a+');
    try { this.watcher = watch(join(dir, 'out'), () => this.readTx()); } catch { /* the timer reads it */ }
    this.timer = setInterval(() => this.readTx(), 20);
  }

  /** Bytes of frames written for the board that it has not said it read (what a sender paces
   *  itself by: the fuzzer). */
  get unread(): number { return this.written - this.consumed; }

  /** A frame for the board, unless its receive buffer is full. */
  toBoard(frame: Uint8Array): boolean {
    if (this.closed || this.fd === null || this.written + frame.length + 2 - this.consumed > this.rxBufferBytes) { this.stats.rxDropped++; return false; }
    const rec = Buffer.allocUnsafe(frame.length + 2);
    rec.writeUInt16BE(frame.length, 0);
    rec.set(frame, 2);
    this.append(rec);
    this.stats.framesToBoard++;
    if (this.fileBytes >= ROTATE_BYTES) {
      const end = Buffer.from([0xff, 0xff]);
      this.append(end);
      closeSync(this.fd);
      this.k++;
      this.starts[this.k] = this.written;
      this.open();
    }
    return true;
  }

  private append(b: Buffer): void {
    writeSync(this.fd!, b);
    this.fileBytes += b.length;
    this.written += b.length;
  }

  private file(k: number): string { return join(this.dir, 'in', `r${this.gen}.${k}`); }
  private outFile(k: number): string { return join(this.dir, 'out', `t${this.gen}.${k}`); }

  private open(): void {
    this.fd = openSync(this.file(this.k), 'w');
    this.fileBytes = 0;
  }

  /** A new driver (the interpreter started, or load() ran): frames go to its generation's files,
   *  and the files of the one before are deleted. */
  private hello(gen: string): void {
    if (this.fd !== null) closeSync(this.fd);
    this.closeOut(true);
    this.removeFiles();
    this.gen = gen;
    this.k = 0;
    this.starts = [0];
    this.written = 0;
    this.consumed = 0;
    this.tk = 0;
    this.open();
  }

  /** Stops reading the board's current output file (and deletes it, if `remove`). */
  private closeOut(remove: boolean): void {
    if (this.txFd !== null) { closeSync(this.txFd); this.txFd = null; if (remove) { try { unlinkSync(this.outFile(this.tk)); } catch { /* gone */ } } }
    this.txPos = 0;
    this.pending = Buffer.alloc(0);
  }

  private removeFiles(): void {
    if (this.gen === null) return;
    for (let k = 0; k <= this.k; k++) { try { unlinkSync(this.file(k)); } catch { /* gone */ } }
  }

  private ack(k: number, pos: number, blocks: number): void {
    if (blocks > this.stats.peakBlocks) this.stats.peakBlocks = blocks;
    if (k > this.k || this.starts[k] === undefined) { this.stats.badRecords++; return; }
    this.consumed = this.starts[k] + pos;
    for (let old = k - 1; old >= 0 && existsSync(this.file(old)); old--) { try { unlinkSync(this.file(old)); } catch { /* gone */ } }
  }

  /** Reads what the board wrote: announcements of new drivers in out/hello, then its frames
   *  and control records in out/tG.K. */
  readTx(): void {
    if (this.closed) return;
    const chunk = Buffer.allocUnsafe(65536);
    for (let n; (n = readSync(this.helloFd, chunk, 0, chunk.length, this.helloPos)) > 0;) { this.helloPos += n; this.helloPending += chunk.toString('latin1', 0, n); }
    let nl;
    while ((nl = this.helloPending.indexOf('\n')) >= 0) {
      const g = this.helloPending.slice(0, nl).trim();
      this.helloPending = this.helloPending.slice(nl + 1);
      // What is left of the generation before is read first: its last frames.
      this.readOut(chunk);
      if (/^\d+$/.test(g)) { this.hello(g); this.onControl('hello ' + g); } else this.stats.badRecords++;
    }
    this.readOut(chunk);
  }

  private readOut(chunk: Buffer): void {
    if (this.gen === null) return;
    for (;;) {
      if (this.txFd === null) {
        try { this.txFd = openSync(this.outFile(this.tk), 'r'); } catch { return; /* not created yet */ }
      }
      for (let n; (n = readSync(this.txFd, chunk, 0, chunk.length, this.txPos)) > 0;) {
        this.txPos += n;
        this.pending = this.pending.length ? Buffer.concat([this.pending, chunk.subarray(0, n)]) : Buffer.from(chunk.subarray(0, n));
      }
      if (!this.parse()) return;
      // "next K": the board goes on in out/tG.K.
      this.closeOut(true);
      this.tk++;
    }
  }

  /** Hands over every complete record; true when a "next" record ended the file. */
  private parse(): boolean {
    let off = 0;
    const p = this.pending;
    let next = false;
    while (!next && p.length - off >= 2) {
      const len = p.readUInt16BE(off);
      if (len === CONTROL) {
        if (p.length - off < 4) break;
        const m = p.readUInt16BE(off + 2);
        if (p.length - off < 4 + m) break;
        const line = p.toString('latin1', off + 4, off + 4 + m);
        off += 4 + m;
        if (/^next \d+$/.test(line)) next = true;
        else this.control(line);
        continue;
      }
      if (p.length - off < 2 + len) break;
      const frame = new Uint8Array(p.buffer, p.byteOffset + off + 2, len);
      off += 2 + len;
      if (len < 14 || len > 1514) { this.stats.badRecords++; continue; }
      this.stats.framesFromBoard++;
      this.onFrame(frame);
    }
    this.pending = off ? Buffer.from(p.subarray(off)) : p;
    return next;
  }

  private control(line: string): void {
    const w = line.split(' ');
    if (w[0] === 'ack' && w.length === 4) this.ack(Number(w[1]), Number(w[2]), Number(w[3]));
    else this.stats.badRecords++;
    this.onControl(line);
  }

  close(): void {
    if (this.closed) return;
    this.readTx();
    this.closed = true;
    clearInterval(this.timer);
    this.watcher?.close();
    if (this.fd !== null) closeSync(this.fd);
    this.closeOut(false);
    closeSync(this.helloFd);
  }
}
