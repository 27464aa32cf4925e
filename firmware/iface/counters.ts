// The interface's counters: one Uint32Array, one index per counter, named by the constants below
// (the build writes the literal index at each use). Every dropped frame or datagram is counted
// under exactly one `DROP_...` index saying why; the others count traffic. An object with a
// property per counter would cost two RAM blocks per counter on the board for as long as the
// stack runs; `counterValues` gives the named object when someone asks (status page, tests).

// The names live in counter-names.ts: on a board, a Storage file of their own, read in place
// (tools/closure.ts takes counter-names-storage.ts instead).
export { counterNames, ifaceCounterNames, tcpCounterNames } from './counter-names.ts';
import type { IFACE_NAMES, TCP_NAMES } from './counter-names.ts';
/** How many counters the interface has: TCP's names start at this index of counterNames(). */
export const IFACE_COUNT = 50;
const COUNT = IFACE_COUNT;

/** Frames taken from the driver (or given to input()) and frames handed to driver.send. */
export const RX_FRAMES = 0;
export const TX_FRAMES = 1;
/** driver.send refused a frame (busy, link down). */
export const TX_FAIL = 2;
// Ethernet
export const DROP_ETH_TRUNCATED = 3;
/** Unicast frame for another station (a driver without a MAC filter, a flooding switch). */
export const DROP_ETH_NOT_US = 4;
/** EtherType neither IPv4 nor ARP. */
export const DROP_ETH_TYPE = 5;
// ARP (RFC 826)
export const ARP_RX = 6;
export const ARP_TX = 7;
export const DROP_ARP_TRUNCATED = 8;
/** Hardware type not Ethernet or protocol type not IPv4. */
export const DROP_ARP_TYPE = 9;
/** Hardware length not 6 or protocol length not 4. */
export const DROP_ARP_LENGTHS = 10;
export const DROP_ARP_OPER = 11;
/** A request for another address, or a sender address that is zero or broadcast. */
export const DROP_ARP_NOT_US = 12;
/** An ARP packet from another station with our address as sender (RFC 5227 conflict). */
export const ARP_CONFLICT = 13;
/** A packet waiting on ARP was lost: no queue buffer free; replaced by a newer packet for the
 *  same next hop; the next hop never answered; its entry was evicted. */
export const DROP_ARP_QUEUE_FULL = 14;
export const DROP_ARP_QUEUE_REPLACED = 15;
export const DROP_ARP_TIMEOUT = 16;
export const DROP_ARP_EVICTED = 17;
/** Cache entries evicted (oldest first) to make room. */
export const ARP_EVICTIONS = 18;
// IPv4 (RFC 791)
export const IP_RX = 19;
export const IP_TX = 20;
export const DROP_IP_TRUNCATED = 21;
export const DROP_IP_VERSION = 22;
export const DROP_IP_IHL = 23;
/** Total length below the header or beyond the frame. */
export const DROP_IP_LENGTH = 24;
export const DROP_IP_CHECKSUM = 25;
/** Fragments are not reassembled. */
export const DROP_IP_FRAGMENT = 26;
/** Destination neither ours nor a broadcast we accept. */
export const DROP_IP_NOT_US = 27;
/** Source address broadcast or multicast (RFC 1122 3.2.1.3). */
export const DROP_IP_SRC = 28;
/** No handler registered for the protocol (no ICMP protocol unreachable is sent). */
export const DROP_IP_PROTO = 29;
/** A broadcast datagram for a protocol handler other than UDP (TCP takes unicast only). */
export const DROP_IP_BCAST_PROTO = 30;
/** sendIpv4: datagram larger than the MTU; off-link destination and no gateway. */
export const DROP_TX_TOO_BIG = 31;
export const DROP_NO_ROUTE = 32;
// ICMP (RFC 792)
export const ICMP_ECHO_RX = 33;
export const ICMP_ECHO_TX = 34;
/** Echo requests not answered because the ICMP echo app is switched off. */
export const ICMP_ECHO_IGNORED = 35;
export const DROP_ICMP_TRUNCATED = 36;
export const DROP_ICMP_CHECKSUM = 37;
/** Types other than echo request, with no handler registered for protocol 1. */
export const DROP_ICMP_TYPE = 38;
/** Echo request to a broadcast address (not answered, like lwIP and Linux by default), from
 *  0.0.0.0, or while we have no address. */
export const DROP_ICMP_BCAST = 39;
/** Echo request whose reply would not fit the MTU. */
export const DROP_ICMP_TOO_BIG = 40;
export const ICMP_UNREACH_TX = 41;
/** Port unreachable not sent: rate limit. */
export const ICMP_UNREACH_LIMITED = 42;
// UDP (RFC 768)
export const UDP_RX = 43;
export const UDP_TX = 44;
export const DROP_UDP_TRUNCATED = 45;
/** UDP length below 8 or beyond the IP payload. */
export const DROP_UDP_LENGTH = 46;
export const DROP_UDP_CHECKSUM = 47;
/** No socket bound to the destination port. */
export const DROP_UDP_NO_PORT = 48;
// Memory (Interface.lowMem)
/** Polls that left received frames in the driver because free memory was critically low (each
 *  frame read costs a frame's worth of RAM on a board; the chip drops what overflows). */
export const LOW_MEM_POLLS = 49;

/** A fresh set of counters, all zero. */
export function makeCounters(): Uint32Array {
  return new Uint32Array(COUNT);
}

/** The names in a space-separated list of counter names, as a type. */
export type CounterName<S extends string, Acc extends string = never> = S extends `${infer A} ${infer B}` ? CounterName<B, Acc | A> : Acc | S; // tail-recursive: no depth limit at 50 names
export type IfaceCounterName = CounterName<typeof IFACE_NAMES>;
export type IfaceCounters = Record<IfaceCounterName, number>;
export type TcpCounters = Record<CounterName<typeof TCP_NAMES>, number>;

/** The i-th word of a space-separated name list, or '' past its end: one small string, where
 *  `split` would make an array of all of them (the status page asks for one at a time). */
export function nthName(names: string, i: number): string {
  let at = 0;
  for (; i > 0 && at >= 0; i--) { at = names.indexOf(' ', at); if (at >= 0) at++; }
  if (at < 0) return '';
  const end = names.indexOf(' ', at);
  return names.substring(at, end < 0 ? names.length : end);
}

/** The counters as a plain object, name by name (a snapshot): v[i] is named by the word at index
 *  from + i of `names`. */
export function counterValues(v: Uint32Array, names: string, from: number): { [name: string]: number } {
  const o: { [name: string]: number } = {};
  // Word by word with indexOf, not split: split makes an array of every name at once (about 150
  // blocks on a Pico for both lists), which a board low on memory may not have.
  let at = 0;
  for (let i = 0; i < from; i++) at = names.indexOf(' ', at) + 1;
  for (let i = 0; i < v.length; i++) {
    let end = names.indexOf(' ', at);
    if (end < 0) end = names.length;
    o[names.substring(at, end)] = v[i];
    at = end + 1;
  }
  return o;
}

/** The sum of all `drop...` counters. */
export function totalDrops(c: { [name: string]: number }): number {
  let n = 0;
  for (const k in c) if (k.indexOf('drop') === 0) n += c[k];
  return n;
}
