// A tiny EthernetDriver for interface tests: frames queued in `rxq` are handed to recv(), frames
// sent are copied into `sent`. `accept` = false makes send() refuse frames. As a chip driver
// (`asChip`), it has a txBuf where the stack builds frames, copies any other frame it is given
// into that same txBuf to send it (as the ENC28J60 and W5500 drivers do), and hands received
// frames over by recvFrame.
import type { EthernetDriver } from '../../firmware/drivers/driver.ts';

export class FakeDriver implements EthernetDriver {
  mac: Uint8Array;
  rxq: Uint8Array[] = [];
  sent: Uint8Array[] = [];
  accept = true;
  serviced: number[] = [];
  txBuf?: Uint8Array;
  recvFrame?: () => Uint8Array | null;
  constructor(mac: Uint8Array, asChip = false) {
    this.mac = mac;
    if (asChip) {
      this.txBuf = new Uint8Array(1514);
      this.recvFrame = () => this.rxq.shift() || null;
    }
  }
  send(frame: Uint8Array, len: number): boolean {
    if (!this.accept) return false;
    if (this.txBuf && frame !== this.txBuf) this.txBuf.set(frame.subarray(0, len));
    this.sent.push((this.txBuf || frame).slice(0, len));
    return true;
  }
  recv(buf: Uint8Array): number {
    const f = this.rxq.shift();
    if (!f) return 0;
    const n = Math.min(f.length, buf.length);
    buf.set(f.subarray(0, n));
    return n;
  }
  link(): boolean { return true; }
  service(now: number): void { this.serviced.push(now); }
  /** Takes and returns the frames sent so far. */
  take(): Uint8Array[] { const s = this.sent; this.sent = []; return s; }
}
