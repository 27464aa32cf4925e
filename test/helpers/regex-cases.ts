// Regular expressions against Espruino 2v29's engine (src/jsregex.c), measured in its Linux
// build: the cases the Espruino gate rejects (each gives another result there than in Node) and
// the ones it passes (each gives the same result). test/gate.test.ts checks the gate on them,
// test/gate-espruino.test.ts checks the results in the real interpreter.
export interface RegexCase { name: string; pattern: string; flags: string; input: string }

export const REGEX_BROKEN: RegexCase[] = [
  { name: '{n} quantifier', pattern: '^([0-9a-f]{2})$', flags: 'i', input: '0A' },
  { name: '{n,m} quantifier', pattern: '^a{1,3}$', flags: '', input: 'aa' },
  { name: '{n,} quantifier', pattern: '^a{2,}$', flags: '', input: 'aaa' },
  { name: '? quantifier', pattern: 'colou?r', flags: '', input: 'color' },
  { name: 'lazy quantifier', pattern: 'a+?', flags: '', input: 'aaa' },
  { name: 'quantified group', pattern: 'x(ab)+y', flags: '', input: 'xababy' },
  { name: 'nested groups', pattern: '((a)(b))', flags: '', input: 'ab' },
  { name: '| inside a group', pattern: '^(GET|HEAD) (\\S+)', flags: '', input: 'GET /x HTTP/1.0' },
  { name: 'non-capturing group', pattern: '(?:ab)c', flags: '', input: 'abc' },
  { name: 'lookahead', pattern: 'a(?=b)', flags: '', input: 'ab' },
  { name: 'lookbehind', pattern: '(?<=a)b', flags: '', input: 'ab' },
  { name: 'named group', pattern: '(?<x>a)', flags: '', input: 'a' },
  { name: 'word boundary', pattern: '\\bfoo', flags: '', input: 'a foo' },
  { name: '\\u escape', pattern: '\\u0041', flags: '', input: 'A' },
  { name: 'backreference', pattern: '(a)\\1', flags: '', input: 'aa' },
  { name: 'flag m', pattern: '^b', flags: 'm', input: 'a\nb' },
  { name: 'flag s', pattern: 'a.b', flags: 's', input: 'a\nb' },
  { name: 'flag u', pattern: '\\u{41}', flags: 'u', input: 'A' },
];

export const REGEX_WORKING: RegexCase[] = [
  { name: 'pairs of classes instead of {2}', pattern: '^([0-9a-f][0-9a-f])$', flags: 'i', input: '0A' },
  { name: '+ and * on atoms, \\d, escapes, groups side by side', pattern: '^(\\d+\\.\\d+\\.\\d+\\.\\d+)\\/(\\d*)$', flags: '', input: '198.18.0.2/24' },
  { name: 'classes with negation', pattern: '^([^,]*),', flags: '', input: 'ab,c' },
  { name: '| at the top level', pattern: '^cat$|^dog$', flags: '', input: 'dog' },
  { name: 'literal ? { ( | inside a class', pattern: '[?{}()|]+', flags: '', input: 'x?{|' },
  { name: '$ and an escaped dot', pattern: '\\.$', flags: '', input: 'a.b.' },
  { name: '\\s \\S \\w \\W \\D and \\x', pattern: '\\s\\S\\w\\W\\D\\x41', flags: '', input: ' a1-bA' },
  { name: 'flags g and i', pattern: '[a-c]', flags: 'gi', input: 'xAbc' },
];
