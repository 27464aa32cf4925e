// W5500 driver in MACRAW mode (WIZnet W5500 datasheet) over an SpiBus, implementing
// EthernetDriver. Socket 0 is opened in MACRAW with the MAC filter on and given all 16 KB of
// receive and transmit buffer. Every access is one SPI frame: 16-bit offset address, a control
// byte (block select, read/write, variable-length mode), then the data; frame data moves in one
// transaction each way, from preallocated command buffers.
import type { EthernetDriver, SpiBus } from './driver.ts';
import { sameArray } from '../wire/bytes.ts';

const MR = 0x0000, SHAR = 0x0009, IMR = 0x0016, SIMR = 0x0018, PHYCFGR = 0x002e, VERSIONR = 0x0039;
const Sn_MR = 0x00, Sn_CR = 0x01, Sn_IR = 0x02, Sn_SR = 0x03, Sn_RXBUF_SIZE = 0x1e, Sn_TXBUF_SIZE = 0x1f;
const Sn_TX_FSR = 0x20, Sn_TX_WR = 0x24, Sn_RX_RSR = 0x26, Sn_RX_RD = 0x28, Sn_IMR = 0x2c;
const CR_OPEN = 0x01, CR_CLOSE = 0x10, CR_SEND = 0x20, CR_RECV = 0x40;
const IR_SEND_OK = 0x10, IR_TIMEOUT = 0x08, IR_RECV = 0x04;
const SOCK_MACRAW = 0x42;
const MR_MACRAW = 0x04, MR_MFEN = 0x80;
// Control byte: block select in bits 7..3, read/write in bit 2, operation mode in bits 1..0.
const BSB_COMMON = 0x00, BSB_S0_REG = 0x08, BSB_S0_TX = 0x10, BSB_S0_RX = 0x18;
const RWB_WRITE = 0x04;
const BUF_SIZE = 16384;
const MAX_FRAME = 1514;
const LINK_POLL_MS = 1000;
const CMD_POLLS = 100;

export interface W5500Options {
  delayMs?: (ms: number) => void;
}

export class W5500 implements EthernetDriver {
  readonly mac: Uint8Array;
  readonly stats = { rx: 0, tx: 0, txFull: 0, txTimeouts: 0, reopens: 0, badFrames: 0, spi: 0 };
  private linkUp = false;
  private linkCheckedAt = -LINK_POLL_MS;
  /** The frame transactions: the 2-byte offset address and the control byte, then the data. It
   *  starts at an odd byte offset of its ArrayBuffer so that the data does at an even one. */
  private readonly cmd = new Uint8Array(new ArrayBuffer(1 + 3 + MAX_FRAME + 1), 1);
  private readonly small = new Uint8Array(5);
  /** Where the stack builds its frames (EthernetDriver.txBuf): the data part of `cmd`, so a
   *  frame goes out in one transaction without a copy. */
  readonly txBuf = this.cmd.subarray(3, 3 + MAX_FRAME);
  /** recvFrame's frames are the arrays the bus returns, new for each transfer (SpiBus). */
  readonly rxFresh = true;
  /** Sn_MR.MFEN: unicast frames for other stations never reach the stack. */
  readonly macFilter = true;

  constructor(readonly spi: SpiBus, mac: Uint8Array, opts?: W5500Options) {
    this.mac = mac;
    const delay = opts && opts.delayMs ? opts.delayMs : function (ms: number) { const end = Date.now() + ms; while (Date.now() < end) { /* wait */ } };
    this.init(delay);
  }

  // ---- SPI frame ----

  private xfer(b: Uint8Array): Uint8Array { this.stats.spi++; return this.spi.send(b); }

  private read8(bsb: number, addr: number): number {
    const c = this.small.subarray(0, 4);
    c[0] = addr >> 8; c[1] = addr & 255; c[2] = bsb; c[3] = 0;
    return this.xfer(c)[3];
  }

  private read16(bsb: number, addr: number): number {
    const c = this.small;
    c[0] = addr >> 8; c[1] = addr & 255; c[2] = bsb; c[3] = 0; c[4] = 0;
    const r = this.xfer(c);
    return (r[3] << 8) | r[4];
  }

  /** 16-bit registers the chip updates on its own (FSR, RSR) are read until two reads agree
   *  (datasheet: Sn_TX_FSR / Sn_RX_RSR notes). */
  private readStable16(addr: number): number {
    let v = this.read16(BSB_S0_REG, addr);
    for (let i = 0; i < 4; i++) {
      const w = this.read16(BSB_S0_REG, addr);
      if (w === v) return v;
      v = w;
    }
    return v;
  }

  private write8(bsb: number, addr: number, v: number): void {
    const c = this.small.subarray(0, 4);
    c[0] = addr >> 8; c[1] = addr & 255; c[2] = bsb | RWB_WRITE; c[3] = v;
    this.xfer(c);
  }

  private write16(bsb: number, addr: number, v: number): void {
    const c = this.small;
    c[0] = addr >> 8; c[1] = addr & 255; c[2] = bsb | RWB_WRITE; c[3] = (v >> 8) & 255; c[4] = v & 255;
    this.xfer(c);
  }

  /** Issues a socket command and polls Sn_CR until the chip has taken it (reads back 0). */
  private command(cmd: number): boolean {
    this.write8(BSB_S0_REG, Sn_CR, cmd);
    for (let i = 0; i < CMD_POLLS; i++) if (this.read8(BSB_S0_REG, Sn_CR) === 0) return true;
    return false;
  }

  // ---- initialisation ----

  private init(delay: (ms: number) => void): void {
    this.write8(BSB_COMMON, MR, 0x80); // soft reset
    delay(1);
    const v = this.read8(BSB_COMMON, VERSIONR);
    if (v !== 0x04) {
      throw new Error('W5500 not found (VERSIONR reads 0x' + (v < 16 ? '0' : '') + v.toString(16) +
        ', expected 0x04): check the wiring of CS, SCK, MOSI, MISO, 3.3 V power and ground, and that RST is high');
    }
    // The MAC address.
    const c = new Uint8Array(9);
    c[0] = 0; c[1] = SHAR; c[2] = BSB_COMMON | RWB_WRITE;
    c.set(this.mac.subarray(0, 6), 3);
    this.xfer(c);
    // All 16 KB of each direction to socket 0, none to sockets 1..7.
    for (let n = 0; n < 8; n++) {
      const bsb = (n * 4 + 1) << 3;
      this.write8(bsb, Sn_RXBUF_SIZE, n === 0 ? 16 : 0);
      this.write8(bsb, Sn_TXBUF_SIZE, n === 0 ? 16 : 0);
    }
    this.open();
    this.linkUp = (this.read8(BSB_COMMON, PHYCFGR) & 1) === 1;
  }

  /** Socket 0 in MACRAW with the MAC filter: only our unicast, broadcast and multicast. */
  private open(): boolean {
    this.command(CR_CLOSE);
    this.write8(BSB_S0_REG, Sn_MR, MR_MACRAW | MR_MFEN);
    // The INTn pin (datasheet: IMR, SIMR, Sn_IMR): low while socket 0 has received a frame
    // (Sn_IR RECV), for a board that polls on its falling edge (start({int})). Nothing else
    // drives it: not the common interrupts (IMR), not SEND_OK or TIMEOUT (Sn_IMR resets to all
    // ones), which send() waits for and clears itself.
    this.write8(BSB_COMMON, IMR, 0);
    this.write8(BSB_COMMON, SIMR, 0x01);
    this.write8(BSB_S0_REG, Sn_IMR, IR_RECV);
    this.command(CR_OPEN);
    return this.read8(BSB_S0_REG, Sn_SR) === SOCK_MACRAW;
  }

  // ---- EthernetDriver ----

  link(): boolean { return this.linkUp; }

  /** The next frame as the SPI transfer's own array, with no copy: the read starts one byte
   *  early, at the second byte of the length header, so the frame sits at offset 4 of the array
   *  the bus returns (the three header slots, then that byte): even, as the native checksum
   *  needs. Null when none is waiting. */
  recvFrame(): Uint8Array | null {
    // RECV cleared first, then the size read (write 1 to clear): a frame that arrives after the
    // clear sets RECV again and pulls INTn low, a new falling edge, whether this call sees the
    // frame or not; cleared after the read instead, a frame arriving in between would leave INTn
    // low with nothing to make the next edge.
    this.write8(BSB_S0_REG, Sn_IR, IR_RECV);
    const rsr = this.readStable16(Sn_RX_RSR);
    if (rsr < 2) return null;
    const rd = this.read16(BSB_S0_REG, Sn_RX_RD);
    // The 2-byte length header (it counts itself), possibly split across the buffer's end: the
    // chip wraps the offset address within the socket buffer.
    const h = this.small;
    h[0] = rd >> 8; h[1] = rd & 255; h[2] = BSB_S0_RX; h[3] = 0; h[4] = 0;
    const hr = this.xfer(h);
    const total = (hr[3] << 8) | hr[4];
    if (total < 2 + 14 || total > 2 + MAX_FRAME + 4 || total > rsr) {
      // Not a frame boundary: the socket's ring is not what we think. Start it afresh.
      this.stats.badFrames++;
      this.reopen();
      return null;
    }
    let len = total - 2;
    if (len > MAX_FRAME) len = MAX_FRAME;
    // The bytes clocked out in a read's data phase are don't-care (datasheet 2.2.3), so `cmd`
    // serves whatever frame it holds; only its three header slots change.
    const at = (rd + 1) & 0xffff;
    const c = this.cmd;
    c[0] = at >> 8; c[1] = at & 255; c[2] = BSB_S0_RX;
    const frame = this.xfer(c.subarray(0, 4 + len)).subarray(4, 4 + len);
    this.write16(BSB_S0_REG, Sn_RX_RD, (rd + total) & 0xffff);
    this.command(CR_RECV);
    this.stats.rx++;
    return frame;
  }

  send(frame: Uint8Array, len: number): boolean {
    if (len < 14 || len > MAX_FRAME) return false;
    if (this.readStable16(Sn_TX_FSR) < len) { this.stats.txFull++; return false; }
    const wr = this.read16(BSB_S0_REG, Sn_TX_WR);
    // One transaction: the address and control byte, then the frame, already in place when the
    // stack built it in txBuf.
    const c = this.cmd;
    c[0] = wr >> 8; c[1] = wr & 255; c[2] = BSB_S0_TX | RWB_WRITE;
    if (!sameArray(frame, this.txBuf)) c.set(frame.subarray(0, len), 3); // never !== (wire/bytes.ts)
    this.xfer(c.subarray(0, 3 + len));
    this.write16(BSB_S0_REG, Sn_TX_WR, (wr + len) & 0xffff);
    if (!this.command(CR_SEND)) return false;
    // SEND_OK or TIMEOUT: clear whichever is set (write 1 to clear).
    const ir = this.read8(BSB_S0_REG, Sn_IR);
    if (ir & IR_TIMEOUT) { this.stats.txTimeouts++; this.write8(BSB_S0_REG, Sn_IR, IR_TIMEOUT | IR_SEND_OK); return false; }
    if (ir & IR_SEND_OK) this.write8(BSB_S0_REG, Sn_IR, IR_SEND_OK);
    this.stats.tx++;
    return true;
  }

  /** Link state once a second; the socket reopened if it left MACRAW. */
  service(now: number): void {
    if (now - this.linkCheckedAt < LINK_POLL_MS) return;
    this.linkCheckedAt = now;
    this.linkUp = (this.read8(BSB_COMMON, PHYCFGR) & 1) === 1;
    if (this.read8(BSB_S0_REG, Sn_SR) !== SOCK_MACRAW) this.reopen();
  }

  private reopen(): void {
    this.stats.reopens++;
    this.open();
  }
}
