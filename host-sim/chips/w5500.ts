// A register-level model of the WIZnet W5500 (datasheet v1.0.x), driven byte by byte over its SPI
// frame, attached to the virtual segment. Written from the datasheet, not from our driver: the
// SPI frame (16-bit offset address, control byte with block select, read/write bit and operation
// mode: variable length or fixed 1, 2, 4 bytes), the common register block, eight socket register
// blocks, the per-socket TX and RX buffers sized by Sn_TXBUF_SIZE/Sn_RXBUF_SIZE with 16-bit
// pointers wrapping inside them, the MACRAW socket (a 2-byte length header before each received
// frame, the MAC filter), the commands OPEN, CLOSE, SEND, RECV and their completion (Sn_CR reads
// back non-zero until done), Sn_IR, Sn_TX_FSR/Sn_RX_RSR, PHYCFGR, VERSIONR and the soft reset.
// And the INTn pin: low while (IR & IMR) or (SIR & SIMR) is non-zero, SIR's bit n standing for
// (Sn_IR & Sn_IMR) of socket n; Sn_IMR resets to 0xFF, IMR and SIMR to 0. (INTLEVEL, the wait
// before INTn asserts again after a clear, is taken as 0, its reset value.)
import type { SpiBus } from '../../firmware/drivers/driver.ts';
import type { Port } from '../segment.ts';
import { IntPin } from './int-pin.ts';

export const MR = 0x0000, SHAR = 0x0009, IR = 0x0015, IMR = 0x0016, SIR = 0x0017, SIMR = 0x0018, PHYCFGR = 0x002e, VERSIONR = 0x0039;
export const Sn_MR = 0x00, Sn_CR = 0x01, Sn_IR = 0x02, Sn_SR = 0x03, Sn_RXBUF_SIZE = 0x1e, Sn_TXBUF_SIZE = 0x1f;
export const Sn_TX_FSR = 0x20, Sn_TX_RD = 0x22, Sn_TX_WR = 0x24, Sn_RX_RSR = 0x26, Sn_RX_RD = 0x28, Sn_RX_WR = 0x2a, Sn_IMR = 0x2c;
export const CR_OPEN = 0x01, CR_CLOSE = 0x10, CR_SEND = 0x20, CR_RECV = 0x40;
export const IR_SEND_OK = 0x10, IR_TIMEOUT = 0x08, IR_RECV = 0x04;
export const SOCK_CLOSED = 0x00, SOCK_MACRAW = 0x42;
export const MR_MACRAW = 0x04, MR_MFEN = 0x80, MR_BCASTB = 0x40, MR_MMB = 0x20;

export interface W5500Faults {
  overflowFrames: number;
  txTimeoutNext: boolean;
  linkDown: boolean;
  absent: number | null;
  corruptReads: number;
}

export class W5500Model implements SpiBus {
  readonly common = new Uint8Array(0x40);
  readonly sockets: Uint8Array[] = [];
  readonly tx: Uint8Array[] = [];
  readonly rx: Uint8Array[] = [];
  readonly faults: W5500Faults = { overflowFrames: 0, txTimeoutNext: false, linkDown: false, absent: null, corruptReads: 0 };
  readonly stats = { spiTransactions: 0, spiBytes: 0, rxFrames: 0, rxDropped: 0, txFrames: 0, commands: 0, rxOff: 0 };
  private busy = new Uint8Array(8); // reads of Sn_CR left before a command completes
  /** The INTn pin (active low). */
  readonly int = new IntPin();

  constructor(readonly port: Port | null) {
    for (let i = 0; i < 8; i++) { this.sockets.push(new Uint8Array(0x30)); this.tx.push(new Uint8Array(16384)); this.rx.push(new Uint8Array(16384)); }
    this.reset();
    if (port) port.onFrame((f) => this.receive(f));
  }

  reset(): void {
    this.common.fill(0);
    this.common[0x19] = 0x07; this.common[0x1a] = 0xd0; // RTR 2000
    this.common[0x1b] = 8;                              // RCR
    this.common[VERSIONR] = 0x04;
    this.common[PHYCFGR] = 0xb8 | (this.faults.linkDown ? 0 : 0x07); // RST, all capable auto-negotiation, link/100M/full
    for (let i = 0; i < 8; i++) {
      const s = this.sockets[i];
      s.fill(0);
      s[Sn_RXBUF_SIZE] = 2; s[Sn_TXBUF_SIZE] = 2;
      s[Sn_IMR] = 0xff;
      this.set16(s, Sn_TX_FSR, 2048);
    }
    this.updateInt();
  }

  /** SIR: bit n set while socket n has an interrupt its Sn_IMR lets through. */
  private sir(): number {
    let v = 0;
    for (let n = 0; n < 8; n++) if (this.sockets[n][Sn_IR] & this.sockets[n][Sn_IMR]) v |= 1 << n;
    return v;
  }

  private updateInt(): void {
    this.int.set((this.common[IR] & this.common[IMR]) !== 0 || (this.sir() & this.common[SIMR]) !== 0);
  }

  private get16(b: Uint8Array, o: number): number { return (b[o] << 8) | b[o + 1]; }
  private set16(b: Uint8Array, o: number, v: number): void { b[o] = (v >> 8) & 255; b[o + 1] = v & 255; }
  private txSize(n: number): number { return this.sockets[n][Sn_TXBUF_SIZE] * 1024; }
  private rxSize(n: number): number { return this.sockets[n][Sn_RXBUF_SIZE] * 1024; }

  setLink(up: boolean): void {
    this.faults.linkDown = !up;
    this.common[PHYCFGR] = (this.common[PHYCFGR] & ~0x07) | (up ? 0x07 : 0);
  }

  /** The socket leaves MACRAW behind the driver's back (fault hook). */
  closeSocket(n: number): void { this.sockets[n][Sn_SR] = SOCK_CLOSED; }

  // ---- SPI frame (datasheet 2.2) ----

  send(data: Uint8Array): Uint8Array {
    this.stats.spiTransactions++;
    this.stats.spiBytes += data.length;
    const out = new Uint8Array(data.length);
    if (this.faults.absent !== null) { out.fill(this.faults.absent); return out; }
    if (data.length < 4) return out;
    this.transaction(data, out);
    this.updateInt();
    return out;
  }

  private transaction(data: Uint8Array, out: Uint8Array): void {
    let addr = (data[0] << 8) | data[1];
    const ctl = data[2];
    const bsb = ctl >> 3, write = (ctl & 4) !== 0, om = ctl & 3;
    const n = om === 0 ? data.length - 3 : Math.min(data.length - 3, om === 1 ? 1 : om === 2 ? 2 : 4);
    for (let i = 0; i < n; i++) {
      if (write) this.writeByte(bsb, addr, data[3 + i]);
      else out[3 + i] = this.readByte(bsb, addr);
      addr = (addr + 1) & 0xffff;
    }
    if (this.faults.corruptReads > 0 && !write && n > 0) {
      this.faults.corruptReads--;
      out[3 + (this.stats.spiTransactions % n)] ^= 0x10;
    }
  }

  private readByte(bsb: number, addr: number): number {
    if (bsb === 0) return addr === SIR ? this.sir() : addr < 0x40 ? this.common[addr] : 0;
    const n = (bsb - 1) >> 2, kind = (bsb - 1) & 3;
    if (n > 7) return 0;
    if (kind === 0) {
      if (addr >= 0x30) return 0;
      const s = this.sockets[n];
      if (addr === Sn_CR) { if (this.busy[n] > 0) { this.busy[n]--; return s[Sn_CR]; } return 0; }
      if (addr === Sn_RX_RSR || addr === Sn_RX_RSR + 1) { this.set16(s, Sn_RX_RSR, (this.get16(s, Sn_RX_WR) - this.get16(s, Sn_RX_RD)) & 0xffff); }
      return s[addr];
    }
    if (kind === 1) return this.tx[n][addr % Math.max(1, this.txSize(n))];
    if (kind === 2) return this.rx[n][addr % Math.max(1, this.rxSize(n))];
    return 0;
  }

  private writeByte(bsb: number, addr: number, v: number): void {
    if (bsb === 0) {
      if (addr === MR && (v & 0x80)) { this.reset(); return; }
      if (addr === VERSIONR || addr === SIR) return;
      if (addr === IR) { this.common[IR] &= ~v; return; } // write 1 to clear
      if (addr < 0x40) this.common[addr] = v;
      return;
    }
    const n = (bsb - 1) >> 2, kind = (bsb - 1) & 3;
    if (n > 7) return;
    if (kind === 0) {
      if (addr >= 0x30) return;
      const s = this.sockets[n];
      if (addr === Sn_CR) { this.command(n, v); return; }
      if (addr === Sn_IR) { s[Sn_IR] &= ~v; return; } // write 1 to clear
      if (addr === Sn_SR || addr === Sn_TX_FSR || addr === Sn_TX_FSR + 1 || addr === Sn_RX_RSR || addr === Sn_RX_RSR + 1 || addr === Sn_TX_RD || addr === Sn_TX_RD + 1 || addr === Sn_RX_WR || addr === Sn_RX_WR + 1) return;
      s[addr] = v;
      if (addr === Sn_TX_WR + 1) this.updateFsr(n);
      return;
    }
    if (kind === 1) this.tx[n][addr % Math.max(1, this.txSize(n))] = v;
    else if (kind === 2) this.rx[n][addr % Math.max(1, this.rxSize(n))] = v;
  }

  private updateFsr(n: number): void {
    const s = this.sockets[n];
    const used = (this.get16(s, Sn_TX_WR) - this.get16(s, Sn_TX_RD)) & 0xffff;
    this.set16(s, Sn_TX_FSR, Math.max(0, this.txSize(n) - used));
  }

  private command(n: number, cmd: number): void {
    const s = this.sockets[n];
    this.stats.commands++;
    s[Sn_CR] = cmd;
    this.busy[n] = 1; // reads back once before it is done
    if (cmd === CR_OPEN) {
      // MACRAW is allowed on socket 0 only (datasheet Sn_MR).
      if ((s[Sn_MR] & 0x0f) === MR_MACRAW && n === 0) {
        s[Sn_SR] = SOCK_MACRAW;
        this.set16(s, Sn_TX_RD, 0); this.set16(s, Sn_TX_WR, 0); this.set16(s, Sn_RX_RD, 0); this.set16(s, Sn_RX_WR, 0);
        this.updateFsr(n);
      }
    } else if (cmd === CR_CLOSE) {
      s[Sn_SR] = SOCK_CLOSED;
    } else if (cmd === CR_SEND && s[Sn_SR] === SOCK_MACRAW) {
      const rd = this.get16(s, Sn_TX_RD), wr = this.get16(s, Sn_TX_WR);
      const len = (wr - rd) & 0xffff;
      if (this.faults.txTimeoutNext) { this.faults.txTimeoutNext = false; s[Sn_IR] |= IR_TIMEOUT; }
      else {
        if (len >= 14 && len <= 1514 && !this.faults.linkDown) {
          const size = this.txSize(n);
          const f = new Uint8Array(len);
          for (let i = 0; i < len; i++) f[i] = this.tx[n][(rd + i) % size];
          this.stats.txFrames++;
          if (this.port) this.port.send(f);
        }
        s[Sn_IR] |= IR_SEND_OK;
      }
      this.set16(s, Sn_TX_RD, wr);
      this.updateFsr(n);
    } else if (cmd === CR_RECV) {
      // Sn_RX_RD was advanced by the host: the space is free again.
    }
  }

  private receive(frame: Uint8Array): void {
    this.receiveFrame(frame);
    this.updateInt();
  }

  private receiveFrame(frame: Uint8Array): void {
    const s = this.sockets[0];
    if (this.faults.linkDown) return;
    // Frames that arrive while socket 0 is not open in MACRAW (before init, while reopened) are lost.
    if (s[Sn_SR] !== SOCK_MACRAW) { this.stats.rxOff++; return; }
    const mr = s[Sn_MR];
    const mac = this.common.subarray(SHAR, SHAR + 6);
    const bcast = frame[0] === 0xff && frame[1] === 0xff && frame[2] === 0xff && frame[3] === 0xff && frame[4] === 0xff && frame[5] === 0xff;
    const mcast = !bcast && (frame[0] & 1) === 1;
    let ours = true;
    for (let i = 0; i < 6; i++) if (frame[i] !== mac[i]) ours = false;
    if (mr & MR_MFEN) {
      if (!(ours || (bcast && !(mr & MR_BCASTB)) || (mcast && !(mr & MR_MMB)))) { this.stats.rxDropped++; return; }
    }
    const size = this.rxSize(0);
    const wr = this.get16(s, Sn_RX_WR), rd = this.get16(s, Sn_RX_RD);
    const used = (wr - rd) & 0xffff;
    const need = frame.length + 2;
    if (this.faults.overflowFrames > 0 || size - used < need) {
      if (this.faults.overflowFrames > 0) this.faults.overflowFrames--;
      this.stats.rxDropped++;
      return;
    }
    // MACRAW: a 2-byte length (header included) before the frame.
    this.rx[0][wr % size] = need >> 8;
    this.rx[0][(wr + 1) % size] = need & 255;
    for (let i = 0; i < frame.length; i++) this.rx[0][(wr + 2 + i) % size] = frame[i];
    this.set16(s, Sn_RX_WR, (wr + need) & 0xffff);
    s[Sn_IR] |= IR_RECV;
    this.stats.rxFrames++;
  }
}
