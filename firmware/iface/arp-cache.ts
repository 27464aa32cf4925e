// The ARP cache (RFC 826, RFC 1122 section 2.3.2): a fixed table of entries in typed arrays, no
// object per entry. The Interface drives it (sending requests, queuing, timers); this file only
// keeps the table: find, allocate with eviction of the oldest entry, free.
//
// Which entry a new address may take (issues 21 and 22): a storm of ARP requests for us from made-up
// senders must not push out the hosts the board talks to, and must not leave the table full of
// storm senders that lock a new client out. So an entry learnt from a request the sender made
// unasked (RFC 826's target rule) is ARP_LEARNT: it is the first evicted, and it takes a free entry,
// another learnt one, a pending one asked for ARP_RETRY_MS or more ago, or a resolved one not
// confirmed for ARP_YOUNG_MS (Linux's neighbour table likewise never collects an entry updated in
// the last 5 s). An entry the board asked for itself, or whose SYN it answers, is ARP_RESOLVED.

/** Entry states. */
export const ARP_FREE = 0;
/** Request sent, no reply yet; may hold one queued packet. */
export const ARP_PENDING = 1;
/** Resolved: the board asked for it, or answers its SYN (Interface.reachable). */
export const ARP_RESOLVED = 2;
/** Resolved, learnt from a request or reply the sender sent unasked: the first to be evicted. */
export const ARP_LEARNT = 3;

/** A resolved entry is dropped this long after its last confirmation (lwIP's ARP_MAXAGE). */
export const ARP_MAX_AGE_MS = 300000;
/** A resolved entry in use and older than this is re-requested before it expires, so that a busy
 *  connection never waits on ARP (lwIP's ARP_AGE_REREQUEST_USED). */
export const ARP_REFRESH_AGE_MS = 285000;
/** At most one request per second per address (RFC 1122 2.3.2.1: prevent ARP flooding). */
export const ARP_RETRY_MS = 1000;
/** Requests sent before a pending entry gives up (and drops its queued packet). */
export const ARP_MAX_TRIES = 3;
/** A resolved entry confirmed this recently is not given to a sender learnt unasked. */
export const ARP_YOUNG_MS = 5000;

export class ArpCache {
  /** Number of entries. */
  n: number;
  /** Per entry: protocol address, state, hardware address (6 bytes at i*6, and m[i], a 6-byte
   *  view of them made when the entry is first resolved, so that the send path creates none; a
   *  board talking to one gateway never makes the other seven). */
  ip: Uint32Array;
  st: Uint8Array;
  mac: Uint8Array;
  m: Uint8Array[];
  /** Time the entry was created (pending) or last confirmed (resolved): ages and eviction. */
  t: Float64Array;
  /** Time of the last request sent for it, and how many were sent while pending. */
  req: Float64Array;
  tries: Uint8Array;
  /** Queue buffer index holding its waiting frame, -1 for none (Interface.qLen has its length). */
  q: Int8Array;
  /** The entry found last: most traffic goes to one next hop, checked first. */
  last: number;
  /** Bumped on every change to the table: a header cached from it (the TCP fast ACK) is valid
   *  while this is unchanged. */
  gen = 0;

  constructor(n: number) {
    this.n = n;
    this.ip = new Uint32Array(n);
    this.st = new Uint8Array(n);
    this.mac = new Uint8Array(n * 6);
    this.m = [];
    this.t = new Float64Array(n);
    this.req = new Float64Array(n);
    this.tries = new Uint8Array(n);
    this.q = new Int8Array(n).fill(-1);
    this.last = 0;
  }

  /** The index of the entry (pending or resolved) for ip, or -1. */
  find(ip: number): number {
    const l = this.last;
    if (this.ip[l] === ip && this.st[l] !== ARP_FREE) return l;
    for (let i = 0; i < this.n; i++) {
      if (this.st[i] !== ARP_FREE && this.ip[i] === ip) {
        this.last = i;
        return i;
      }
    }
    return -1;
  }

  /** The entry a new address takes: a free one, else the learnt one confirmed longest ago, else
   *  the oldest (smallest t) of those pending for `pending` ms or more and those resolved `young`
   *  ms or more ago; -1 if none. The board's own traffic passes -Infinity for both (any entry);
   *  a sender not yet proved passes more (ArpCache's header). The caller releases an evicted
   *  entry's queued frame before calling `claim`. */
  victim(now: number, pending: number, young: number): number {
    let old = -1;
    let learnt = -1;
    for (let i = 0; i < this.n; i++) {
      const s = this.st[i];
      if (s === ARP_FREE) return i;
      if (s === ARP_LEARNT) {
        if (learnt < 0 || this.t[i] < this.t[learnt]) learnt = i;
      } else if (now - this.t[i] >= (s === ARP_PENDING ? pending : young) && (old < 0 || this.t[i] < this.t[old])) old = i;
    }
    return learnt < 0 ? old : learnt;
  }

  /** Makes entry i a fresh pending entry for ip at time now. */
  claim(i: number, ip: number, now: number): void {
    this.gen++;
    this.ip[i] = ip;
    this.st[i] = ARP_PENDING;
    this.t[i] = now;
    this.req[i] = now;
    this.tries[i] = 0;
    this.q[i] = -1;
  }

  /** Records ip -> mac (6 bytes at src[off]) as confirmed at time now: a pending entry becomes
   *  resolved, a learnt one stays learnt. */
  resolve(i: number, src: Uint8Array, off: number, now: number): void {
    this.gen++;
    const m = this.mac;
    const k = i * 6;
    for (let j = 0; j < 6; j++) m[k + j] = src[off + j];
    if (!this.m[i]) this.m[i] = m.subarray(k, k + 6);
    if (this.st[i] !== ARP_LEARNT) this.st[i] = ARP_RESOLVED;
    this.t[i] = now;
    this.tries[i] = 0;
  }

  free(i: number): void {
    this.gen++;
    this.st[i] = ARP_FREE;
    this.ip[i] = 0;
    this.q[i] = -1;
  }
}
