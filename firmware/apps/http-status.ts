// HTTP/1.0-style status server on port 80: `/` is an HTML page (address, uptime, link, the
// connection table with states, counters, memory), `/stats.json` the same data as JSON. Every
// response carries `Connection: close` and the server closes after sending it (RFC 9112 9.6).
// The data comes piece by piece from a StatusSource (the Stack), and the response is written as
// the send ring takes it, never built whole. The app sits on
// the TCP connections (apps/index.ts).
import { RB_LEN, type Conn, type ConnUser, type Tcp } from '../tcp/tcp.ts';
import { bytesToString, stringToBytes } from '../wire/bytes.ts';
import { chunkBuffer } from './serve.ts';

export interface StatusConnection { local: string; remote: string; state: string }

/** Everything the page shows, at once (Stack.status(): tests and tools). */
export interface Status {
  address: string;
  mac: string;
  uptime: number;          // seconds
  link: boolean;
  connections: StatusConnection[];
  counters: { [name: string]: number };
  memory?: { [name: string]: number };
}

/** The page's data one piece at a time (the Stack implements it): the response is written to the
 *  connection piece by piece as the send ring takes it, never built as one string. On a Pico the
 *  whole page as one string ran the board out of memory (issue 15). */
export interface StatusSource {
  summary(): { address: string; mac: string; uptime: number; link: boolean };
  /** The i-th connection, then the listeners; null past the end. */
  connection(i: number): StatusConnection | null;
  /** The i-th counter's name, '' past the end; and its value. */
  counterName(i: number): string;
  counterValue(i: number): number;
  memory(): { [name: string]: number } | undefined;
}

const MAX_REQUEST = 1024; // a request head longer than this gets 431 and the connection closes
/** A client that sends nothing (or stops) for this long is disconnected, so silent clients cannot
 *  hold the board's few connections (as HTTP servers' header timeouts do). */
export const IDLE_MS = 10000;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// What a response is: a page of the source's data in HTML or JSON, or a fixed short text.
const HTML = 1;
const JSON_PAGE = 2;
const TEXT = 3;
// Its sections, in order: the header, the top of the page, one piece per connection, the middle,
// one piece per counter, the end; then nothing (close).
const S_HEADER = 0;
const S_TOP = 1;
const S_CONNS = 2;
const S_MIDDLE = 3;
const S_COUNTERS = 4;
const S_END = 5;
const S_DONE = 6;

/** The piece of a response at (section, k): a short string, or null when the response is over.
 *  The HTTP header carries no Content-Length: the body ends when the connection closes
 *  (RFC 9112 6.3, item 8), so the page need not exist whole to be measured. */
export function statusPiece(src: StatusSource, kind: number, section: number, k: number, text: string): string | null {
  if (section === S_TOP) {
    if (kind === TEXT) return text;
    const s = src.summary();
    if (kind === JSON_PAGE) return '{"address":' + JSON.stringify(s.address) + ',"mac":"' + s.mac + '","uptime":' + s.uptime + ',"link":' + s.link + ',"connections":[';
    return '<!DOCTYPE html><html><head><title>synack</title></head><body><h1>synack</h1>' +
      '<p>address ' + escapeHtml(s.address) + ' mac ' + s.mac + ' uptime ' + s.uptime + ' s link ' + (s.link ? 'up' : 'down') + '</p>' +
      '<h2>connections</h2><table><tr><th>local</th><th>remote</th><th>state</th></tr>';
  }
  if (section === S_CONNS) {
    const c = src.connection(k);
    if (!c) return null;
    if (kind === JSON_PAGE) return (k ? ',' : '') + JSON.stringify(c);
    return '<tr><td>' + escapeHtml(c.local) + '</td><td>' + escapeHtml(c.remote) + '</td><td>' + c.state + '</td></tr>';
  }
  if (section === S_MIDDLE) return kind === JSON_PAGE ? '],"counters":{' : '</table><h2>counters</h2><table>';
  if (section === S_COUNTERS) {
    const name = src.counterName(k);
    if (!name) return null;
    if (kind === JSON_PAGE) return (k ? ',"' : '"') + name + '":' + src.counterValue(k);
    return '<tr><td>' + name + '</td><td>' + src.counterValue(k) + '</td></tr>';
  }
  if (section === S_END) {
    const m = src.memory();
    if (kind === JSON_PAGE) return '}' + (m ? ',"memory":' + JSON.stringify(m) : '') + '}\n';
    let memory = '';
    if (m) for (const name in m) memory += name + '=' + m[name] + ' ';
    return '</table>' + (memory ? '<h2>memory</h2><p>' + memory + '</p>' : '') + '</body></html>\n';
  }
  return null;
}

/** One connection: the request head as it arrives, then the response, piece by piece as the send
 *  ring takes it. */
export class StatusConn implements ConnUser {
  head = '';
  /** The response: HTML, JSON_PAGE or TEXT (0 before the request is complete). */
  kind = 0;
  section = S_HEADER;
  k = 0;
  /** The HTTP header, then (for TEXT) the short body. */
  text = '';
  headOnly = false;
  /** The piece being sent, and how much of it has gone. */
  out: Uint8Array | null = null;
  at = 0;
  constructor(readonly tcp: Tcp, readonly src: StatusSource) {}
  onReadable(c: Conn): void {
    const tcp = this.tcp;
    if (this.kind) { tcp.recv(c, null, 0, c.s[RB_LEN]); return; } // answered: the rest is ignored
    const buf = chunkBuffer();
    while (c.s[RB_LEN] > 0 && !this.kind) {
      const n = tcp.recv(c, buf, 0, Math.min(buf.length, MAX_REQUEST - this.head.length));
      this.head += bytesToString(buf.subarray(0, n));
      const end = this.head.indexOf('\r\n\r\n');
      if (end >= 0) this.answer(c);
      else if (this.head.length >= MAX_REQUEST) this.respond(c, 431, 'Request Header Fields Too Large', TEXT, 'request too large\n');
    }
  }
  private answer(c: Conn): void {
    const line = this.head.substring(0, this.head.indexOf('\r\n')).split(' ');
    const method = line[0];
    const path = line[1] || '';
    if (method !== 'GET' && method !== 'HEAD') { this.respond(c, 405, 'Method Not Allowed', TEXT, 'GET only\n'); return; }
    this.headOnly = method === 'HEAD';
    if (path === '/' || path === '/index.html') this.respond(c, 200, 'OK', HTML, '');
    else if (path === '/stats.json') this.respond(c, 200, 'OK', JSON_PAGE, '');
    else this.respond(c, 404, 'Not Found', TEXT, 'not found\n');
  }
  /** The response; to a HEAD request its header only (RFC 9110 9.3.2). Sent as the send ring
   *  has room, then the connection closes (RFC 9112 9.6). */
  private respond(c: Conn, code: number, reason: string, kind: number, text: string): void {
    this.kind = kind;
    this.text = text;
    this.head = '';
    const type = kind === HTML ? 'text/html' : kind === JSON_PAGE ? 'application/json' : 'text/plain';
    this.out = stringToBytes('HTTP/1.1 ' + code + ' ' + reason + '\r\nContent-Type: ' + type +
      (kind === TEXT ? '\r\nContent-Length: ' + text.length : '') + '\r\nConnection: close\r\n\r\n');
    this.at = 0;
    this.section = S_HEADER;
    this.onWritable(c);
  }
  onWritable(c: Conn): void {
    while (this.out) {
      const o = this.out;
      if (this.at < o.length) this.at += this.tcp.send(c, o, this.at, o.length - this.at);
      if (this.at < o.length) return; // the ring is full: more when it drains
      this.out = this.next();
      this.at = 0;
    }
    if (this.section === S_DONE) { this.section++; this.tcp.close(c); }
  }
  /** The next piece to send, moving through the sections; null at the end. */
  private next(): Uint8Array | null {
    if (this.section === S_HEADER) {
      this.section = this.headOnly ? S_DONE : S_TOP;
      this.k = 0;
    }
    while (this.section < S_DONE) {
      const p = statusPiece(this.src, this.kind, this.section, this.k, this.text);
      const repeats = this.section === S_CONNS || this.section === S_COUNTERS;
      if (p !== null && repeats) this.k++;
      else { this.section = this.kind === TEXT ? S_DONE : this.section + 1; this.k = 0; }
      if (p !== null) return stringToBytes(p);
    }
    return null;
  }
  /** The peer closed before a whole request: we close too. */
  onEnd(c: Conn): void { if (!this.kind) this.tcp.close(c); }
  onIdle(c: Conn): void { this.tcp.abort(c); }
  onClose(): void { this.out = null; this.section = S_DONE + 1; }
}
