// A register-level model of the Microchip ENC28J60 (datasheet DS39662E), driven byte by byte over
// its SPI instruction set, attached to the virtual segment. Written from the datasheet, not from
// our driver: the SPI opcodes (RCR, RBM, WCR, WBM, BFS, BFC, SRC), the four register banks and
// the common registers, the 8 KB buffer with its receive ring (ERXST/ERXND, ERXRDPT, ERXWRPT),
// the next-packet pointer and receive status vector, EPKTCNT/PKTDEC, transmission from
// ETXST..ETXND with the per-packet control byte and the 7-byte transmit status vector, the MII
// registers and PHY, the receive filters (ERXFCON) and the reset. It also models the silicon
// errata (DS80349C) that drivers must work around, and fault hooks for tests. And the INT pin
// (datasheet 12.0): low while INTIE and any flag of EIR whose EIE enable bit is set, PKTIF
// standing for "EPKTCNT > 0" (read-only, cleared when PKTDEC brings the count to 0).
import type { SpiBus } from '../../firmware/drivers/driver.ts';
import type { Port } from '../segment.ts';
import { IntPin } from './int-pin.ts';

// Common registers (every bank)
export const EIE = 0x1b, EIR = 0x1c, ESTAT = 0x1d, ECON2 = 0x1e, ECON1 = 0x1f;
// Bank 0
export const ERDPTL = 0x00, ERDPTH = 0x01, EWRPTL = 0x02, EWRPTH = 0x03, ETXSTL = 0x04, ETXSTH = 0x05, ETXNDL = 0x06, ETXNDH = 0x07;
export const ERXSTL = 0x08, ERXSTH = 0x09, ERXNDL = 0x0a, ERXNDH = 0x0b, ERXRDPTL = 0x0c, ERXRDPTH = 0x0d, ERXWRPTL = 0x0e, ERXWRPTH = 0x0f;
// Bank 1
export const ERXFCON = 0x18, EPKTCNT = 0x19;
// Bank 2 (MAC and MII)
export const MACON1 = 0x00, MACON3 = 0x02, MACON4 = 0x03, MABBIPG = 0x04, MAIPGL = 0x06, MAIPGH = 0x07, MAMXFLL = 0x0a, MAMXFLH = 0x0b;
export const MICMD = 0x12, MIREGADR = 0x14, MIWRL = 0x16, MIWRH = 0x17, MIRDL = 0x18, MIRDH = 0x19;
// Bank 3
export const MAADR5 = 0x00, MAADR6 = 0x01, MAADR3 = 0x02, MAADR4 = 0x03, MAADR1 = 0x04, MAADR2 = 0x05, MISTAT = 0x0a, EREVID = 0x12, ECOCON = 0x15;
// PHY registers
export const PHCON1 = 0x00, PHSTAT1 = 0x01, PHID1 = 0x02, PHID2 = 0x03, PHCON2 = 0x10, PHSTAT2 = 0x11, PHIE = 0x12, PHIR = 0x13, PHLCON = 0x14;

export const ECON1_TXRST = 0x80, ECON1_RXRST = 0x40, ECON1_DMAST = 0x20, ECON1_CSUMEN = 0x10, ECON1_TXRTS = 0x08, ECON1_RXEN = 0x04;
export const ECON2_AUTOINC = 0x80, ECON2_PKTDEC = 0x40;
export const ESTAT_BUFER = 0x40, ESTAT_LATECOL = 0x10, ESTAT_RXBUSY = 0x04, ESTAT_TXABRT = 0x02, ESTAT_CLKRDY = 0x01;
export const EIE_INTIE = 0x80, EIE_PKTIE = 0x40;
export const EIR_PKTIF = 0x40, EIR_DMAIF = 0x20, EIR_LINKIF = 0x10, EIR_TXIF = 0x08, EIR_TXERIF = 0x02, EIR_RXERIF = 0x01;
export const ERXFCON_UCEN = 0x80, ERXFCON_CRCEN = 0x20, ERXFCON_MCEN = 0x02, ERXFCON_BCEN = 0x01;
export const MACON3_FULDPX = 0x01;
export const PHSTAT2_LSTAT = 0x0400, PHSTAT2_DPXSTAT = 0x0200, PHSTAT1_LLSTAT = 0x0004, PHCON1_PDPXMD = 0x0100;

const RCR = 0x00, RBM = 0x3a, WCR = 0x40, WBM = 0x7a, BFS = 0x80, BFC = 0xa0, SRC = 0xff;
const BUF_SIZE = 8192;
export const REVISION_B7 = 0x06;

export interface Enc28j60Faults {
  /** Receive ring overflow: the ring is treated as full for this many incoming frames. */
  overflowFrames: number;
  /** The next transmission aborts (late collision in half duplex, or a stall): TXRTS stays set
   *  and no frame leaves until the transmit logic is reset (errata #10/#12/#13). */
  stallNextTx: boolean;
  lateCollisionNextTx: boolean;
  /** Link down: frames neither sent nor received, PHSTAT2.LSTAT clear. */
  linkDown: boolean;
  /** No chip on the bus: MISO reads this value (0xff with a pull-up, 0x00 without). */
  absent: number | null;
  /** The next N SPI responses get one bit flipped. */
  corruptReads: number;
  /** The next received frame has a bad CRC (the chip reports it in the status vector). */
  crcErrorNext: boolean;
}

export class Enc28j60Model implements SpiBus {
  readonly mem = new Uint8Array(BUF_SIZE);
  readonly banks = [new Uint8Array(32), new Uint8Array(32), new Uint8Array(32), new Uint8Array(32)];
  readonly phy = new Uint16Array(32);
  readonly faults: Enc28j60Faults = { overflowFrames: 0, stallNextTx: false, lateCollisionNextTx: false, linkDown: false, absent: null, corruptReads: 0, crcErrorNext: false };
  /** Observations for tests: what the errata would have done to a careless driver. */
  readonly stats = { spiTransactions: 0, spiBytes: 0, rxFrames: 0, rxDropped: 0, txFrames: 0, ringCorruptions: 0, writesWhileClockStopped: 0, dmaCorruptions: 0, rxOff: 0 };
  /** Model time in ms (advanced by the simulator or the driver's delay). */
  now = 0;
  /** The INT pin (active low). */
  readonly int = new IntPin();
  private resetAt = -Infinity;
  private evenRdptWritten = false;
  private rxWrite = 0; // ERXWRPT, internal
  private txStalled = false;

  constructor(readonly port: Port | null, mac?: Uint8Array) {
    this.reset();
    if (mac) this.setMacForTest(mac);
    if (port) port.onFrame((f) => this.receive(f));
  }

  /** System reset (SRC or power on): registers to their datasheet reset values. */
  reset(): void {
    for (const b of this.banks) b.fill(0);
    this.common()[ECON2] = ECON2_AUTOINC;
    this.common()[ESTAT] = ESTAT_CLKRDY;
    this.banks[0][ERXNDL] = 0xff; this.banks[0][ERXNDH] = 0x1f;
    this.banks[0][ERXSTL] = 0xfa; this.banks[0][ERXSTH] = 0x05;
    this.banks[0][ERXRDPTL] = 0xfa; this.banks[0][ERXRDPTH] = 0x05;
    this.banks[0][ERDPTL] = 0xfa; this.banks[0][ERDPTH] = 0x05;
    this.banks[1][ERXFCON] = 0xa1; // UCEN, CRCEN, BCEN
    this.banks[2][MACON1] = 0; this.banks[2][MACON3] = 0; this.banks[2][MACON4] = 0;
    this.banks[3][EREVID] = REVISION_B7;
    this.banks[3][ECOCON] = 0x04;
    this.phy.fill(0);
    this.phy[PHID1] = 0x0083; this.phy[PHID2] = 0x1400;
    this.phy[PHLCON] = 0x3422;
    this.updateLink();
    this.rxWrite = 0x05fa;
    this.txStalled = false;
    this.evenRdptWritten = false;
    this.updateInt();
  }

  /** INT is driven low while INTIE is set and an enabled flag is set (datasheet figure 12-1;
   *  EIE and EIR share bit positions, bit 2 unimplemented). */
  private updateInt(): void {
    const eie = this.common()[EIE];
    this.int.set((eie & EIE_INTIE) !== 0 && (eie & this.common()[EIR] & 0x7b) !== 0);
  }

  private common(): Uint8Array { return this.banks[0]; }
  private bank(): number { return this.common()[ECON1] & 3; }

  /** Registers 0x1B..0x1F are the same in every bank. */
  private reg(addr: number): number {
    return addr >= 0x1b ? this.common()[addr] : this.banks[this.bank()][addr];
  }

  private setReg(addr: number, v: number): void {
    if (addr >= 0x1b) { for (const b of this.banks) b[addr] = v; } else this.banks[this.bank()][addr] = v;
  }

  private isMacMii(addr: number): boolean {
    const b = this.bank();
    return addr < 0x1b && (b === 2 || (b === 3 && (addr <= 0x05 || addr === MISTAT)));
  }

  private u16(bank: number, lo: number): number { return this.banks[bank][lo] | (this.banks[bank][lo + 1] << 8); }
  private set16(bank: number, lo: number, v: number): void { this.banks[bank][lo] = v & 255; this.banks[bank][lo + 1] = (v >> 8) & 0x1f; }

  setMacForTest(mac: Uint8Array): void {
    const b = this.banks[3];
    b[MAADR1] = mac[0]; b[MAADR2] = mac[1]; b[MAADR3] = mac[2]; b[MAADR4] = mac[3]; b[MAADR5] = mac[4]; b[MAADR6] = mac[5];
  }

  mac(): Uint8Array {
    const b = this.banks[3];
    return new Uint8Array([b[MAADR1], b[MAADR2], b[MAADR3], b[MAADR4], b[MAADR5], b[MAADR6]]);
  }

  // ---- SPI ----

  send(data: Uint8Array): Uint8Array {
    this.stats.spiTransactions++;
    this.stats.spiBytes += data.length;
    const out = new Uint8Array(data.length);
    if (this.faults.absent !== null) { out.fill(this.faults.absent); return out; }
    if (data.length === 0) return out;
    this.transaction(data, out);
    this.updateInt();
    return out;
  }

  private transaction(data: Uint8Array, out: Uint8Array): void {
    // Erratum #2: after a system reset the chip ignores the SPI for about 1 ms (its clock is
    // stopped although ESTAT.CLKRDY may read set).
    if (this.now - this.resetAt < 1) {
      this.stats.writesWhileClockStopped++;
      return;
    }
    const op = data[0];
    const arg = op & 0x1f;
    if (op === SRC) {
      this.reset();
      this.resetAt = this.now;
    } else if (op === RBM) {
      let p = this.u16(0, ERDPTL);
      for (let i = 1; i < data.length; i++) {
        out[i] = this.mem[p];
        p = this.advanceRead(p);
      }
      if (this.common()[ECON2] & ECON2_AUTOINC) this.set16(0, ERDPTL, p);
    } else if (op === WBM) {
      let p = this.u16(0, EWRPTL);
      for (let i = 1; i < data.length; i++) {
        this.mem[p] = data[i];
        p = (p + 1) & 0x1fff;
      }
      if (this.common()[ECON2] & ECON2_AUTOINC) this.set16(0, EWRPTL, p);
    } else if ((op & 0xe0) === RCR) {
      // MAC and MII registers shift out a dummy byte first (datasheet 4.2.1).
      const v = this.readReg(arg);
      const first = this.isMacMii(arg) ? 2 : 1;
      for (let i = first; i < data.length; i++) out[i] = v;
    } else if ((op & 0xe0) === WCR) {
      if (data.length >= 2) this.writeReg(arg, data[1]);
    } else if ((op & 0xe0) === BFS || (op & 0xe0) === BFC) {
      // Bit field operations work on ETH registers only (datasheet 4.2.5).
      if (data.length >= 2 && !this.isMacMii(arg)) {
        const cur = this.reg(arg);
        this.writeReg(arg, (op & 0xe0) === BFS ? cur | data[1] : cur & ~data[1]);
      }
    }
    if (this.faults.corruptReads > 0 && data.length > 1) {
      this.faults.corruptReads--;
      const i = 1 + Math.floor((this.now * 7919 + this.stats.spiTransactions) % (data.length - 1));
      out[i] ^= 1 << (this.stats.spiTransactions & 7);
    }
  }

  /** ERDPT wraps from ERXND to ERXST inside the receive buffer (datasheet 3.2.1). */
  private advanceRead(p: number): number {
    const st = this.u16(0, ERXSTL), nd = this.u16(0, ERXNDL);
    if (p === nd) return st;
    return (p + 1) & 0x1fff;
  }

  private readReg(addr: number): number {
    const b = this.bank();
    if (addr === EPKTCNT && b === 1) return this.banks[1][EPKTCNT];
    if (addr === ERXWRPTL && b === 0) return this.rxWrite & 255;
    if (addr === ERXWRPTH && b === 0) return this.rxWrite >> 8;
    return this.reg(addr);
  }

  private writeReg(addr: number, v: number): void {
    const b = this.bank();
    v &= 255;
    if (addr === ECON1) {
      const old = this.common()[ECON1];
      this.setReg(ECON1, v & ~ECON1_TXRTS | (old & ECON1_TXRTS));
      if (v & ECON1_TXRST) { this.txStalled = false; this.setReg(ECON1, this.common()[ECON1] & ~ECON1_TXRTS); }
      if (v & ECON1_RXRST) { this.banks[1][EPKTCNT] = 0; this.rxWrite = this.u16(0, ERXSTL); this.setReg(EIR, this.common()[EIR] & ~EIR_PKTIF); }
      if ((v & ECON1_TXRTS) && !(old & ECON1_TXRTS) && !(v & ECON1_TXRST)) this.transmit();
      if ((v & ECON1_DMAST) && (v & ECON1_CSUMEN) && (this.common()[ECON1] & ECON1_RXEN)) {
        // Erratum #15: a DMA checksum while receiving may corrupt the receive buffer.
        this.stats.dmaCorruptions++;
      }
      this.setReg(ECON1, this.common()[ECON1] & ~ECON1_DMAST);
      return;
    }
    if (addr === ECON2) {
      if (v & ECON2_PKTDEC) {
        if (this.banks[1][EPKTCNT] > 0) this.banks[1][EPKTCNT]--;
        // PKTIF is cleared when the count reaches 0 (datasheet 12.1.3).
        if (this.banks[1][EPKTCNT] === 0) this.setReg(EIR, this.common()[EIR] & ~EIR_PKTIF);
      }
      this.setReg(ECON2, v & ~ECON2_PKTDEC);
      return;
    }
    if (addr === EIR) { this.setReg(EIR, (v & ~EIR_PKTIF) | (this.common()[EIR] & EIR_PKTIF)); return; } // PKTIF is read-only
    if (addr === ESTAT) { this.setReg(ESTAT, (this.common()[ESTAT] & ~0x52) | (v & 0x52)); return; } // BUFER, LATECOL, TXABRT are clearable
    if (addr === EREVID && b === 3) return;
    this.setReg(addr, v);
    if (b === 0 && addr === ERXRDPTH) {
      // Erratum #14: an even ERXRDPT may corrupt the receive ring.
      this.evenRdptWritten = (this.banks[0][ERXRDPTL] & 1) === 0;
    }
    if (b === 0 && (addr === ERXSTH || addr === ERXSTL)) this.rxWrite = this.u16(0, ERXSTL);
    if (b === 2 && addr === MIWRH) this.writePhy(this.banks[2][MIREGADR], this.banks[2][MIWRL] | (v << 8));
    if (b === 2 && addr === MICMD && (v & 1)) {
      const r = this.readPhy(this.banks[2][MIREGADR]);
      this.banks[2][MIRDL] = r & 255; this.banks[2][MIRDH] = r >> 8;
    }
  }

  private readPhy(r: number): number {
    if (r === PHSTAT1) { const v = this.phy[PHSTAT1]; this.updateLink(); return v; } // LLSTAT latches low until read
    return this.phy[r & 31];
  }

  private writePhy(r: number, v: number): void {
    r &= 31;
    if (r === PHCON1 && (v & 0x8000)) { this.phy[PHCON1] = 0; return; } // PRST
    if (r === PHSTAT1 || r === PHSTAT2 || r === PHID1 || r === PHID2) return;
    this.phy[r] = v;
    this.updateLink();
  }

  private updateLink(): void {
    const up = !this.faults.linkDown;
    const duplex = (this.phy[PHCON1] & PHCON1_PDPXMD) ? PHSTAT2_DPXSTAT : 0;
    const wasUp = (this.phy[PHSTAT2] & PHSTAT2_LSTAT) !== 0;
    this.phy[PHSTAT2] = (up ? PHSTAT2_LSTAT : 0) | duplex;
    if (up) this.phy[PHSTAT1] |= PHSTAT1_LLSTAT; else this.phy[PHSTAT1] &= ~PHSTAT1_LLSTAT;
    if (wasUp !== up) this.setReg(EIR, this.common()[EIR] | EIR_LINKIF);
  }

  /** Link up or down (fault hook). */
  setLink(up: boolean): void {
    this.faults.linkDown = !up;
    this.updateLink();
    this.updateInt();
  }

  // ---- transmit (datasheet 7.1) ----

  private transmit(): void {
    if (this.txStalled || this.faults.stallNextTx) {
      // Errata #10/#12: the transmit logic stalls; TXRTS stays set until TXRST.
      this.faults.stallNextTx = false;
      this.txStalled = true;
      this.setReg(ECON1, this.common()[ECON1] | ECON1_TXRTS);
      this.setReg(EIR, this.common()[EIR] | EIR_TXERIF);
      this.setReg(ESTAT, this.common()[ESTAT] | ESTAT_TXABRT);
      return;
    }
    const st = this.u16(0, ETXSTL), nd = this.u16(0, ETXNDL);
    const len = nd - st; // the control byte at ETXST, the frame from ETXST+1 to ETXND
    const tsv = new Uint8Array(7);
    let late = false;
    if (this.faults.lateCollisionNextTx && !(this.banks[2][MACON3] & MACON3_FULDPX)) {
      this.faults.lateCollisionNextTx = false;
      late = true; // erratum #13: a late collision aborts the frame; it is not retried by the chip
    }
    if (len > 0 && len <= 1518 && !late && !this.faults.linkDown) {
      const frame = this.mem.slice(st + 1, nd + 1);
      this.stats.txFrames++;
      if (this.port) this.port.send(frame);
      tsv[2] = 0x80; // transmit done
    }
    tsv[0] = len & 255; tsv[1] = len >> 8;
    if (late) { tsv[3] |= 0x20; this.setReg(ESTAT, this.common()[ESTAT] | ESTAT_LATECOL | ESTAT_TXABRT); this.setReg(EIR, this.common()[EIR] | EIR_TXERIF); }
    for (let i = 0; i < 7; i++) this.mem[(nd + 1 + i) & 0x1fff] = tsv[i];
    this.setReg(ECON1, this.common()[ECON1] & ~ECON1_TXRTS);
    if (!late) this.setReg(EIR, this.common()[EIR] | EIR_TXIF);
  }

  // ---- receive (datasheet 7.2) ----

  private receive(frame: Uint8Array): void {
    this.receiveFrame(frame);
    this.updateInt();
  }

  private receiveFrame(frame: Uint8Array): void {
    if (this.faults.linkDown) return;
    // Frames that arrive while the receiver is off (before init, during a receive reset) are lost.
    if (!(this.common()[ECON1] & ECON1_RXEN)) { this.stats.rxOff++; return; }
    const fcon = this.banks[1][ERXFCON];
    const mac = this.mac();
    const bcast = frame[0] === 0xff && frame[1] === 0xff && frame[2] === 0xff && frame[3] === 0xff && frame[4] === 0xff && frame[5] === 0xff;
    const mcast = !bcast && (frame[0] & 1) === 1;
    let ours = true;
    for (let i = 0; i < 6; i++) if (frame[i] !== mac[i]) ours = false;
    const crcError = this.faults.crcErrorNext;
    this.faults.crcErrorNext = false;
    if (fcon !== 0) { // 0: promiscuous
      const accept = (ours && (fcon & ERXFCON_UCEN)) || (bcast && (fcon & ERXFCON_BCEN)) || (mcast && (fcon & ERXFCON_MCEN));
      if (!accept || (crcError && (fcon & ERXFCON_CRCEN))) { this.stats.rxDropped++; return; }
    }
    const st = this.u16(0, ERXSTL), nd = this.u16(0, ERXNDL);
    const size = nd - st + 1;
    const need = 6 + frame.length + 4 + 1;
    const rd = this.u16(0, ERXRDPTL);
    // Free space between the write pointer and the read pointer (datasheet 7.2.4).
    const used = (this.rxWrite - rd - 1 + size) % size;
    const free = size - used - 1;
    if (this.faults.overflowFrames > 0 || free < need || this.banks[1][EPKTCNT] === 255) {
      if (this.faults.overflowFrames > 0) this.faults.overflowFrames--;
      this.stats.rxDropped++;
      this.setReg(EIR, this.common()[EIR] | EIR_RXERIF);
      this.setReg(ESTAT, this.common()[ESTAT] | ESTAT_BUFER);
      return;
    }
    const start = this.rxWrite;
    let p = start;
    const put = (b: number) => { this.mem[p] = b; p = p === nd ? st : (p + 1) & 0x1fff; };
    const count = frame.length + 4;
    const total = 6 + count;
    let next = start;
    for (let i = 0; i < total + (total & 1); i++) next = next === nd ? st : (next + 1) & 0x1fff;
    if (this.evenRdptWritten) {
      // Erratum #14: with an even ERXRDPT the hardware may write a wrong next-packet pointer.
      this.stats.ringCorruptions++;
      next = (next + 0x155) & 0x1fff;
    }
    put(next & 255); put(next >> 8);
    put(count & 255); put(count >> 8);
    let s2 = crcError ? 0x10 : 0x80; // bit 20 CRC error, bit 23 received OK
    put(s2);
    put((bcast ? 0x02 : 0) | (mcast ? 0x01 : 0));
    for (let i = 0; i < frame.length; i++) put(frame[i]);
    const crc = crc32(frame);
    put(crc & 255); put((crc >>> 8) & 255); put((crc >>> 16) & 255); put(crc >>> 24);
    this.rxWrite = next;
    this.banks[1][EPKTCNT]++;
    this.stats.rxFrames++;
    this.setReg(EIR, this.common()[EIR] | EIR_PKTIF);
    s2 = 0;
  }
}

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) {
    c ^= b[i];
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}
