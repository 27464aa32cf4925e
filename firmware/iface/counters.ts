// The interface's counters: a plain object of named numbers. Every dropped frame or datagram is
// counted under exactly one `drop...` name saying why; the other names count traffic.

/** A fresh set of counters, all zero. */
export function makeCounters() {
  return {
    /** Frames taken from the driver (or given to input()) and frames handed to driver.send. */
    rxFrames: 0,
    txFrames: 0,
    /** driver.send refused a frame (busy, link down). */
    txFail: 0,
    // Ethernet
    dropEthTruncated: 0,
    /** Unicast frame for another station (a driver without a MAC filter, a flooding switch). */
    dropEthNotUs: 0,
    /** EtherType neither IPv4 nor ARP. */
    dropEthType: 0,
    // ARP (RFC 826)
    arpRx: 0,
    arpTx: 0,
    dropArpTruncated: 0,
    /** Hardware type not Ethernet or protocol type not IPv4. */
    dropArpType: 0,
    /** Hardware length not 6 or protocol length not 4. */
    dropArpLengths: 0,
    dropArpOper: 0,
    /** A request for another address, or a sender address that is zero or broadcast. */
    dropArpNotUs: 0,
    /** An ARP packet from another station with our address as sender (RFC 5227 conflict). */
    arpConflict: 0,
    /** A packet waiting on ARP was lost: no queue buffer free; replaced by a newer packet for the
     *  same next hop; the next hop never answered; its entry was evicted. */
    dropArpQueueFull: 0,
    dropArpQueueReplaced: 0,
    dropArpTimeout: 0,
    dropArpEvicted: 0,
    /** Cache entries evicted (oldest first) to make room. */
    arpEvictions: 0,
    // IPv4 (RFC 791)
    ipRx: 0,
    ipTx: 0,
    dropIpTruncated: 0,
    dropIpVersion: 0,
    dropIpIhl: 0,
    /** Total length below the header or beyond the frame. */
    dropIpLength: 0,
    dropIpChecksum: 0,
    /** Fragments are not reassembled. */
    dropIpFragment: 0,
    /** Destination neither ours nor a broadcast we accept. */
    dropIpNotUs: 0,
    /** Source address broadcast or multicast (RFC 1122 3.2.1.3). */
    dropIpSrc: 0,
    /** No handler registered for the protocol (no ICMP protocol unreachable is sent). */
    dropIpProto: 0,
    /** A broadcast datagram for a protocol handler other than UDP (TCP takes unicast only). */
    dropIpBcastProto: 0,
    /** sendIpv4: datagram larger than the MTU; off-link destination and no gateway. */
    dropTxTooBig: 0,
    dropNoRoute: 0,
    // ICMP (RFC 792)
    icmpEchoRx: 0,
    icmpEchoTx: 0,
    /** Echo requests not answered because the ICMP echo app is switched off. */
    icmpEchoIgnored: 0,
    dropIcmpTruncated: 0,
    dropIcmpChecksum: 0,
    /** Types other than echo request, with no handler registered for protocol 1. */
    dropIcmpType: 0,
    /** Echo request to a broadcast address (not answered, like lwIP and Linux by default), from
     *  0.0.0.0, or while we have no address. */
    dropIcmpBcast: 0,
    /** Echo request whose reply would not fit the MTU. */
    dropIcmpTooBig: 0,
    icmpUnreachTx: 0,
    /** Port unreachable not sent: rate limit. */
    icmpUnreachLimited: 0,
    // UDP (RFC 768)
    udpRx: 0,
    udpTx: 0,
    dropUdpTruncated: 0,
    /** UDP length below 8 or beyond the IP payload. */
    dropUdpLength: 0,
    dropUdpChecksum: 0,
    /** No socket bound to the destination port. */
    dropUdpNoPort: 0,
  };
}

export type IfaceCounters = ReturnType<typeof makeCounters>;

/** The sum of all `drop...` counters. */
export function totalDrops(c: IfaceCounters): number {
  let n = 0;
  const o = c as any;
  for (const k in o) if (k.indexOf('drop') === 0) n += o[k];
  return n;
}
