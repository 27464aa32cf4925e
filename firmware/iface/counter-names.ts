// The counters' names (counters.ts has their indexes). In the full bundle they are two strings
// of the code; on a board they are the Storage file "synack-names", read in place from flash
// when someone asks for the counters by name (iface/counter-names-storage.ts): 870 bytes the
// chip bundle does not carry, and no RAM.

/** The interface's counter names, in index order. */
export const IFACE_NAMES = 'rxFrames txFrames txFail dropEthTruncated dropEthNotUs dropEthType arpRx arpTx dropArpTruncated dropArpType dropArpLengths dropArpOper dropArpNotUs arpConflict dropArpQueueFull dropArpQueueReplaced dropArpTimeout dropArpEvicted arpEvictions ipRx ipTx dropIpTruncated dropIpVersion dropIpIhl dropIpLength dropIpChecksum dropIpFragment dropIpNotUs dropIpSrc dropIpProto dropIpBcastProto dropTxTooBig dropNoRoute icmpEchoRx icmpEchoTx icmpEchoIgnored dropIcmpTruncated dropIcmpChecksum dropIcmpType dropIcmpBcast dropIcmpTooBig icmpUnreachTx icmpUnreachLimited udpRx udpTx dropUdpTruncated dropUdpLength dropUdpChecksum dropUdpNoPort lowMemPolls' as const;
/** TCP's, in the order of its indexes (tcp/tcp.ts: SEGS_IN ...). */
export const TCP_NAMES = 'segsIn segsOut retransmits dropChecksum dropMalformed dropOptions dropUnacceptable dropNoConn rstOut challengeAcks synCookies tableFull timeWaitRecycled fastRetransmits timeouts dropOoo predicted fastAcks dropLowMem closingRecycled idleRecycled cookiesOk' as const;
/** Every counter's name, the interface's (IFACE_COUNT of them) then TCP's, as one string made only
 *  when asked for (a string or an array of strings kept by the bundle would cost RAM all the
 *  time; one function for both lists, since a function costs RAM too). */
export function counterNames() { return IFACE_NAMES + ' ' + TCP_NAMES; }
/** The lists apart (the tests). */
export function ifaceCounterNames() { return IFACE_NAMES; }
export function tcpCounterNames() { return TCP_NAMES; }
