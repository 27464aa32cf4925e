// A simulated board: a chip model (or the plain simulated NIC) on a port of the virtual segment,
// the real driver, and the firmware's stack with its apps, polled on the virtual clock as the
// board's timer would poll it.
import { createStack, type Stack, type StackConfig } from '../firmware/stack.ts';
import '../firmware/apps/register.ts';
import { parseMac } from '../firmware/wire/ethernet.ts';
import type { VirtualClock } from './clock.ts';
import type { Segment } from './segment.ts';
import { SimHost } from './nic.ts';
import { attachChip, type AttachedChip, type ChipKind } from './chips/attach.ts';
import { randomBytes } from 'node:crypto';

export interface SimBoardOptions extends StackConfig {
  chip?: ChipKind;
  mac?: Uint8Array;
  name?: string;
}

/** A locally administered unicast MAC (02:...) from the random source. */
export function randomMac(): Uint8Array {
  const m = randomBytes(6);
  m[0] = (m[0] & 0xfe) | 0x02;
  return new Uint8Array(m);
}

/** The firmware's parser: the simulator's --mac takes what a board's config takes. */
export { parseMac };

export class SimBoard {
  readonly chip: AttachedChip;
  readonly stack: Stack;
  readonly host: SimHost;
  readonly mac: Uint8Array;

  constructor(readonly clock: VirtualClock, readonly segment: Segment, opts: SimBoardOptions) {
    this.mac = opts.mac ?? randomMac();
    this.chip = attachChip(opts.chip ?? 'enc28j60', clock, segment.attach(opts.name ?? 'board'), this.mac);
    const random32 = opts.random32 ?? (() => randomBytes(4).readUInt32LE(0));
    this.stack = createStack(this.chip.driver, { ...opts, random32, tcp: { ...opts.tcp, now: () => clock.now } });
    const chip = this.chip, stack = this.stack;
    this.host = new SimHost(clock, { poll: (now) => { chip.tick(now); return stack.poll(now); } }, chip);
  }

  stop(): void { this.host.stop(); }
}
