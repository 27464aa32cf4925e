// A simulated board: a chip model (or the plain simulated NIC) on a port of the virtual segment,
// the real driver, and the firmware's stack with its apps, polled on the virtual clock as the
// board's timer would poll it, and woken as a board with start({int}) is: by the chip's INT pin
// (the plain NIC: by its setWake).
import { createStack, type Stack, type StackConfig } from '../firmware/stack.ts';
import type { EthernetDriver } from '../firmware/drivers/driver.ts';
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
  /** The running firmware's stack and its driver loop: both replaced by restart(). */
  stack!: Stack;
  host!: SimHost;
  readonly mac: Uint8Array;
  /** How many times the firmware restarted. */
  restarts = 0;
  private readonly config: StackConfig;

  constructor(readonly clock: VirtualClock, readonly segment: Segment, opts: SimBoardOptions) {
    this.mac = opts.mac ?? randomMac();
    this.chip = attachChip(opts.chip ?? 'enc28j60', clock, segment.attach(opts.name ?? 'board'), this.mac);
    const random32 = opts.random32 ?? (() => randomBytes(4).readUInt32LE(0));
    this.config = { ...opts, random32, tcp: { ...opts.tcp, now: () => clock.now } };
    this.boot(this.chip.driver);
  }

  /** The firmware starts again, as load() or a reset does on a board: a new driver instance on
   *  the same chip, a new stack (no connections, ARP cache or DHCP state; same MAC), which prints
   *  its startup line and acquires its address again. */
  restart(): void {
    this.host.stop();
    this.restarts++;
    this.boot(this.chip.restart());
  }

  private boot(driver: EthernetDriver): void {
    const chip = this.chip;
    const stack = this.stack = createStack(driver, this.config);
    this.host = new SimHost(this.clock, { poll: (now) => { chip.tick(now); return stack.poll(now); } }, chip);
  }

  stop(): void { this.host.stop(); }
}
