// ENC28J60 driver (Microchip DS39662E) over an SpiBus, implementing EthernetDriver. The per-packet
// path uses preallocated command buffers, one SPI transaction per register access, whole-buffer
// transfers for frame data, and caches the selected bank (a bank switch costs two transactions).
// Every silicon erratum of the Rev. B7 errata sheet (DS80349C) that a driver must work around is
// handled where it applies and cited by number.
import type { EthernetDriver, SpiBus } from './driver.ts';
import { sameArray } from '../wire/bytes.ts';
import { onBoard } from '../wire/on-board.ts';
import { MAX_FRAME as STACK_MAX_FRAME } from './driver.ts';

// SPI instructions (datasheet table 4-1)
const RCR = 0x00, RBM = 0x3a, WCR = 0x40, WBM = 0x7a, BFS = 0x80, BFC = 0xa0, SRC = 0xff;
// Registers: bank in bits 5-6, MAC/MII flag in bit 7, address in bits 0-4.
const EIE = 0x1b, EIR = 0x1c, ESTAT = 0x1d, ECON2 = 0x1e, ECON1 = 0x1f;
const ERDPTL = 0x00, ERDPTH = 0x01, EWRPTL = 0x02, EWRPTH = 0x03, ETXSTL = 0x04, ETXSTH = 0x05, ETXNDL = 0x06, ETXNDH = 0x07;
const ERXSTL = 0x08, ERXSTH = 0x09, ERXNDL = 0x0a, ERXNDH = 0x0b, ERXRDPTL = 0x0c, ERXRDPTH = 0x0d;
const ERXFCON = 0x38, EPKTCNT = 0x39;
const MACON1 = 0xc0, MACON3 = 0xc2, MACON4 = 0xc3, MABBIPG = 0xc4, MAIPGL = 0xc6, MAIPGH = 0xc7, MAMXFLL = 0xca, MAMXFLH = 0xcb;
const MICMD = 0xd2, MIREGADR = 0xd4, MIWRL = 0xd6, MIWRH = 0xd7, MIRDL = 0xd8, MIRDH = 0xd9;
const MAADR1 = 0xe4, MISTAT = 0xea, EREVID = 0x72;
const PHCON1 = 0x00, PHCON2 = 0x10, PHSTAT2 = 0x11, PHLCON = 0x14;

const ECON1_TXRST = 0x80, ECON1_RXRST = 0x40, ECON1_TXRTS = 0x08, ECON1_RXEN = 0x04;
const ECON2_AUTOINC = 0x80, ECON2_PKTDEC = 0x40;
const ESTAT_LATECOL = 0x10, ESTAT_TXABRT = 0x02;
const EIE_INTIE = 0x80, EIE_PKTIE = 0x40;
const EIR_TXIF = 0x08, EIR_TXERIF = 0x02, EIR_RXERIF = 0x01;

// Buffer layout. Erratum #5: the receive buffer must start at 0000h. The transmit buffer follows
// it: one frame (control byte + 1514 bytes + 7-byte status vector) rounded up.
const RXSTART = 0x0000;
const RXEND = 0x19fd;            // odd, so ERXRDPT can be set to it (erratum #14)
const TXSTART = 0x1a00;
const MAX_FRAME = 1518;
const RX_HEADER = 6;             // next-packet pointer (2) + receive status vector (4)
const LINK_POLL_MS = 1000;
const TX_WAIT_POLLS = 64;
const LATE_COLLISION_RETRIES = 16;

export interface Enc28j60Options {
  /** Full duplex (default true; the switch port must be full duplex too, or forced). */
  fullDuplex?: boolean;
  /** Busy-waits this many ms (Espruino: a loop on getTime; the simulator: its chip model's clock). */
  delayMs?: (ms: number) => void;
}

export class Enc28j60 implements EthernetDriver {
  readonly mac: Uint8Array;
  /** Counters: frames, chip-dropped frames (overflow), recoveries. */
  readonly stats = { rx: 0, tx: 0, rxErrors: 0, rxOverflows: 0, rxResets: 0, txErrors: 0, txRetries: 0, txStalls: 0, spi: 0 };
  private bank = -1;
  private nextPacket = RXSTART;
  private linkUp = false;
  private linkCheckedAt = -LINK_POLL_MS;
  private txPending = false;
  private txLen = 0;
  // Preallocated SPI command buffers: nothing is allocated per frame here (SPI.send returns a
  // fresh array in Espruino; that one allocation per transfer is the bus's, not ours).
  private readonly cmd2 = new Uint8Array(2);
  private readonly cmd3 = new Uint8Array(3);
  /** The opcode and the first five bytes of a frame's receive header (the sixth, status bits
   *  24-31, is read as the pad before the frame; see recvFrame). */
  private readonly hdr = new Uint8Array(RX_HEADER);
  /** The opcode and seven bytes: the transmit status vector's read. */
  private readonly tsvCmd = new Uint8Array(8);
  /** The write buffer memory transaction: the opcode, the per-packet control byte, the frame. */
  private readonly big = new Uint8Array(2 + MAX_FRAME);
  /** Where the stack builds its frames (EthernetDriver.txBuf): the frame part of `big`, at an even
   *  byte offset, so a frame goes out in one transaction without a copy. */
  readonly txBuf = this.big.subarray(2, 2 + STACK_MAX_FRAME);
  /** recvFrame's frames are the arrays the bus returns, new for each transfer (SpiBus). */
  readonly rxFresh = true;
  /** ERXFCON.UCEN: unicast frames for other stations never reach the stack. */
  readonly macFilter = true;

  constructor(readonly spi: SpiBus, mac: Uint8Array, opts?: Enc28j60Options) {
    this.mac = mac;
    const delay = opts && opts.delayMs ? opts.delayMs : busyWait;
    this.init(delay, !opts || opts.fullDuplex !== false);
  }

  // ---- register access ----

  private xfer(cmd: Uint8Array): Uint8Array {
    this.stats.spi++;
    return this.spi.send(cmd);
  }

  private op(opcode: number, addr: number, data: number): void {
    const c = this.cmd2;
    c[0] = opcode | (addr & 0x1f);
    c[1] = data;
    this.xfer(c);
  }

  private setBank(reg: number): void {
    const b = (reg >> 5) & 3;
    if ((reg & 0x1f) >= 0x1b || b === this.bank) return;
    this.op(BFC, ECON1, 0x03);
    if (b) this.op(BFS, ECON1, b);
    this.bank = b;
  }

  private read(reg: number): number {
    this.setBank(reg);
    if (reg & 0x80) { // MAC and MII registers answer after a dummy byte
      const c = this.cmd3;
      c[0] = RCR | (reg & 0x1f); c[1] = 0; c[2] = 0;
      return this.xfer(c)[2];
    }
    const c = this.cmd2;
    c[0] = RCR | (reg & 0x1f); c[1] = 0;
    return this.xfer(c)[1];
  }

  private write(reg: number, v: number): void {
    this.setBank(reg);
    this.op(WCR, reg, v);
  }

  private write16(regL: number, v: number): void {
    this.write(regL, v & 0xff);
    this.write(regL + 1, v >> 8);
  }

  private bfs(reg: number, bits: number): void { this.setBank(reg); this.op(BFS, reg, bits); }
  private bfc(reg: number, bits: number): void { this.setBank(reg); this.op(BFC, reg, bits); }

  private phyRead(r: number): number {
    this.write(MIREGADR, r);
    this.write(MICMD, 0x01); // MIIRD
    for (let i = 0; i < 100 && (this.read(MISTAT) & 1); i++) { /* wait while BUSY, about 10 us */ }
    this.write(MICMD, 0x00);
    return this.read(MIRDL) | (this.read(MIRDH) << 8);
  }

  private phyWrite(r: number, v: number): void {
    this.write(MIREGADR, r);
    this.write(MIWRL, v & 0xff);
    this.write(MIWRH, v >> 8); // writing the high byte starts the MII transaction
    for (let i = 0; i < 100 && (this.read(MISTAT) & 1); i++) { /* wait while BUSY */ }
  }

  /** Multicast frames too (ERXFCON.MCEN, datasheet 8.5), for mDNS (EthernetDriver.mcast). */
  mcast(): void { this.write(ERXFCON, 0xa3); }

  // ---- initialisation (datasheet section 6) ----

  private init(delay: (ms: number) => void, fd: boolean): void {
    this.xfer(new Uint8Array([SRC]));
    // Erratum #2: after a reset the SPI is not usable until the clock restarts, and ESTAT.CLKRDY
    // cannot be trusted: wait at least 1 ms.
    delay(2);
    this.bank = -1;
    const rev = this.read(EREVID);
    if (rev === 0x00 || rev === 0xff) {
      throw new Error('ENC28J60 not found (revision register reads 0x' + (rev === 0 ? '00' : 'ff') +
        '): check the wiring of CS, SCK, MOSI (SI), MISO (SO), 3.3 V power and ground, and that RESET is high');
    }
    // Receive ring at 0 (erratum #5), read pointer odd (erratum #14).
    this.write16(ERXSTL, RXSTART);
    this.write16(ERXNDL, RXEND);
    this.write16(ERXRDPTL, RXEND);
    this.write16(ETXSTL, TXSTART);
    this.nextPacket = RXSTART;
    // Unicast to us, broadcast, CRC checked by the chip (datasheet 8.0).
    this.write(ERXFCON, 0xa1);
    // MAC (6.5): receive enabled with pause frames, padding to 60 bytes + CRC, length checks.
    this.write(MACON1, fd ? 0x0d : 0x01);
    this.write(MACON3, 0x32 | (fd ? 0x01 : 0));
    this.write(MACON4, fd ? 0x00 : 0x40); // DEFER in half duplex (802.3 compliance)
    this.write16(MAMXFLL, MAX_FRAME);
    this.write(MABBIPG, fd ? 0x15 : 0x12);
    this.write(MAIPGL, 0x12);
    if (!fd) this.write(MAIPGH, 0x0c);
    // The station address, first byte in MAADR1: MAADR1..6 are E4h, E5h, E2h, E3h, E0h, E1h.
    for (let i = 0; i < 6; i++) this.write(MAADR1 - (i & 6) + (i & 1), this.mac[i]);
    // PHY (6.6): duplex to match the MAC; no loopback of our own frames in half duplex.
    this.phyWrite(PHCON1, fd ? 0x0100 : 0x0000);
    this.phyWrite(PHCON2, 0x0100);
    this.phyWrite(PHLCON, 0x0476); // LEDA link/activity, LEDB transmit/receive activity
    this.bfs(ECON2, ECON2_AUTOINC);
    // The INT pin (datasheet 12.0, 12.1.1): driven low while a received frame waits (PKTIF, set
    // while EPKTCNT > 0), for a board that polls on its falling edge (start({int})). Nothing else
    // drives it: the driver handles transmit and errors as it polls. Erratum #6 (PKTIF does not
    // reliably report pending packets) is one reason the board keeps a slow idle poll with INT.
    this.write(EIE, EIE_INTIE | EIE_PKTIE);
    this.bfs(ECON1, ECON1_RXEN);
    this.linkUp = (this.phyRead(PHSTAT2) & 0x0400) !== 0;
  }

  // ---- EthernetDriver ----

  link(): boolean { return this.linkUp; }

  /** The next good frame as the SPI transfer's own array, with no copy: the buffer read starts
   *  one byte early, at the last byte of the receive header, so the frame sits at offset 2 of
   *  the array the bus returns (the opcode's slot, then that byte): even, as the native
   *  checksum needs. Null when none is waiting. */
  recvFrame(): Uint8Array | null {
    // Erratum #6: EIR.PKTIF is unreliable; the packet count is the truth. Bad frames are skipped,
    // a few per call (a chip that stops counting down must not hold the poll).
    // The INT pin stays low from the first waiting frame until EPKTCNT is 0 again, so a frame
    // that arrives while others wait makes no new falling edge. Draining until this returns null
    // (as Interface.poll does, or says it has not: poll returns 0) covers it: INT rises when the
    // count reaches 0, and the next frame makes the next edge.
    let frame: Uint8Array | null = null;
    for (let i = 0; i < 4 && !frame; i++) {
      if (this.read(EPKTCNT) === 0) return null;
      this.write16(ERDPTL, this.nextPacket);
      const h = this.xfer(this.hdr.fill(0, 1).fill(RBM, 0, 1));
      const next = h[1] | (h[2] << 8);
      const count = h[3] | (h[4] << 8);
      const status = h[5];
      // A pointer outside the ring, an odd one, or an impossible length means the ring is
      // corrupt: reset the receiver rather than read garbage forever.
      if (next > RXEND || (next & 1) || count > MAX_FRAME || count < 18) {
        this.resetReceiver();
        return null;
      }
      // Bit 23 (received OK) set, bits 20-22 (CRC, length check, length out of range) clear.
      if ((status & 0x80) && !(status & 0x70)) {
        let len = count - 4; // drop the CRC
        if (len > STACK_MAX_FRAME) len = STACK_MAX_FRAME;
        // The read buffer pointer is at the header's sixth byte: the opcode's slot and that
        // byte, then the frame. The bytes clocked out after the opcode are don't-care (datasheet
        // 4.2.2), so `big` serves whatever frame it holds; only its opcode slot changes.
        this.big[0] = RBM;
        frame = this.xfer(this.big.subarray(0, len + 2)).subarray(2, len + 2);
        this.stats.rx++;
      } else {
        this.stats.rxErrors++;
      }
      this.nextPacket = next;
      // Free the space: ERXRDPT just behind the next packet, always odd (erratum #14).
      this.write16(ERXRDPTL, next === RXSTART ? RXEND : next - 1);
      this.bfs(ECON2, ECON2_PKTDEC);
    }
    // Four bad frames and no good one: null with frames still waiting, and INT still low. Clear
    // and set the global enable again (datasheet 12.0: re-enabling with a flag pending makes a
    // new falling edge), so that a board waking on INT comes back for them at once.
    if (!frame) { this.bfc(EIE, EIE_INTIE); this.bfs(EIE, EIE_INTIE); }
    return frame;
  }

  send(frame: Uint8Array, len: number): boolean {
    if (len < 14 || len > MAX_FRAME - 4) return false;
    if (!this.finishTx()) return false;
    // Erratum #12: reset the transmit logic before every transmission.
    this.bfs(ECON1, ECON1_TXRST);
    this.bfc(ECON1, ECON1_TXRST);
    this.bfc(EIR, EIR_TXIF | EIR_TXERIF);
    this.write16(EWRPTL, TXSTART);
    // One transaction: the opcode, the per-packet control byte (0: MACON3 settings), the frame,
    // already in place when the stack built it in txBuf.
    const c = this.big;
    c[0] = WBM; c[1] = 0x00;
    if (!sameArray(frame, this.txBuf)) c.set(frame.subarray(0, len), 2); // never !== (wire/bytes.ts)
    this.xfer(c.subarray(0, len + 2));
    this.write16(ETXNDL, TXSTART + len);
    this.bfs(ECON1, ECON1_TXRTS);
    this.txPending = true;
    this.txLen = len;
    this.stats.tx++;
    return true;
  }

  /** Waits for the previous transmission; retries it after a late collision (erratum #13) and
   *  recovers a stalled transmitter (errata #10, #12). False if the transmitter is stuck. */
  private finishTx(): boolean {
    if (!this.txPending) return true;
    for (let retry = 0; retry <= LATE_COLLISION_RETRIES; retry++) {
      let busy = true;
      for (let i = 0; i < TX_WAIT_POLLS && busy; i++) busy = (this.read(ECON1) & ECON1_TXRTS) !== 0;
      if (busy) {
        // The transmit logic stalled: reset it; the frame is lost (TCP retransmits).
        this.stats.txStalls++;
        this.bfs(ECON1, ECON1_TXRST);
        this.bfc(ECON1, ECON1_TXRST | ECON1_TXRTS);
        this.bfc(EIR, EIR_TXERIF | EIR_TXIF);
        this.bfc(ESTAT, ESTAT_TXABRT | ESTAT_LATECOL);
        this.txPending = false;
        return true;
      }
      const estat = this.read(ESTAT);
      if (!(estat & ESTAT_TXABRT)) break;
      this.stats.txErrors++;
      // Read the transmit status vector after ETXND: bit 29 (byte 3, bit 5) is late collision.
      this.write16(ERDPTL, TXSTART + this.txLen + 1);
      const tsv = this.xfer(this.tsvCmd.fill(0).fill(RBM, 0, 1));
      const late = (estat & ESTAT_LATECOL) !== 0 || (tsv[4] & 0x20) !== 0;
      this.bfc(ESTAT, ESTAT_TXABRT | ESTAT_LATECOL);
      if (!late) break;
      // Erratum #13: the chip does not retry after a late collision; send the frame again.
      this.stats.txRetries++;
      this.bfs(ECON1, ECON1_TXRST);
      this.bfc(ECON1, ECON1_TXRST);
      this.bfc(EIR, EIR_TXIF | EIR_TXERIF);
      this.bfs(ECON1, ECON1_TXRTS);
    }
    this.txPending = false;
    return true;
  }

  /** Housekeeping: receive overflow, the link, a transmitter left busy. */
  service(now: number): void {
    const eir = this.read(EIR);
    if (eir & EIR_RXERIF) {
      // The ring overflowed (or EPKTCNT hit 255): the chip dropped frames but the ring is still
      // consistent; count it, clear the flag, and let recv() drain it.
      this.stats.rxOverflows++;
      this.bfc(EIR, EIR_RXERIF);
    }
    if (now - this.linkCheckedAt >= LINK_POLL_MS) {
      this.linkCheckedAt = now;
      this.linkUp = (this.phyRead(PHSTAT2) & 0x0400) !== 0;
    }
    if (this.txPending) this.finishTx();
  }

  /** Receive logic reset (datasheet 11.0 + 7.2): stop, RXRST, ring pointers anew, restart. */
  private resetReceiver(): void {
    this.stats.rxResets++;
    this.bfc(ECON1, ECON1_RXEN);
    this.bfs(ECON1, ECON1_RXRST);
    this.bfc(ECON1, ECON1_RXRST);
    this.write16(ERXSTL, RXSTART);
    this.write16(ERXNDL, RXEND);
    this.write16(ERXRDPTL, RXEND);
    this.nextPacket = RXSTART;
    this.bfc(EIR, EIR_RXERIF);
    this.bfs(ECON1, ECON1_RXEN);
  }
}

declare const getTime: (() => number) | undefined;

/** The default delay: a busy loop on Espruino's getTime() (seconds) or Date.now(). */
function busyWait(ms: number): void {
  const clock = onBoard || typeof getTime === 'function' ? function () { return getTime!() * 1000; } : function () { return Date.now(); };
  const end = clock() + ms;
  while (clock() < end) { /* wait */ }
}
