// The fuzzer's board in the interpreter: the enc28j60 board bundle in Espruino (ESPRUINO, its
// Pico layout: 5100 blocks) as npm run flash writes it, with the default apps and the 600-block
// program beside it, its frames through the file channel (host-sim/espruino/). The fuzzer stays
// outside (it would not fit in 5100 blocks): it feeds the frame channel, at the pace the board
// reads it, in real time, so the clock never jumps. What the target reads of the board it asks
// at its console: connection states and blocks in use (process.memory()).
import { VirtualClock } from '../../host-sim/clock.ts';
import { RealTimeRunner } from '../../host-sim/realtime.ts';
import { Segment, type Port } from '../../host-sim/segment.ts';
import { EspruinoBoard } from '../../host-sim/espruino/board.ts';
import type { FuzzTarget, TargetState } from './engine.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class EspruinoTarget implements FuzzTarget {
  readonly virtual = false;
  readonly maxConns = 8;
  readonly mac: Uint8Array;
  private out: Uint8Array[] = [];
  private boardIp = 0;
  private seenLines = 0;
  private asked = 0;

  private constructor(readonly board: EspruinoBoard, readonly port: Port, readonly runner: RealTimeRunner) {
    this.mac = board.mac;
    port.onFrame((f) => {
      // Its address, as its frames show it: a DHCP DISCOVER or REQUEST from 0.0.0.0 says none.
      if (f[12] === 8 && f[13] === 0 && f.length >= 34) this.boardIp = ((f[26] << 24) | (f[27] << 16) | (f[28] << 8) | f[29]) >>> 0;
      // An ARP packet's sender address, unless a probe's 0.0.0.0.
      else if (f[12] === 8 && f[13] === 6 && f.length >= 42 && (f[28] | f[29] | f[30] | f[31])) this.boardIp = ((f[28] << 24) | (f[29] << 16) | (f[30] << 8) | f[31]) >>> 0;
      this.out.push(f.slice());
    });
  }

  static async start(bin: string, log: (l: string) => void = () => {}): Promise<EspruinoTarget> {
    const clock = new VirtualClock();
    const runner = new RealTimeRunner(clock);
    const seg = new Segment(clock, 0);
    runner.start();
    const board = await EspruinoBoard.start(runner, seg, { bin, ip: 'dhcp', apps: {}, log });
    const port = seg.attach('fuzzer');
    const t = new EspruinoTarget(board, port, runner);
    if (!(await board.waitFor(/^synack: started/, 120000, true))) throw new Error('the interpreter board did not start: ' + board.lines.slice(-10).join(' | '));
    return t;
  }

  ip(): number { return this.boardIp; }

  send(f: Uint8Array): void { this.runner.sync(); this.port.send(f); }

  /** Real time: frames go as fast as the board reads them (its receive buffer, like a chip's,
   *  would drop the rest: the fuzzer waits while 4000 bytes are unread); a step of 10 ms or more
   *  (the probes, the end) is waited for. */
  async advance(ms: number): Promise<void> {
    const ch = this.board.channel;
    const t0 = Date.now();
    if (ms >= 10) await sleep(ms);
    while (ch.unread > 4000 && Date.now() - t0 < 10000) { await sleep(2); ch.readTx(); this.runner.sync(); }
    ch.readTx();
    this.runner.sync();
  }

  take(): Uint8Array[] { const o = this.out; this.out = []; return o; }

  /** What the interpreter printed as an error: an exception out of the poll loop (printed by
   *  Espruino as "Uncaught ..."), an OUT OF MEMORY, the interpreter gone. */
  errors(): string[] {
    const b = this.board, e: string[] = [];
    const lines = b.lines;
    for (let i = Math.max(0, this.seenLines); i < lines.length; i++) if (/Uncaught|OUT OF MEMORY|Error/.test(lines[i])) e.push(lines[i]);
    this.seenLines = lines.length;
    if (!b.running) e.push('the interpreter is not running: ' + b.exits.join(', '));
    return e;
  }

  async state(): Promise<TargetState> {
    const k = ++this.asked;
    const expr = `var c=synack.stack.tcp.conns,n=synack.stack.tcp.counters;print("ST${k} "+JSON.stringify([c.map(function(x){return x.state;}),process.memory().usage,n.tableFull,n.dropLowMem]));c=undefined;n=undefined;`;
    this.board.input('\x10' + expr + '\n');
    const line = await this.board.waitFor(new RegExp(`^ST${k} `), 20000);
    const names = 'CLOSED LISTEN SYN-SENT SYN-RECEIVED ESTABLISHED FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT CLOSING LAST-ACK TIME-WAIT'.split(' ');
    if (!line) return { conns: [], halfOpen: 0, arpQueued: 0, held: false, udpPorts: [], memory: -1, refused: { table: 0, memory: 0 } };
    const [states, usage, table, mem] = JSON.parse(line.slice(line.indexOf(' ') + 1));
    return { conns: states.map((s: number) => ({ state: names[s], lport: 0, rip: 0, rport: 0, keepalive: false })), halfOpen: 0, arpQueued: 0, held: false, udpPorts: [], memory: usage,
      refused: { table: table | 0, memory: mem | 0 } };
  }

  summary(): string[] {
    const s = this.board.channel.stats;
    return [`interpreter board: ${s.framesToBoard} frames in, ${s.framesFromBoard} out, ${s.rxDropped} dropped (receive buffer full), peak ${s.peakBlocks} blocks in use (sampled per frame), ${this.board.oom} OUT OF MEMORY, ${this.board.exits.length} exits`];
  }

  close(): void { this.runner.stop(); this.board.close(); }
}
