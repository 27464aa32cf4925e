// Espruino's pretokenised form of a bundle: what `npm run flash` writes to Storage.
//
// Espruino's lexer takes a byte of 128 or more as a whole token: an operator such as `===` or
// `>>>=`, a reserved word such as `function` or `return`, a raw string (0xD1 length bytes, or
// 0xD2 with a 16-bit length) or a small integer (0xD3 for 0, 0xD4 int8, 0xD5 int16 little-endian).
// The numbering is the LEX_TYPES enum of the interpreter's src/jslex.h (2v25 and later have the
// raw integers), which its authors keep stable because their Web IDE and app loader store code
// this way. Code in this form is smaller in Storage and is lexed faster, since the interpreter
// re-reads the source text every time it runs a function.
//
// Our own writer: acorn's tokenizer over the minified bundle; identifiers and other numbers stay
// text, with a space only where two would otherwise run together. `detokenise` turns the bytes
// back into JavaScript (for the tests: same tokens as the input).
import * as acorn from 'acorn';
import * as walk from 'acorn-walk';

/** jslex.h: LEX_EQUAL = 138 (_LEX_TOKENS_START), in enum order. */
const OPERATOR1_START = 138;
const OPERATORS = ['==', '===', '!=', '!==', '<=', '<<', '<<=', '>=', '>>', '>>>', '>>=', '>>>=', '+=', '-=', '++', '--',
  '*=', '/=', '%=', '&=', '&&', '|=', '||', '^=', '=>'];
/** jslex.h: _LEX_R_LIST_START = LEX_ARROW_FUNCTION + 1 = 163, in enum order. */
const R_LIST_START = OPERATOR1_START + OPERATORS.length;
const RESERVED = ['if', 'else', 'do', 'while', 'for', 'break', 'continue', 'function', 'return', 'var', 'let', 'const', 'this',
  'throw', 'try', 'catch', 'finally', 'true', 'false', 'null', 'undefined', 'new', 'in', 'instanceof', 'switch', 'case',
  'default', 'delete', 'typeof', 'void', 'debugger', 'class', 'extends', 'super', 'static', 'of'];
/** jslex.h: _LEX_OPERATOR2_START = _LEX_R_LIST_END + 10. */
const OPERATOR2_START = R_LIST_START + RESERVED.length - 1 + 10;
export const LEX_NULLISH = OPERATOR2_START;
export const LEX_RAW_STRING8 = OPERATOR2_START + 1;
export const LEX_RAW_STRING16 = OPERATOR2_START + 2;
export const LEX_RAW_INT0 = OPERATOR2_START + 3;
export const LEX_RAW_INT8 = OPERATOR2_START + 4;
export const LEX_RAW_INT16 = OPERATOR2_START + 5;

const TOKEN = new Map<string, number>();
OPERATORS.forEach((op, i) => TOKEN.set(op, OPERATOR1_START + i));
RESERVED.forEach((w, i) => TOKEN.set(w, R_LIST_START + i));
TOKEN.set('??', LEX_NULLISH);
// EspruinoTools leaves `catch` as text (espruino/Espruino#1868); so do we.
TOKEN.delete('catch');

const wordChar = (c: string) => /[A-Za-z0-9_$]/.test(c);

type Node = acorn.Node & { [key: string]: any };

/** Statements that end with their own `;`. */
const ENDS_WITH_SEMICOLON = new Set(['ExpressionStatement', 'VariableDeclaration', 'ReturnStatement', 'ThrowStatement',
  'BreakStatement', 'ContinueStatement', 'DoWhileStatement']);

/** Whether a token can only begin a statement, never go on with the expression before it: a name,
 *  a keyword (but the binary `in` and `instanceof`), a literal, a brace, `!` or `~`, the end. */
function onlyBegins(t: acorn.Token | undefined): boolean {
  if (!t) return true;
  const label = t.type.label;
  if (t.type.keyword !== undefined) return t.type.keyword !== 'in' && t.type.keyword !== 'instanceof';
  return label === 'name' || label === 'string' || label === 'num' || label === '{' || label === '}' || label === '!/~' || label === 'eof';
}

/** The offsets of the `;` that end statements where Espruino's parser needs none. It ends an
 *  expression at the first token that cannot go on with it, and reads statements one after
 *  another with no separator (a `;` is an empty statement of its own: jsparse.c jspeStatement,
 *  jspeBlockNoBrackets), so `a=f() b=1` runs as `a=f();b=1`. Kept: before a token that could go
 *  on with the expression (`(`, `[`, `.`, `+`, `-`, `++`, `/`, a template...), after a `return`
 *  without a value (unless a `}` follows: it would return what comes next), and at the end of a
 *  `do` loop's body without braces (Espruino requires it there). Code without the `;` is smaller in
 *  Storage and faster: each one is a statement the interpreter dispatches. */
export function droppableSemicolons(code: string): Set<number> {
  let ast: Node;
  try { ast = acorn.parse(code, { ecmaVersion: 2020, sourceType: 'script', allowHashBang: true, allowReturnOutsideFunction: true }) as Node; } catch {
    return new Set(); // not a whole program (a fragment): every `;` stays
  }
  const ends = new Map<number, Node>();
  walk.fullAncestor(ast, (n: Node, _s: unknown, ancestors: Node[]) => {
    if (!ENDS_WITH_SEMICOLON.has(n.type) || code[n.end - 1] !== ';') return;
    const parent = ancestors[ancestors.length - 2];
    if (parent && parent.type === 'DoWhileStatement' && parent.body === n) return;
    ends.set(n.end - 1, n);
  });
  const tokens = [...acorn.tokenizer(code, { ecmaVersion: 2020, allowHashBang: true })];
  const drop = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const st = ends.get(tokens[i].start);
    if (!st || tokens[i].type.label !== ';') continue;
    const next = tokens[i + 1];
    if (st.type === 'ReturnStatement' && !st.argument && next && next.type.label !== '}') continue;
    if (onlyBegins(next)) drop.add(tokens[i].start);
  }
  return drop;
}

/** The bundle's pretokenised bytes, as a latin1 string (one char per byte). With `lines`, each
 *  line break of the source is kept (a user's program: automatic semicolon insertion still sees
 *  them, and an error's line number is the source's); without, the statement-ending `;` that
 *  Espruino does without are left out (droppableSemicolons). */
export function pretokenise(code: string, lines = false): string {
  const t = acorn.tokenizer(code, { ecmaVersion: 2020, allowHashBang: true });
  const drop = lines ? new Set<number>() : droppableSemicolons(code);
  let out = '';
  let prevEnd = 0;
  // The last byte written was a token byte (then no separator is ever needed).
  let lastWasToken = true;
  const text = (s: string) => {
    const prev = out[out.length - 1];
    if (!lastWasToken && prev !== undefined && ((wordChar(prev) && wordChar(s[0])) || ((prev === '+' || prev === '-') && s[0] === prev) ||
      (prev === '/' && s[0] === '/'))) out += ' ';
    out += s;
    lastWasToken = false;
  };
  const token = (b: number, raw = '') => { out += String.fromCharCode(b) + raw; lastWasToken = true; };
  for (;;) {
    const tk = t.getToken();
    if (tk.type === acorn.tokTypes.eof) break;
    if (lines) {
      const breaks = code.slice(prevEnd, tk.start).match(/\r\n|[\n\r\u2028\u2029]/g);
      if (breaks) { out += '\n'.repeat(breaks.length); lastWasToken = true; }
    }
    const src = code.slice(tk.start, tk.end);
    const label = tk.type.label;
    const value = (tk as unknown as { value: unknown }).value;
    if (label === ';' && drop.has(tk.start)) {
      prevEnd = tk.end;
      continue;
    } else if (label === 'string' && typeof value === 'string' && /^[\x00-\xff]*$/.test(value)) {
      const v = value;
      if (v.length < 256) token(LEX_RAW_STRING8, String.fromCharCode(v.length) + v);
      else if (v.length < 65536) token(LEX_RAW_STRING16, String.fromCharCode(v.length & 255, v.length >> 8) + v);
      else text(src);
    } else if (label === 'num' && typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < 32768 && !/[.eEnN]/.test(src.replace(/^0[xX]/, ''))) {
      const v = value;
      const prev = out[out.length - 1];
      if (v === 0) token(LEX_RAW_INT0);
      // A single digit is one byte as text, two as LEX_RAW_INT8 (unless a space must part it from
      // a name before it); the lexer makes a raw integer's value even where the code is skipped.
      else if (v < 10 && (lastWasToken || prev === undefined || !wordChar(prev))) text(String(v));
      else if (v < 128) token(LEX_RAW_INT8, String.fromCharCode(v));
      else token(LEX_RAW_INT16, String.fromCharCode(v & 255, v >> 8));
    } else if (label === '`') {
      // A template literal stays text, whole (acorn yields its parts as tokens).
      let depth = 0;
      let end = tk.end;
      for (;;) {
        const n = t.getToken();
        end = n.end;
        if (n.type.label === '${' || n.type.label === '{') depth++;
        else if (n.type.label === '}') depth--;
        else if (n.type.label === '`' && depth === 0) break;
        if (n.type === acorn.tokTypes.eof) throw new Error('pretokenise: unterminated template literal');
      }
      text(code.slice(tk.start, end));
      prevEnd = end;
      continue;
    } else if (TOKEN.has(src) && (label === 'name' || tk.type.keyword !== undefined || !/^[A-Za-z]/.test(src))) {
      token(TOKEN.get(src)!);
    } else {
      text(src);
    }
    prevEnd = tk.end;
  }
  return out;
}

const NAMES = new Map<number, string>();
for (const [s, b] of TOKEN) NAMES.set(b, s);

/** JavaScript again from pretokenised bytes (tokens separated by spaces). */
export function detokenise(bytes: string): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes.charCodeAt(i);
    if (b < 128) { out += bytes[i]; continue; }
    let s: string;
    if (b === LEX_RAW_STRING8 || b === LEX_RAW_STRING16) {
      let n = bytes.charCodeAt(++i);
      if (b === LEX_RAW_STRING16) n |= bytes.charCodeAt(++i) << 8;
      s = JSON.stringify(bytes.slice(i + 1, i + 1 + n));
      i += n;
    } else if (b === LEX_RAW_INT0) s = '0';
    else if (b === LEX_RAW_INT8) s = String((bytes.charCodeAt(++i) << 24) >> 24);
    else if (b === LEX_RAW_INT16) { const lo = bytes.charCodeAt(++i); s = String(((bytes.charCodeAt(++i) << 8 | lo) << 16) >> 16); }
    else if (NAMES.has(b)) s = NAMES.get(b)!;
    else throw new Error(`detokenise: unknown token byte ${b} at ${i}`);
    out += ' ' + s + ' ';
  }
  return out;
}

/** A JavaScript string literal for Espruino holding exactly these bytes (latin1): printable
 *  ASCII as itself, everything else as \xNN, so no transport re-encodes it. */
export function byteStringLiteral(bytes: string): string {
  let out = '"';
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes.charCodeAt(i);
    if (c === 0x22 || c === 0x5c) out += '\\' + bytes[i];
    else if (c >= 0x20 && c < 0x7f) out += bytes[i];
    else out += '\\x' + (c < 16 ? '0' : '') + c.toString(16);
  }
  return out + '"';
}
