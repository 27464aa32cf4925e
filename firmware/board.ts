// The board entry point: require("synack").start(config) on Espruino. Builds the driver (an
// ENC28J60 or W5500 on an SPI bus with a chip-select pin, or any EthernetDriver handed in), the
// stack and its apps, and drives it with one timer: polled again soon while there is traffic,
// slowly when idle, so an idle board is not busy. Time is getTime(); randomness E.hwRand.
import type { EthernetDriver, SpiBus } from './drivers/driver.ts';
import { createStack, hasApps, useApps, type AppsStarter, type Stack } from './stack.ts';
import type { AppsConfig } from './apps/index.ts';
import type { TcpConfig } from './tcp/tcp.ts';
import { networkjs } from './socket/networkjs.ts';
import { parseMac } from './wire/ethernet.ts';
import { RX_FRAMES } from './iface/counters.ts';
import { espruinoModule } from './modules.ts';
import { onBoard } from './wire/on-board.ts';

declare const getTime: () => number;
declare const getSerial: (() => string) | undefined;
declare const print: ((s: string) => void) | undefined;
declare const process: { memory?: (gc?: boolean) => { [k: string]: number } } | undefined;
declare const setWatch: (fn: () => void, pin: unknown, opts: object) => unknown;
declare const clearWatch: (id: unknown) => void;

/** What Espruino's SPI objects offer: send(data, csPin) -> the bytes clocked in. */
export interface EspruinoSpi { send(data: Uint8Array, cs?: unknown): Uint8Array }

export interface BoardConfig {
  chip?: 'enc28j60' | 'w5500';
  spi?: EspruinoSpi;
  cs?: unknown;
  /** Any EthernetDriver instead of a chip (custom links). */
  driver?: EthernetDriver;
  ip?: string;
  gateway?: string;
  dns?: string;
  /** "02:00:..." (default: derived from the board's serial number, locally administered). */
  mac?: string;
  hostname?: string;
  apps?: AppsConfig | false;
  tcp?: TcpConfig;
  /** Register with Espruino's NetworkJS so its net/http/dgram use synack (default true). */
  networkjs?: boolean;
  /** The pin the chip's interrupt output is wired to (ENC28J60 INT, W5500 INTn; both active
   *  low): the board polls as soon as it falls, and the idle poll slows to 1000 ms. */
  int?: unknown;
  /** Slowest poll when idle, ms (default 100; 1000 with `int`). */
  idlePollMs?: number;
  /** Free blocks under which new connections are refused and received frames copied, not kept;
   *  under half of it frames stay in the chip (default 400; StackConfig.memReserve). */
  memReserve?: number;
  /** mDNS (NAME.local, DNS-SD) and link-local IPv4: StackConfig's keys (docs/zeroconf.md). */
  mdns?: boolean;
  linkLocal?: boolean;
}


export interface Board { stack: Stack; stop(): void }

/** A chip driver's constructor, as the chip bundles register it. */
export type ChipDriver = new (bus: SpiBus, mac: Uint8Array) => EthernetDriver;
const chips: { [name: string]: ChipDriver } = {};

/** Makes `chip: name` available to start(); each board bundle registers its one chip. */
export function registerChip(name: string, driver: ChipDriver): void { chips[name] = driver; }

/** The default apps live in the Storage module "synack-apps" (npm run flash writes it). When it
 *  is missing or from another build (the apps use the stack's shortened names: only a module of
 *  the same build can run, BUILD_ID), one line says so, in the words of the other modules. */
function loadApps(): void {
  if (hasApps()) return;
  try { useApps((espruinoModule('synack-apps', ', or pass apps: false)') as { startApps: AppsStarter }).startApps); } catch (e) {
    if (onBoard || typeof print === 'function') print!((e as Error).message + '; the default apps are off');
  }
}

/** Espruino's SPI as our SpiBus: whole-buffer sends with the chip select held. Given a
 *  Uint8Array, Espruino's SPI.send (hardware or software SPI) returns a new Uint8Array of the
 *  bytes clocked in. */
export function espruinoSpiBus(spi: EspruinoSpi, cs: unknown): SpiBus {
  return { send: function (data: Uint8Array): Uint8Array { return spi.send(data, cs); } };
}

/** A stable locally administered MAC from the board's serial number (or random). */
function defaultMac(): Uint8Array {
  const serial = typeof getSerial === 'function' ? getSerial() : String(Math.random());
  let h = 0x811c9dc5;
  for (let i = 0; i < serial.length; i++) { h ^= serial.charCodeAt(i); h = (h * 0x01000193) % 0x100000000; }
  return new Uint8Array([0x02, 0x53, (h >>> 24) & 255, (h >>> 16) & 255, (h >>> 8) & 255, h & 255]);
}

function nowMs(): number { return onBoard || typeof getTime === 'function' ? getTime() * 1000 : Date.now(); }

/** The idle poll of a board that wakes on its chip's INT pin: only a safety net. */
const INT_IDLE_POLL_MS = 1000;

// The poll loop, which nothing may stop (a board that stops answering is the worst failure).
// In Espruino an OUT OF MEMORY stops the callback it happens in, uncatchably, and removes an
// interval whose callback it stopped (measured, docs/espruino.md). So the loop is a chain of
// timeouts, each poll arming the next, watched by an interval that allocates nothing while the
// chain runs and starts a new chain when polls stop happening. Each chain carries a number
// (`gen`): a chain that was given up for lost and turns up again ends itself. The loop in turn
// restarts the watchdog if it stops running.
// Its state is the Board object itself, and its steps are functions of the module handed that
// object (setTimeout and setInterval pass it on): closures made in start() would each copy
// start()'s scope and keep every local of it (measured on a Pico's layout: 40 blocks more idle).

/** A board as start() returns it, with its poll loop's state. */
interface BoardLoop extends Board {
  idle: number; watchMs: number; soon: unknown; gen: number; ranAt: number; watchedAt: number;
  watchdog: unknown; running: boolean; failed: number; woke: unknown; intWatch: unknown;
}

function loopTick(b: BoardLoop, g: number): void {
  if (!b.running || g !== b.gen) return;
  const now = nowMs();
  b.ranAt = now;
  const stack = b.stack;
  const before = stack.iface.cnt[RX_FRAMES];
  let next = b.idle;
  // An exception (from a driver of the user's, say) must not end the loop. Said once.
  try { next = stack.poll(now); } catch (e) {
    if (!b.failed++ && (onBoard || typeof print === 'function')) print!('synack: poll failed (' + e + '), polling on');
  }
  if (now - b.watchedAt > 3 * b.watchMs) loopWatchdog(b);
  // Traffic: come back at once; idle: sleep until the next timer, at most idlePollMs.
  const busy = stack.iface.cnt[RX_FRAMES] !== before;
  b.soon = setTimeout(loopTick, busy ? 0 : next < b.idle ? next : b.idle, b, g);
}

function loopWatch(b: BoardLoop): void {
  b.watchedAt = nowMs();
  if (b.running && b.watchedAt - b.ranAt > b.watchMs) b.soon = setTimeout(loopTick, 0, b, ++b.gen);
}

function loopWatchdog(b: BoardLoop): void {
  if (b.watchdog) clearInterval(b.watchdog as never);
  b.watchedAt = nowMs();
  b.watchdog = setInterval(loopWatch, b.watchMs, b);
}

function loopWoken(b: BoardLoop): void {
  b.woke = 0;
  if (b.running) { clearTimeout(b.soon as never); loopTick(b, b.gen); }
}

// Wake on a frame (EthernetDriver.setWake): poll at once instead of at the next timer. However
// often it is called, at most one immediate poll is pending, and it never polls from inside
// the call: a wake during a poll (a driver's, or the pin's) runs one more poll after it. Made
// only for a board that wakes (a pin, or a driver with setWake), by a function whose scope
// holds nothing else.
function waker(b: BoardLoop): () => void {
  return function () { if (!b.woke) b.woke = setTimeout(loopWoken, 0, b); };
}

/** Board.stop: the loop ends, its timers and the pin's watch go. */
function boardStop(this: BoardLoop): void {
  this.running = false;
  if (this.soon) clearTimeout(this.soon as never);
  clearInterval(this.watchdog as never);
  if (this.intWatch) clearWatch(this.intWatch);
}

/** process.memory(gc).free: the stack's look at free memory. */
function freeBlocks(gc: boolean): number { return process!.memory!(gc).free; }

export function start(config: BoardConfig): Board {
  const c = config || {};
  const mac = c.mac ? parseMac(c.mac) : defaultMac();
  let driver = c.driver;
  if (!driver) {
    if (!c.spi || c.cs === undefined) throw new Error('start: give {chip: "enc28j60" | "w5500", spi: SPI1, cs: <pin>} (SPI set up with SPI1.setup({mosi, miso, sck, baud})) or {driver: yourEthernetDriver}');
    const name = c.chip || 'enc28j60';
    const chip = chips[name];
    // One throw for both: a chip synack has no driver for, or the other chip's bundle.
    if (!chip) throw new Error('start: ' + (name !== 'enc28j60' && name !== 'w5500' ? 'unknown chip "' + name + '": use "enc28j60" or "w5500"'
      : 'this bundle has no ' + name + ' driver: flash the ' + name + ' bundle (npm run flash with chip "' + name + '" in the config)'));
    driver = new chip(espruinoSpiBus(c.spi, c.cs), mac);
  }
  if (c.apps !== false) loadApps();
  const hasMemory = onBoard || typeof process !== 'undefined' && !!process && !!process.memory;
  const stack = createStack(driver, {
    ip: c.ip, gateway: c.gateway, dns: c.dns, hostname: c.hostname, apps: c.apps,
    tcp: Object.assign({ now: nowMs }, c.tcp || {}),
    // Espruino's own functions, not closures around them (a function made here costs 8 blocks or
    // more; process.memory and print use no `this`).
    memory: hasMemory ? process!.memory! : undefined,
    freeBlocks: hasMemory ? freeBlocks : undefined,
    memReserve: c.memReserve, mdns: c.mdns, linkLocal: c.linkLocal,
    // The startup line and the DHCP line on the console (what hil --port watches).
    print: onBoard || typeof print === 'function' ? print : undefined,
  });
  if (c.networkjs !== false) { try { networkjs(stack); } catch (e) { /* no NetworkJS in this firmware */ } }
  // With wake on frames (`int`) the idle poll is only a safety net, for an edge missed (a frame
  // left waiting by a poll that threw, say) and for the timers of a board nobody talks to, all
  // of which (TCP, ARP, DHCP) the stack's own next-poll delay brings forward anyway: 1000 ms.
  const idle = c.idlePollMs || (c.int !== undefined ? INT_IDLE_POLL_MS : 100);
  const now = nowMs();
  const b: BoardLoop = {
    stack: stack, stop: boardStop, idle: idle, watchMs: idle * 4 < 250 ? 250 : idle * 4, soon: null, gen: 0, ranAt: now,
    watchedAt: now, watchdog: null, running: true, failed: 0, woke: 0, intWatch: 0,
  };
  // The chip's INT (ENC28J60) or INTn (W5500) is active low and stays low while a frame waits:
  // the falling edge is the new frame (the drivers keep it so: see their recvFrame).
  if (c.int !== undefined || driver.setWake) {
    const wake = waker(b);
    if (c.int !== undefined) b.intWatch = setWatch(wake, c.int, { edge: 'falling', repeat: true });
    if (driver.setWake) driver.setWake(wake);
  }
  loopWatchdog(b);
  loopTick(b, 0);
  return b;
}
