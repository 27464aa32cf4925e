// DNS messages (RFC 1035 4), byte by byte: the query for an A record, every refusal of a name,
// the response walk (questions, answers, compression, loops, truncation at each field), the TTL
// rule of RFC 2181 8, and the question's name read back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  emitDnsQuery, dnsParseResponse, dnsQuestionName, DnsAnswer, DNS_OK, DNS_TRUNCATED, DNS_NOT_RESPONSE, DNS_BAD_NAME,
  DNS_RCODE, DNS_NO_ANSWER,
} from '../firmware/wire/dns.ts';

const u16 = (v: number) => [(v >> 8) & 255, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const labels = (name: string) => [...name.split('.').flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0];
/** A header: id 0x1234, flags, counts. */
const header = (flags: number, qd: number, an: number) => [...u16(0x1234), ...u16(flags), ...u16(qd), ...u16(an), 0, 0, 0, 0];
const rr = (name: number[], type: number, cls: number, ttl: number, rdata: number[]) => [...name, ...u16(type), ...u16(cls), ...u32(ttl), ...u16(rdata.length), ...rdata];
const Q = [...labels('a.bc'), 0, 1, 0, 1];          // the question at offset 12; a pointer to it: 0xc0, 12

function parse(bytes: number[], at = 0): [number, DnsAnswer] {
  const b = new Uint8Array(at + bytes.length); b.set(bytes, at);
  const out = new DnsAnswer();
  return [dnsParseResponse(b, at, bytes.length, out), out];
}

test('emitDnsQuery: header (RD, one question), the labels, type A class IN; at an offset', () => {
  const b = new Uint8Array(64).fill(0xee);
  const n = emitDnsQuery(b, 3, 0xbeef, 'ab.c');
  assert.equal(Array.from(b.subarray(3, 3 + n)), [0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 2, 97, 98, 1, 99, 0, 0, 1, 0, 1]);
  assert.is(b[2], 0xee);
  assert.is(n, 22);
});

test('emitDnsQuery: a trailing dot is the root; empty labels, long labels, bad characters, long names refused', () => {
  const b = new Uint8Array(400);
  assert.is(emitDnsQuery(b, 0, 1, 'ab.c.'), 22);
  assert.equal(Array.from(b.subarray(12, 18)), [2, 97, 98, 1, 99, 0]);
  for (const bad of ['', 'a..b', '.a', 'a b', 'a\u007f', 'a\u0080', 'x'.repeat(64), ('a'.repeat(9) + '.').repeat(25) + 'abcd']) {
    assert.is(emitDnsQuery(b, 0, 1, bad), 0, JSON.stringify(bad));
  }
  assert.is(emitDnsQuery(b, 0, 1, 'x'.repeat(63)), 12 + 65 + 4);
  assert.is(emitDnsQuery(b, 0, 1, ('a'.repeat(9) + '.').repeat(25) + 'abc'), 12 + 255 + 4, '253 characters');
  assert.is(emitDnsQuery(b, 0, 1, '!~'), 12 + 4 + 4, 'printable ASCII is taken as it is');
  assert.is(emitDnsQuery(b, 0, 1, '.'), 12 + 1 + 4, '"." is the root: an empty name');
});

test('dnsParseResponse: the first A record of class IN; id and TTL returned; a TTL with the top bit set is 0', () => {
  let [st, a] = parse([...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 1, 1, 300, [198, 18, 0, 9])]);
  assert.equal([st, a.id, a.addr >>> 0, a.ttl], [DNS_OK, 0x1234, 0xc6120009, 300]);
  [st, a] = parse([...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 1, 1, 0x80000000, [1, 2, 3, 4])], 5);
  assert.equal([st, a.ttl], [DNS_OK, 0]);
  [st, a] = parse([...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 1, 1, 0x7fffffff, [1, 2, 3, 4])]);
  assert.is(a.ttl, 0x7fffffff);
});

test('dnsParseResponse: a CNAME, a record of another class, an A of another length are skipped', () => {
  const [st, a] = parse([...header(0x8180, 1, 4), ...Q,
    ...rr([0xc0, 12], 5, 1, 60, labels('x.bc')),
    ...rr([0xc0, 12], 1, 3, 60, [9, 9, 9, 9]),
    ...rr([0xc0, 12], 1, 1, 60, [9, 9, 9, 9, 9]),
    ...rr([0xc0, 12], 1, 1, 60, [10, 0, 0, 1])]);
  assert.equal([st, a.addr >>> 0], [DNS_OK, 0x0a000001]);
  assert.is(parse([...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 5, 1, 60, labels('x'))])[0], DNS_NO_ANSWER);
  assert.is(parse([...header(0x8180, 1, 0), ...Q])[0], DNS_NO_ANSWER);
});

test('dnsParseResponse: not a response, an error code, shorter than a header', () => {
  assert.is(parse([...header(0x0100, 1, 1), ...Q])[0], DNS_NOT_RESPONSE);
  const [st, a] = parse([...header(0x8183, 1, 0), ...Q]);
  assert.equal([st, a.rcode], [DNS_RCODE, 3]);
  assert.is(parse(header(0x8180, 0, 0).slice(0, 11))[0], DNS_TRUNCATED);
  assert.is(parse(header(0x8180, 0, 0))[0], DNS_NO_ANSWER, 'exactly a header');
});

test('dnsParseResponse: truncated in the question, in an answer\'s fixed part, in its data', () => {
  const full = [...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 1, 1, 300, [1, 2, 3, 4])];
  for (let cut = 13; cut < full.length; cut++) {
    const st = parse(full.slice(0, cut))[0];
    assert.ok(st === DNS_TRUNCATED || st === DNS_BAD_NAME, `cut at ${cut}: ${st}`);
  }
  assert.is(parse(full.slice(0, 12 + Q.length - 1))[0], DNS_TRUNCATED, 'the question\'s class cut');
  assert.is(parse(full.slice(0, full.length - 1))[0], DNS_TRUNCATED, 'the address cut');
  assert.is(parse(full.slice(0, full.length - 5))[0], DNS_TRUNCATED, 'the data length present, the data not');
  assert.is(parse(full)[0], DNS_OK);
});

test('dnsParseResponse: names: a forward or self pointer, a pointer past the end, reserved label bits, a name running off the end', () => {
  const body = (name: number[]) => [...header(0x8180, 1, 1), ...Q, ...rr(name, 1, 1, 1, [1, 2, 3, 4])];
  assert.is(parse(body([0xc0, 12]))[0], DNS_OK);
  assert.is(parse(body([0xc0, 30]))[0], DNS_BAD_NAME, 'forward');
  assert.is(parse(body([0xc0, 22]))[0], DNS_BAD_NAME, 'to itself');
  assert.is(parse(body([0x80, 12]))[0], DNS_BAD_NAME, 'label type 10');
  assert.is(parse(body([0x40, 12]))[0], DNS_BAD_NAME, 'label type 01');
  assert.is(parse([...header(0x8180, 1, 0), 3, 97, 98])[0], DNS_BAD_NAME, 'no end');
  assert.is(parse([...header(0x8180, 1, 0), 0xc0])[0], DNS_BAD_NAME, 'half a pointer');
  assert.is(parse([...header(0x8180, 1, 1), ...Q, 1, 97, 0xc0, 12, ...u16(1), ...u16(1), ...u32(1), ...u16(4), 1, 2, 3, 4])[0], DNS_OK, 'labels then a pointer');
  // 130 one-character labels: more than the walk's 128 steps.
  assert.is(parse([...header(0x8180, 1, 0), ...Array(130).fill([1, 97]).flat(), 0, 0, 1, 0, 1])[0], DNS_BAD_NAME);
});

test('dnsQuestionName: the question lower-cased; compressed, cut or endless names give \'\'', () => {
  const b = (q: number[]) => Uint8Array.from([...header(0x8180, 1, 0), ...q]);
  const m = b([...labels('Ab.CZ'), 0, 1, 0, 1]);
  assert.is(dnsQuestionName(m, 0, m.length), 'ab.cz');
  const at = new Uint8Array(m.length + 4); at.set(m, 4);
  assert.is(dnsQuestionName(at, 4, m.length), 'ab.cz');
  assert.is(dnsQuestionName(b([0xc0, 12]), 0, 14), '');
  assert.is(dnsQuestionName(b([3, 97, 98]), 0, 15), '');
  assert.is(dnsQuestionName(b([2, 97, 98]), 0, 15), '', 'no terminating zero');
  assert.is(dnsQuestionName(b([0]), 0, 13), '');
  const long = b(Array(130).fill([1, 97]).flat());
  assert.is(dnsQuestionName(long, 0, long.length), '');
  assert.is(dnsQuestionName(b([1, 64, 1, 91, 0]), 0, 17), '@.[', 'only A-Z are lowered');
});

test('nothing past len is read: the whole message in the buffer, len cut anywhere, is never OK', () => {
  const full = Uint8Array.from([...header(0x8180, 1, 1), ...Q, ...rr([1, 120, 0xc0, 12], 1, 1, 300, [1, 2, 3, 4])]);
  // The question's name at 12..17, its type and class 18..21; the answer's name (x, then a
  // pointer) 22..25, its fixed part 26..35, its address 36..39. A name cut is malformed; a fixed
  // part or data cut is truncated (the bytes past len, there in the buffer, are never used).
  for (let cut = 12; cut < full.length; cut++) {
    const st = dnsParseResponse(full, 0, cut, new DnsAnswer());
    const want = cut < 18 || (cut >= 22 && cut < 26) ? DNS_BAD_NAME : DNS_TRUNCATED;
    assert.is(st, want, `len ${cut}`);
  }
  assert.is(dnsParseResponse(full, 0, full.length, new DnsAnswer()), DNS_OK);
  const q = Uint8Array.from([...header(0x8180, 1, 0), ...labels('ab.cd'), 0, 1, 0, 1]);
  for (let cut = 12; cut < 12 + 7; cut++) assert.is(dnsQuestionName(q, 0, cut), '', `len ${cut}`);
  assert.is(dnsQuestionName(q, 0, 19), 'ab.cd');
});

test('dnsParseResponse: a pointer to a name that itself ends in a pointer: the record after it read from the right place', () => {
  // Answer 1 at 22: x + pointer to the question (a CNAME); answer 2 at 39: a pointer to answer 1's name.
  const m = [...header(0x8180, 1, 2), ...Q, ...rr([1, 120, 0xc0, 12], 5, 1, 60, labels('y')), ...rr([0xc0, 22], 1, 1, 60, [198, 18, 0, 7])];
  assert.is(m.indexOf(0xc0, 30), 39);
  const [st, a] = parse(m);
  assert.equal([st, a.addr >>> 0, a.ttl], [DNS_OK, 0xc6120007, 60]);
});

test('dnsParseResponse: a name of 127 labels is walked; 128 labels are more than the walk\'s 128 steps', () => {
  const q = (n: number) => [...header(0x8180, 1, 0), ...Array(n).fill([1, 97]).flat(), 0, 0, 1, 0, 1];
  assert.is(parse(q(127))[0], DNS_NO_ANSWER);
  assert.is(parse(q(128))[0], DNS_BAD_NAME);
  const m = (n: number) => Uint8Array.from(q(n));
  assert.is(dnsQuestionName(m(127), 0, m(127).length), Array(127).fill('a').join('.'));
  assert.is(dnsQuestionName(m(128), 0, m(128).length), '');
});

test('labels of type 01 or 10 (0x40, 0x80: not lengths, RFC 1035 4.1.4, RFC 6891) are malformed even where 64 bytes follow', () => {
  const name = [0x40, ...Array(64).fill(97), 0];
  assert.is(parse([...header(0x8180, 1, 0), ...name, 0, 1, 0, 1])[0], DNS_BAD_NAME);
  assert.is(parse([...header(0x8180, 1, 1), ...Q, ...rr(name, 1, 1, 1, [1, 2, 3, 4])])[0], DNS_BAD_NAME);
  const m = Uint8Array.from([...header(0x8180, 1, 0), ...name, 0, 1, 0, 1]);
  assert.is(dnsQuestionName(m, 0, m.length), '');
});

test('dnsParseResponse: a record of another type with 4 bytes of class IN is skipped; an empty record ending the message is no answer', () => {
  const [st, a] = parse([...header(0x8180, 1, 2), ...Q, ...rr([0xc0, 12], 16, 1, 60, [3, 97, 98, 99]), ...rr([0xc0, 12], 1, 1, 60, [10, 0, 0, 2])]);
  assert.equal([st, a.addr >>> 0], [DNS_OK, 0x0a000002]);
  assert.is(parse([...header(0x8180, 1, 1), ...Q, ...rr([0xc0, 12], 16, 1, 60, [])])[0], DNS_NO_ANSWER);
});

test.run();
