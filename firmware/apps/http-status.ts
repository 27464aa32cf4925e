// HTTP/1.0-style status server on port 80: `/` is an HTML page (address, uptime, link, the
// connection table with states, counters, memory), `/stats.json` the same data as JSON. Every
// response carries `Connection: close` and the server closes after sending it (RFC 9112 9.6).
// The data comes from a callback supplied by whoever starts the app (the board). The app sits on
// the TCP connections (apps/serve.ts).
import type { Conn, ConnUser, Tcp } from '../tcp/tcp.ts';
import { bytesToString, stringToBytes } from '../wire/bytes.ts';
import { chunkBuffer, serve } from './serve.ts';

export interface StatusConnection { local: string; remote: string; state: string }

export interface Status {
  address: string;
  mac: string;
  uptime: number;          // seconds
  link: boolean;
  connections: StatusConnection[];
  counters: { [name: string]: number };
  memory?: { [name: string]: number };
}

const MAX_REQUEST = 1024; // a request head longer than this gets 431 and the connection closes
/** A client that sends nothing (or stops) for this long is disconnected, so silent clients cannot
 *  hold the board's few connections (as HTTP servers' header timeouts do). */
const IDLE_MS = 10000;

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderStatusHtml(st: Status): string {
  let rows = '';
  for (let i = 0; i < st.connections.length; i++) {
    const c = st.connections[i];
    rows += '<tr><td>' + escapeHtml(c.local) + '</td><td>' + escapeHtml(c.remote) + '</td><td>' + c.state + '</td></tr>';
  }
  let counters = '';
  const names = Object.keys(st.counters);
  for (let i = 0; i < names.length; i++) counters += '<tr><td>' + names[i] + '</td><td>' + st.counters[names[i]] + '</td></tr>';
  let memory = '';
  if (st.memory) {
    const m = Object.keys(st.memory);
    for (let i = 0; i < m.length; i++) memory += m[i] + '=' + st.memory[m[i]] + ' ';
  }
  return '<!DOCTYPE html><html><head><title>synack</title></head><body><h1>synack</h1>' +
    '<p>address ' + st.address + ' mac ' + st.mac + ' uptime ' + st.uptime + ' s link ' + (st.link ? 'up' : 'down') + '</p>' +
    '<h2>connections</h2><table><tr><th>local</th><th>remote</th><th>state</th></tr>' + rows + '</table>' +
    '<h2>counters</h2><table>' + counters + '</table>' +
    (memory ? '<h2>memory</h2><p>' + memory + '</p>' : '') + '</body></html>\n';
}

/** One connection: the request head as it arrives, then the response as it goes out. */
class StatusConn implements ConnUser {
  head = '';
  out: Uint8Array | null = null;
  at = 0;
  constructor(readonly tcp: Tcp, readonly status: () => Status) {}
  onConnect(): void { /* passive: accepted */ }
  onReadable(c: Conn): void {
    const tcp = this.tcp;
    if (this.out) { tcp.recv(c, null, 0, c.readable); return; } // answered: the rest is ignored
    const buf = chunkBuffer();
    while (c.readable > 0 && !this.out) {
      const n = tcp.recv(c, buf, 0, Math.min(buf.length, MAX_REQUEST - this.head.length));
      this.head += bytesToString(buf.subarray(0, n));
      const end = this.head.indexOf('\r\n\r\n');
      if (end >= 0) this.answer(c);
      else if (this.head.length >= MAX_REQUEST) this.respond(c, 431, 'Request Header Fields Too Large', 'text/plain', 'request too large\n');
    }
  }
  private answer(c: Conn): void {
    const line = this.head.substring(0, this.head.indexOf('\r\n')).split(' ');
    const method = line[0];
    const path = line[1] || '';
    if (method !== 'GET' && method !== 'HEAD') { this.respond(c, 405, 'Method Not Allowed', 'text/plain', 'GET only\n'); return; }
    const headOnly = method === 'HEAD';
    if (path === '/' || path === '/index.html') this.respond(c, 200, 'OK', 'text/html', renderStatusHtml(this.status()), headOnly);
    else if (path === '/stats.json') this.respond(c, 200, 'OK', 'application/json', JSON.stringify(this.status()) + '\n', headOnly);
    else this.respond(c, 404, 'Not Found', 'text/plain', 'not found\n', headOnly);
  }
  /** The response; to a HEAD request its header only (RFC 9110 9.3.2). Sent as the send ring
   *  has room, then the connection closes (RFC 9112 9.6). */
  private respond(c: Conn, code: number, reason: string, type: string, body: string, headOnly?: boolean): void {
    this.out = stringToBytes('HTTP/1.1 ' + code + ' ' + reason + '\r\nContent-Type: ' + type + '\r\nContent-Length: ' + body.length +
      '\r\nConnection: close\r\n\r\n' + (headOnly ? '' : body));
    this.head = '';
    this.onWritable(c);
  }
  onWritable(c: Conn): void {
    const o = this.out;
    if (!o || this.at > o.length) return;
    if (this.at < o.length) this.at += this.tcp.send(c, o, this.at, o.length - this.at);
    if (this.at === o.length) { this.at++; this.tcp.close(c); }
  }
  /** The peer closed before a whole request: we close too. */
  onEnd(c: Conn): void { if (!this.out) this.tcp.close(c); }
  onIdle(c: Conn): void { this.tcp.abort(c); }
  onClose(): void { this.out = null; }
}

export function startHttpStatus(tcp: Tcp, port: number, status: () => Status): boolean {
  return serve(tcp, port, function (c: Conn) {
    tcp.setIdle(c, IDLE_MS);
    return new StatusConn(tcp, status);
  });
}
