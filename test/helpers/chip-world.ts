// A board whose frames cross a chip model through the real driver, and a plain simulated peer,
// on one virtual segment: the world the driver tests ping across.
import { Interface } from '../../firmware/iface/interface.ts';
import { VirtualClock } from '../../host-sim/clock.ts';
import { Segment } from '../../host-sim/segment.ts';
import { SimHost, SimNic } from '../../host-sim/nic.ts';
import { attachChip, type ChipKind } from '../../host-sim/chips/attach.ts';
import type { Enc28j60Model } from '../../host-sim/chips/enc28j60.ts';
import type { W5500Model } from '../../host-sim/chips/w5500.ts';

export const BOARD_IP = 0xc6120002, PEER_IP = 0xc6120001;
export const BOARD_MAC = new Uint8Array([2, 0, 0x5e, 0, 0, 2]);

export function chipWorld(kind: ChipKind) {
  const clock = new VirtualClock();
  const seg = new Segment(clock, 0.05);
  const chip = attachChip(kind, clock, seg.attach('board'), BOARD_MAC);
  const board = new Interface(chip.driver, { ip: BOARD_IP, prefix: 24, random32: () => 7 });
  const boardHost = new SimHost(clock, { poll: (now) => { chip.tick(now); return board.poll(now); } }, chip);
  const peerNic = new SimNic(seg.attach('peer'), [2, 0, 0, 0, 0, 1]);
  const peer = new Interface(peerNic, { ip: PEER_IP, prefix: 24, random32: () => 9 });
  const peerHost = new SimHost(clock, peer, peerNic);
  const replies = new Map<number, Uint8Array>();
  peer.register(1, {
    input(src: number, _dst: number, buf: Uint8Array, off: number, len: number) {
      if (src === BOARD_IP && buf[off] === 0) replies.set((buf[off + 6] << 8) | buf[off + 7], buf.slice(off + 8, off + len));
    },
    poll() { return 0x7fffffff; },
  });
  let seq = 0;
  /** The peer pings the board with `size` bytes; resolves in virtual time; true if answered
   *  byte-exact within `ms`. */
  function ping(size: number, ms = 1000): boolean {
    const s = seq++;
    const data = new Uint8Array(size);
    for (let i = 0; i < size; i++) data[i] = (i * 13 + s) & 255;
    peer.sendPing(BOARD_IP, 1, s, data, 0, size);
    peerHost.kick();
    clock.runUntilTrue(() => replies.has(s), ms);
    const r = replies.get(s);
    return !!r && r.length === size && r.every((b, i) => b === data[i]);
  }
  return { clock, seg, chip, enc: chip.model as Enc28j60Model, w5: chip.model as W5500Model, board, boardHost, peer, peerHost, ping };
}
