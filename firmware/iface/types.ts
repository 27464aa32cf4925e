// Contracts between the interface and the layers above it (see docs/design.md).

/** An IP protocol above IPv4 (TCP registers itself as protocol 6). */
export interface ProtocolHandler {
  /** One datagram addressed to us, IPv4 header already checked. buf[off..off+len) is the
   *  protocol's header and payload: a view into the receive buffer, valid only during the call. */
  input(src: number, dst: number, buf: Uint8Array, off: number, len: number): void;
  /** Optional, for TCP: offered each IPv4 frame addressed to our hardware address before the
   *  interface checks anything else (header prediction across the layers). Returns true when it
   *  took the frame whole, having done every check the Ethernet and IPv4 layers would; false
   *  leaves the frame, and the counters but RX_FRAMES, untouched. `keep` is input's: the frame
   *  may be kept after the call (while memory is not low, Interface.lowMem). */
  inputFrame?(buf: Uint8Array, len: number, keep?: boolean): boolean;
  /** Run timers. Returns the delay in ms until the next poll it needs (0x7fffffff if none). */
  poll(now: number): number;
}

/** A UDP receiver bound to a local port. The payload is a view valid only during the call. */
export type UdpHandler = (src: number, srcPort: number, dst: number, buf: Uint8Array, off: number, len: number) => void;

/** What the interface is configured with. */
export interface InterfaceConfig {
  /** IPv4 address, 0 (or absent) until DHCP sets one. */
  ip?: number;
  /** Prefix length, e.g. 24. */
  prefix?: number;
  /** Default gateway, 0 for none. */
  gateway?: number;
  /** IP MTU, 1500 by default (576..1500). */
  mtu?: number;
  /** Source of uint32 randomness. */
  random32?: () => number;
  /** Answer ICMP echo requests (default true): the ICMP echo app. */
  icmpEcho?: boolean;
  /** ARP cache entries, 8 by default; the oldest is evicted when a new one is needed. */
  arpEntries?: number;
  /** Frame buffers for packets waiting on ARP (one per pending entry at most), 2 by default,
   *  each MAX_FRAME bytes, allocated the first time they are needed. */
  arpQueue?: number;
}

/** No timer pending: the value poll() returns when it has nothing scheduled. */
export const NO_TIMER = 0x7fffffff;
