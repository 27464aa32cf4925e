// A tiny EthernetDriver for interface tests: frames queued in `rxq` are handed to recv(), frames
// sent are copied into `sent`. `accept` = false makes send() refuse frames.
import type { EthernetDriver } from '../../firmware/drivers/driver.ts';

export class FakeDriver implements EthernetDriver {
  mac: Uint8Array;
  rxq: Uint8Array[] = [];
  sent: Uint8Array[] = [];
  accept = true;
  serviced: number[] = [];
  constructor(mac: Uint8Array) { this.mac = mac; }
  send(frame: Uint8Array, len: number): boolean {
    if (!this.accept) return false;
    this.sent.push(frame.slice(0, len));
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
