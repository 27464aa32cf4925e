// DHCP messages (RFC 2131 section 2, options RFC 2132) over the BOOTP layout: the fixed header at
// named offsets, the magic cookie, then options. Parsing fills a reused DhcpInfo (no allocation
// but the object the client keeps) and reports malformed input as a status, never throwing.
import { getU16, getU32, putU16, putU32 } from './bytes.ts';

export const DHCP_OP = 0;
export const DHCP_HTYPE = 1;
export const DHCP_HLEN = 2;
export const DHCP_HOPS = 3;
export const DHCP_XID = 4;
export const DHCP_SECS = 8;
export const DHCP_FLAGS = 10;
export const DHCP_CIADDR = 12;
export const DHCP_YIADDR = 16;
export const DHCP_SIADDR = 20;
export const DHCP_GIADDR = 24;
export const DHCP_CHADDR = 28;
export const DHCP_COOKIE = 236;
export const DHCP_OPTIONS = 240;
export const DHCP_MAGIC = 0x63825363;
export const DHCP_FLAG_BROADCAST = 0x8000;

export const BOOTREQUEST = 1;
export const BOOTREPLY = 2;

// Message types (option 53)
export const DHCPDISCOVER = 1;
export const DHCPOFFER = 2;
export const DHCPREQUEST = 3;
export const DHCPDECLINE = 4;
export const DHCPACK = 5;
export const DHCPNAK = 6;
export const DHCPRELEASE = 7;

// Options
export const OPT_PAD = 0;
export const OPT_SUBNET_MASK = 1;
export const OPT_ROUTER = 3;
export const OPT_DNS = 6;
export const OPT_HOSTNAME = 12;
export const OPT_REQUESTED_IP = 50;
export const OPT_LEASE_TIME = 51;
export const OPT_MESSAGE_TYPE = 53;
export const OPT_SERVER_ID = 54;
export const OPT_PARAM_LIST = 55;
export const OPT_MAX_SIZE = 57;
export const OPT_T1 = 58;
export const OPT_T2 = 59;
export const OPT_CLIENT_ID = 61;
export const OPT_END = 255;

export const DHCP_OK = 0;
export const DHCP_TRUNCATED = 1;
export const DHCP_NOT_REPLY = 2;
export const DHCP_BAD_COOKIE = 3;
export const DHCP_BAD_OPTIONS = 4;
export const DHCP_NO_TYPE = 5;

/** What a client needs from a server's reply; -1 / 0 where the option was absent. */
export class DhcpInfo {
  type = 0;
  xid = 0;
  yiaddr = 0;
  serverId = 0;
  mask = 0;
  router = 0;
  dns = 0;
  lease = -1;   // seconds
  t1 = -1;
  t2 = -1;
}

/** Parses a BOOTREPLY at buf[off..off+len) into `out`. */
export function dhcpParse(buf: Uint8Array, off: number, len: number, out: DhcpInfo): number {
  if (len < DHCP_OPTIONS) return DHCP_TRUNCATED;
  if (buf[off + DHCP_OP] !== BOOTREPLY) return DHCP_NOT_REPLY;
  if (getU32(buf, off + DHCP_COOKIE) !== DHCP_MAGIC) return DHCP_BAD_COOKIE;
  out.type = 0; out.serverId = 0; out.mask = 0; out.router = 0; out.dns = 0; out.lease = -1; out.t1 = -1; out.t2 = -1;
  out.xid = getU32(buf, off + DHCP_XID);
  out.yiaddr = getU32(buf, off + DHCP_YIADDR);
  let i = off + DHCP_OPTIONS;
  const end = off + len;
  while (i < end) {
    const code = buf[i];
    if (code === OPT_END) break;
    if (code === OPT_PAD) { i++; continue; }
    if (i + 1 >= end) return DHCP_BAD_OPTIONS;
    const l = buf[i + 1];
    const v = i + 2;
    if (v + l > end) return DHCP_BAD_OPTIONS;
    if (code === OPT_MESSAGE_TYPE && l === 1) out.type = buf[v];
    else if (l >= 4) {
      const x = getU32(buf, v);
      if (code === OPT_SERVER_ID) out.serverId = x;
      else if (code === OPT_SUBNET_MASK) out.mask = x;
      else if (code === OPT_ROUTER) out.router = x;
      else if (code === OPT_DNS) out.dns = x;
      else if (code === OPT_LEASE_TIME) out.lease = x;
      else if (code === OPT_T1) out.t1 = x;
      else if (code === OPT_T2) out.t2 = x;
    }
    i = v + l;
  }
  return out.type ? DHCP_OK : DHCP_NO_TYPE;
}

/** Writes a BOOTREQUEST at buf[off..]; returns its length. `ciaddr` is set only when the client
 *  holds the address (RENEWING/REBINDING); `requested` and `serverId` go in options 50 and 54
 *  when non-zero (RFC 2131 table 5). `name` is the hostname option, `broadcast` the flag. */
export function emitDhcpRequest(buf: Uint8Array, off: number, type: number, xid: number, secs: number, mac: Uint8Array,
  ciaddr: number, requested: number, serverId: number, name: string, broadcast: boolean): number {
  buf.fill(0, off, off + DHCP_OPTIONS);
  buf[off + DHCP_OP] = BOOTREQUEST;
  buf[off + DHCP_HTYPE] = 1;
  buf[off + DHCP_HLEN] = 6;
  putU32(buf, off + DHCP_XID, xid);
  putU16(buf, off + DHCP_SECS, secs > 0xffff ? 0xffff : secs);
  putU16(buf, off + DHCP_FLAGS, broadcast ? DHCP_FLAG_BROADCAST : 0);
  putU32(buf, off + DHCP_CIADDR, ciaddr);
  buf.set(mac.subarray(0, 6), off + DHCP_CHADDR);
  putU32(buf, off + DHCP_COOKIE, DHCP_MAGIC);
  let i = off + DHCP_OPTIONS;
  buf[i++] = OPT_MESSAGE_TYPE; buf[i++] = 1; buf[i++] = type;
  // Client identifier: hardware type 1 and the MAC (RFC 2132 9.14).
  buf[i++] = OPT_CLIENT_ID; buf[i++] = 7; buf[i++] = 1; buf.set(mac.subarray(0, 6), i); i += 6;
  if (requested) { buf[i++] = OPT_REQUESTED_IP; buf[i++] = 4; putU32(buf, i, requested); i += 4; }
  if (serverId) { buf[i++] = OPT_SERVER_ID; buf[i++] = 4; putU32(buf, i, serverId); i += 4; }
  if (name && type !== DHCPRELEASE) {
    const n = name.length > 63 ? 63 : name.length;
    buf[i++] = OPT_HOSTNAME; buf[i++] = n;
    for (let k = 0; k < n; k++) buf[i++] = name.charCodeAt(k) & 0x7f;
  }
  if (type === DHCPDISCOVER || type === DHCPREQUEST) {
    buf[i++] = OPT_MAX_SIZE; buf[i++] = 2; putU16(buf, i, 576); i += 2;
    buf[i++] = OPT_PARAM_LIST; buf[i++] = 5;
    buf[i++] = OPT_SUBNET_MASK; buf[i++] = OPT_ROUTER; buf[i++] = OPT_DNS; buf[i++] = OPT_T1; buf[i++] = OPT_T2;
  }
  buf[i++] = OPT_END;
  // Pad to the BOOTP minimum of 300 bytes: some servers and relays drop shorter requests.
  const len = i - off < 300 ? 300 : i - off;
  buf.fill(0, i, off + len);
  return len;
}

export function dhcpXid(buf: Uint8Array, off: number): number { return getU32(buf, off + DHCP_XID); }
export function dhcpFlags(buf: Uint8Array, off: number): number { return getU16(buf, off + DHCP_FLAGS); }
