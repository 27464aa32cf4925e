// Puts a chip model on the virtual segment and the real driver on top of it, so that simulated
// boards run through real driver code: `--chip enc28j60|w5500|none`. The simulated board is
// woken as a real one is: by the falling edge of the chip's INT pin (start({int}) on a board) and
// by the driver's setWake (the plain NIC's), nothing else.
import type { EthernetDriver } from '../../firmware/drivers/driver.ts';
import { Enc28j60 } from '../../firmware/drivers/enc28j60.ts';
import type { VirtualClock } from '../clock.ts';
import type { Port } from '../segment.ts';
import { SimNic } from '../nic.ts';
import { Enc28j60Model } from './enc28j60.ts';
import { W5500 } from '../../firmware/drivers/w5500.ts';
import { W5500Model } from './w5500.ts';
import type { IntPin } from './int-pin.ts';

export type ChipKind = 'enc28j60' | 'w5500' | 'none';

export interface AttachedChip {
  kind: ChipKind;
  driver: EthernetDriver;
  /** The chip model (null for 'none'). */
  model: Enc28j60Model | W5500Model | null;
  /** The chip's interrupt output, wired to the simulated board (null for 'none'). */
  int: IntPin | null;
  /** EthernetDriver.setWake, for the driver running now (the plain NIC has one). */
  setWake(wake: () => void): void;
  /** Bring the model's clock to virtual time (call before each poll). */
  tick(now: number): void;
  /** Frames waiting in the chip (SimHost polls again at once while any). */
  readonly pending: number;
  /** The firmware restarted (load() on a board): a new driver instance, which initialises the
   *  chip again as the driver does at start; the plain NIC just drops what it held. */
  restart(): EthernetDriver;
}

export function attachChip(kind: ChipKind, clock: VirtualClock, port: Port, mac: Uint8Array): AttachedChip {
  if (kind === 'none') {
    const nic = new SimNic(port, mac);
    return { kind, driver: nic, model: null, int: null, setWake: (wake) => nic.setWake(wake), tick: () => {}, get pending() { return nic.pending; },
      restart: () => { nic.clear(); return nic; } };
  }
  if (kind === 'enc28j60') {
    const model = new Enc28j60Model(port);
    model.now = clock.now;
    const make = () => new Enc28j60(model, mac, { delayMs: (ms) => { model.now += ms; } });
    const chip: AttachedChip = {
      kind, driver: make(), model, int: model.int,
      setWake: (wake) => { if (chip.driver.setWake) chip.driver.setWake(wake); },
      tick: (now) => { if (now > model.now) model.now = now; },
      get pending() { return model.banks[1][0x19]; },
      restart: () => (chip.driver = make()),
    };
    return chip;
  }
  if (kind === 'w5500') {
    const model = new W5500Model(port);
    const make = () => new W5500(model, mac, { delayMs: () => {} });
    const chip: AttachedChip = {
      kind, driver: make(), model, int: model.int,
      setWake: (wake) => { if (chip.driver.setWake) chip.driver.setWake(wake); },
      tick: () => {},
      get pending() { const s = model.sockets[0]; return (((s[0x2a] << 8) | s[0x2b]) - ((s[0x28] << 8) | s[0x29])) & 0xffff; },
      restart: () => (chip.driver = make()),
    };
    return chip;
  }
  throw new Error(`chip ${kind}: unknown (choose enc28j60, w5500 or none)`);
}
