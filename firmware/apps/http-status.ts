// HTTP/1.0-style status server on port 80: `/` is an HTML page (address, uptime, link, the
// connection table with states, counters, memory), `/stats.json` the same data as JSON. Every
// response carries `Connection: close` and the server closes after sending it (RFC 9112 9.6).
// The data comes from a callback supplied by whoever starts the app (the board), so the app
// depends on no layer below the socket API.
import type { AppNet, AppServer, AppSocket } from './net-api.ts';

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

function ascii(buf: Uint8Array, len: number): string {
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(buf[i]);
  return s;
}

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

/** The response; to a HEAD request its header only (RFC 9110 9.3.2). */
function respond(sock: AppSocket, code: number, reason: string, type: string, body: string, headOnly?: boolean): void {
  sock.end('HTTP/1.1 ' + code + ' ' + reason + '\r\nContent-Type: ' + type + '\r\nContent-Length: ' + body.length +
    '\r\nConnection: close\r\n\r\n' + (headOnly ? '' : body));
}

export function startHttpStatus(net: AppNet, port: number, status: () => Status): AppServer {
  const server = net.createServer(function (sock: AppSocket) {
    const head = new Uint8Array(MAX_REQUEST);
    let len = 0;
    let answered = false;
    sock.setTimeout(IDLE_MS, function () { sock.destroy(); });
    sock.on('data', function (data: Uint8Array) {
      if (answered) return;
      const n = Math.min(data.length, MAX_REQUEST - len);
      head.set(data.subarray(0, n), len);
      len += n;
      const text = ascii(head, len);
      const end = text.indexOf('\r\n\r\n');
      if (end < 0) {
        if (len === MAX_REQUEST) { answered = true; respond(sock, 431, 'Request Header Fields Too Large', 'text/plain', 'request too large\n'); }
        return;
      }
      answered = true;
      const line = text.substring(0, text.indexOf('\r\n')).split(' ');
      const method = line[0];
      const path = line[1] || '';
      if (method !== 'GET' && method !== 'HEAD') { respond(sock, 405, 'Method Not Allowed', 'text/plain', 'GET only\n'); return; }
      const headOnly = method === 'HEAD';
      if (path === '/' || path === '/index.html') respond(sock, 200, 'OK', 'text/html', renderStatusHtml(status()), headOnly);
      else if (path === '/stats.json') respond(sock, 200, 'OK', 'application/json', JSON.stringify(status()) + '\n', headOnly);
      else respond(sock, 404, 'Not Found', 'text/plain', 'not found\n', headOnly);
    });
    sock.on('end', function () { if (!answered) sock.end(); });
    sock.on('error', function () { /* the socket closes */ });
  });
  server.listen(port);
  return server;
}
