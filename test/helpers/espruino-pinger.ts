// For the entries bundled into the real interpreter (espruino-iface-entry.ts,
// espruino-driver-entry.ts): one Interface pings another with a known payload (byte i is
// (i * 31) & 255) and checks each echo reply byte for byte.
import { Interface, IP_PAYLOAD_OFFSET } from '../../firmware/iface/interface.ts';
import { emitIcmpEcho, ICMP_ECHO_REQUEST } from '../../firmware/wire/icmp.ts';

export interface Pinger {
  /** The payload lengths of the replies so far, in order. */
  replies: number[];
  /** False once a reply had the wrong length, type or bytes. */
  okBytes: boolean;
  /** Sends echo request `seq` with n payload bytes to `to`. */
  send(to: number, seq: number, n: number): void;
}

export function pinger(from: Interface): Pinger {
  let expectLen = 0;
  const p: Pinger = {
    replies: [],
    okBytes: true,
    send(to: number, seq: number, n: number): void {
      expectLen = 8 + n;
      for (let i = 8; i < 8 + n; i++) from.tx[IP_PAYLOAD_OFFSET + i] = (i * 31) & 255;
      emitIcmpEcho(from.tx, IP_PAYLOAD_OFFSET, ICMP_ECHO_REQUEST, 0x55, seq, 8 + n);
      from.sendIpv4(to, 1, 8 + n);
    },
  };
  from.register(1, {
    input: (_src: number, _dst: number, buf: Uint8Array, off: number, len: number) => {
      p.replies.push(len - 8);
      if (len !== expectLen || buf[off] !== 0) p.okBytes = false;
      for (let i = 8; i < len; i++) if (buf[off + i] !== ((i * 31) & 255)) p.okBytes = false;
    },
    poll: () => 0x7fffffff,
  });
  return p;
}
