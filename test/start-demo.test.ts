// npm start's in-process demo (what users without root see): the echo round trip, the status page
// and the ladders really happen.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { demo } from '../tools/start.ts';

test('the demo echoes, fetches /stats.json and draws both ladders', () => {
  const out: string[] = [];
  const r = demo((s) => out.push(s));
  assert.is(r.echoed, 'hello synack');
  assert.match(r.status, /^HTTP\/1\.1 200 OK\r\n/);
  assert.match(r.status, /Connection: close/);
  const body = JSON.parse(r.status.split('\r\n\r\n')[1]);
  assert.is(body.address, '198.18.0.2/24');
  const text = out.join('\n');
  assert.match(text, /Connection 1: TCP A = 198\.18\.0\.1:\d+, TCP B = 198\.18\.0\.2:7/);
  assert.match(text, /Connection 2: TCP A = 198\.18\.0\.1:\d+, TCP B = 198\.18\.0\.2:80/);
  assert.match(text, /2\.\s+SYN-SENT\s+--> <SEQ=\d+><CTL=SYN>\s+--> SYN-RECEIVED/);
  assert.match(text, /0 connections left open/);
});

test.run();
