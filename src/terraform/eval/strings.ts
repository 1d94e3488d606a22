// Strings as terraform sees them: characters are grapheme clusters
// (Intl.Segmenter, as cty uses go-textseg), case mapping is Go's simple
// per-character mapping, spaces are Go's unicode.IsSpace, and format() is
// cty's (width and precision in grapheme clusters).
import { BigNum, formatNumber, isInteger, isNum, text, toBig, toBigInt, type Num } from './numbers.ts';
import { kindOf } from './types.ts';
import { EvalError, Unknown, isObject, toBool, toNumber, toStr, type Value } from './value.ts';

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `s` (`\r\n`, `e\u0301`, `👍🏽` and flags are one each). */
export function graphemes(s: string): string[] {
  // Pure ASCII without \r has one cluster per character: skip the segmenter.
  // Below U+0300 (before the combining marks) and without \r, every code point is its own cluster: skip the segmenter (~30 ms to create).
  if (/^[\x00-\x0c\x0e-\u02ff]*$/.test(s)) return s.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

/**
 * Code points whose case mappings are the same in Go's Unicode tables
 * (terraform 1.11: Go 1.23, Unicode 15.0) and in JavaScript's (Node's ICU,
 * Unicode 16 or 17, which gave old letters such as ɤ and ƛ new capitals and
 * added new cased scripts): the cased blocks as of Unicode 14. A mapping from
 * or to anything else is unknown rather than a guess.
 */
const STABLE_CASE: [number, number][] = [
  [0x0000, 0x019a], [0x019c, 0x0263], [0x0265, 0x02af], [0x0345, 0x0345], [0x0370, 0x052f], [0x0531, 0x0587],
  [0x10a0, 0x10ff], [0x13a0, 0x13ff], [0x1c80, 0x1c88], [0x1c90, 0x1cbf], [0x1d79, 0x1d79], [0x1d7d, 0x1d7d], [0x1d8e, 0x1d8e],
  [0x1e00, 0x1fff], [0x2126, 0x2126], [0x212a, 0x212b], [0x2132, 0x2132], [0x214e, 0x214e], [0x2160, 0x2184], [0x24b6, 0x24e9],
  [0x2c00, 0x2cff], [0x2d00, 0x2d2d], [0xa640, 0xa69f], [0xa722, 0xa7ca], [0xa7d0, 0xa7d1], [0xa7d6, 0xa7d9], [0xa7f5, 0xa7f6],
  [0xab53, 0xab53], [0xab70, 0xabbf], [0xff21, 0xff3a], [0xff41, 0xff5a], [0x10400, 0x1044f], [0x104b0, 0x104fb],
  [0x10570, 0x105bc], [0x10c80, 0x10cf2], [0x118a0, 0x118df], [0x16e40, 0x16e7f], [0x1e900, 0x1e943],
  // ligatures: no simple mapping in any version (their full upper case is two or three letters)
  [0xfb00, 0xfb06], [0xfb13, 0xfb17],
];

/** Case pairs Unicode 16 added: Go's Unicode 15 tables leave these characters unchanged. */
const NEW_IN_16 = (n: number): boolean =>
  n === 0x019b || n === 0x0264 || (n >= 0x1c89 && n <= 0x1c8a) || (n >= 0xa7cb && n <= 0xa7cd) || (n >= 0xa7da && n <= 0xa7dc) || (n >= 0x10d50 && n <= 0x10d85);

const stable = (c: string): boolean => {
  const n = c.codePointAt(0)!;
  return STABLE_CASE.some(([lo, hi]) => n >= lo && n <= hi);
};

/** Greek letters with ypogegrammeni: their full uppercase is two letters (ΑΙ), their simple upper and title case one (ᾼ). */
function iotaSubscriptUpper(c: string): string | undefined {
  const n = c.codePointAt(0)!;
  if ((n >= 0x1f80 && n <= 0x1f87) || (n >= 0x1f90 && n <= 0x1f97) || (n >= 0x1fa0 && n <= 0x1fa7)) return String.fromCodePoint(n + 8);
  if (n === 0x1fb3 || n === 0x1fc3 || n === 0x1ff3) return String.fromCodePoint(n + 9);
  return undefined;
}

/** One character's simple upper or lower case (Go's unicode.ToUpper/ToLower), or undefined where tfw is not sure of Go's. */
function simpleOne(c: string, upper: boolean): string | undefined {
  if (!upper && c === '\u0130') return 'i'; // İ: simple lowercase is i
  const m = upper ? c.toUpperCase() : c.toLowerCase();
  if (m === c || NEW_IN_16(c.codePointAt(0)!)) return c;
  if ([...m].length !== 1) return (upper ? iotaSubscriptUpper(c) : undefined) ?? (stable(c) ? c : undefined); // no simple mapping: unchanged
  return stable(c) && stable(m) ? m : undefined;
}

/** Go's unicode.ToUpper/ToLower per character: one character to one character (ß stays ß, ᾳ becomes ᾼ). */
export function simpleCase(s: string, upper: boolean): string | Unknown {
  let out = '';
  for (const c of s) {
    const m = simpleOne(c, upper);
    if (m === undefined) return new Unknown(`${upper ? 'upper' : 'lower'}() of "${c}": its case in Go's Unicode tables is not one tfw is sure of`);
    out += m;
  }
  return out;
}

/** Titlecase of the four Unicode digraphs whose title form differs from their upper form. */
const TITLE: Record<string, string> = { 'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ' };

/** Go's strings.Title: a character after a separator gets its title case (unicode.ToTitle). */
export function title(s: string): string | Unknown {
  let out = '';
  let prev = ' ';
  for (const c of s) {
    if (isSeparator(prev)) {
      // Georgian Mkhedruli letters are their own title case (their upper case is Mtavruli)
      const n = c.codePointAt(0)!;
      const georgian = (n >= 0x10d0 && n <= 0x10fa) || (n >= 0x10fd && n <= 0x10ff);
      const t = georgian ? c : TITLE[c] ?? simpleOne(c, true);
      if (t === undefined) return new Unknown(`title() of "${c}": its title case is not one tfw knows`);
      out += t;
    } else {
      out += c;
    }
    prev = c;
  }
  return out;
}

/** strings.Title's isSeparator: ASCII letters, digits and _ are not; other ASCII is; beyond ASCII only spaces are. */
function isSeparator(c: string): boolean {
  const n = c.codePointAt(0)!;
  if (n <= 0x7f) return !/[A-Za-z0-9_]/.test(c);
  if (/[\p{L}\p{Nd}]/u.test(c)) return false;
  return isGoSpace(n);
}

/** Go's unicode.IsSpace. */
function isGoSpace(n: number): boolean {
  if (n <= 0xff) return n === 0x20 || (n >= 0x09 && n <= 0x0d) || n === 0x85 || n === 0xa0;
  return n === 0x1680 || (n >= 0x2000 && n <= 0x200a) || n === 0x2028 || n === 0x2029 || n === 0x202f || n === 0x205f || n === 0x3000;
}

/** strings.TrimSpace. */
export function trimSpace(s: string): string {
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  while (a < b && isGoSpace(cs[a]!.codePointAt(0)!)) a++;
  while (b > a && isGoSpace(cs[b - 1]!.codePointAt(0)!)) b--;
  return cs.slice(a, b).join('');
}

/** strings.Replace(s, "", r, -1): r before every character (UTF-8 sequence) and at the end. */
export function insertBetween(s: string, r: string): string {
  return r + Array.from(s, (c) => c + r).join('');
}

/** Go's encoding/json string escaping (as cty's JSON): <, >, & and U+2028/9 escaped too. */
export function goJsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value as cty's JSON (jsonencode, %#v); Unknown for what tfw cannot type. */
export function toJsonText(v: Value): string | Unknown {
  if (v instanceof Unknown) return v;
  if (v === null) return 'null';
  if (typeof v === 'string') return goJsonString(v);
  if (isNum(v)) {
    if (v instanceof BigNum && v.inf) throw new EvalError('cannot serialize infinity as JSON');
    return formatNumber(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const x of v) {
      const j = toJsonText(x);
      if (j instanceof Unknown) return j;
      parts.push(j);
    }
    return `[${parts.join(',')}]`;
  }
  if (isObject(v)) {
    const parts: string[] = [];
    for (const k of Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
      const j = toJsonText(v[k]!);
      if (j instanceof Unknown) return j;
      parts.push(`${goJsonString(k)}:${j}`);
    }
    return `{${parts.join(',')}}`;
  }
  return new Unknown('unrepresentable');
}

interface Verb { raw: string; sharp: boolean; zero: boolean; minus: boolean; plus: boolean; space: boolean; width: number; prec: number; mode: string; arg: number }

const VERB = /%([-+# 0]*)(?:\[([1-9]\d*)\])?([1-9]\d*|\*)?(?:\.(\d*|\*))?([a-zA-Z])?/y;

/** cty's format(): an error where terraform errs, Unknown where tfw does not reproduce the output. */
export function format(spec: string, args: Value[]): string | Unknown {
  let out = '';
  let next = 1;
  let maxUsed = 0;
  for (let i = 0; i < spec.length;) {
    const c = spec[i]!;
    if (c !== '%') { out += c; i++; continue; }
    if (spec[i + 1] === '%') { out += '%'; i += 2; continue; }
    VERB.lastIndex = i;
    const m = VERB.exec(spec)!;
    if (m[5] === undefined) throw new EvalError(`invalid format string starting at offset ${i}`);
    if (m[3] === '*' || m[4] === '*' || m[4] === '') return new Unknown('format() with * or an empty precision is not evaluated by tfw');
    const flags = m[1]!;
    const verb: Verb = {
      raw: m[0], sharp: flags.includes('#'), zero: flags.includes('0'), minus: flags.includes('-'), plus: flags.includes('+'), space: flags.includes(' '),
      width: m[3] === undefined ? -1 : Number(m[3]), prec: m[4] === undefined ? -1 : Number(m[4]), mode: m[5], arg: m[2] === undefined ? next : Number(m[2]),
    };
    if (verb.width > 4096 || verb.prec > 4096) throw new EvalError('format width or precision too large');
    if (verb.arg > args.length) throw new EvalError(`not enough arguments for "${verb.raw}" at ${i}`);
    const piece = formatOne(verb, args[verb.arg - 1]!);
    if (piece instanceof Unknown) return piece;
    out += piece;
    maxUsed = Math.max(maxUsed, verb.arg);
    next = verb.arg + 1;
    i += m[0].length;
  }
  if (args.length > maxUsed) throw new EvalError(`too many arguments; only ${maxUsed} used by the format string`);
  return out;
}

function pad(verb: Verb, s: string): string {
  if (verb.width < 0) return s;
  const n = graphemes(s).length;
  if (n >= verb.width) return s;
  const p = (verb.zero ? '0' : ' ').repeat(verb.width - n);
  return verb.minus ? s + p : p + s;
}

function formatOne(verb: Verb, v: Value): string | Unknown {
  if (v instanceof Unknown) return v;
  if (verb.mode !== 'v' && v === null) throw new EvalError(`null value cannot be formatted by "${verb.raw}"`);
  switch (verb.mode) {
    case 'v': {
      if (v === null) return new Unknown('format() of null with %v');
      if (!verb.sharp && typeof v === 'string') return pad(verb, v);
      if (!verb.sharp && isNum(v)) return pad(verb, goFloat(v, 'g', -1));
      if ((Array.isArray(v) || isObject(v)) && kindOf(v) === undefined) return new Unknown('%#v of a collection tfw does not type');
      const j = toJsonText(v);
      return j instanceof Unknown ? j : pad(verb, j);
    }
    case 't': return toBool(v, 'format() argument') ? 'true' : 'false';
    case 's': case 'q': {
      let s = toStr(v, 'format() argument');
      if (verb.prec > 0) s = graphemes(s).slice(0, verb.prec).join('');
      return pad(verb, verb.mode === 's' ? s : goJsonString(s));
    }
    case 'b': case 'd': case 'o': case 'x': case 'X': {
      const n = toNumber(v, 'format() argument');
      if (!isInteger(n)) throw new EvalError(`an integer is required for "${verb.raw}"`);
      return goInteger(verb, toBigInt(n));
    }
    case 'f': case 'e': case 'E': case 'g': case 'G': {
      const r = goFloat(toNumber(v, 'format() argument'), verb.mode, verb.prec);
      // Go's fmt for a big.Float: + and space flags, zeros after the sign, - to the left.
      const inf = r.endsWith('Inf');
      const sign = r.startsWith('-') ? '-' : r.startsWith('+') ? (verb.space ? ' ' : '+') : verb.plus ? '+' : verb.space ? ' ' : '';
      const body = r.startsWith('-') || r.startsWith('+') ? r.slice(1) : r;
      if (verb.width > 0 && verb.zero && !inf) return sign + body.padStart(verb.width - sign.length, '0');
      const out = sign + body;
      return out.length >= verb.width ? out : verb.minus ? out.padEnd(verb.width) : out.padStart(verb.width);
    }
    default:
      throw new EvalError(`unsupported format verb "${verb.mode}" in "${verb.raw}"`);
  }
}

/** Go's fmt for a big.Int: sign flags, # prefixes, precision as minimum digits, width with zeros after the sign. */
function goInteger(verb: Verb, n: bigint): string {
  const base = verb.mode === 'b' ? 2 : verb.mode === 'o' ? 8 : verb.mode === 'd' ? 10 : 16;
  let digits = (n < 0n ? -n : n).toString(base);
  if (verb.mode === 'X') digits = digits.toUpperCase();
  if (verb.prec >= 0) digits = verb.prec === 0 && n === 0n ? '' : digits.padStart(verb.prec, '0');
  let prefix = '';
  if (verb.sharp) prefix = base === 2 ? '0b' : base === 8 ? '0' : base === 16 ? (verb.mode === 'X' ? '0X' : '0x') : '';
  const sign = n < 0n ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
  const body = prefix + digits;
  if (verb.width > 0 && verb.zero && !verb.minus && verb.prec < 0) return sign + body.padStart(verb.width - sign.length, '0');
  const s = sign + body;
  if (s.length >= verb.width) return s;
  return verb.minus ? s.padEnd(verb.width) : s.padStart(verb.width);
}

/**
 * Go's big.Float formatting ('e', 'f', 'g' with a precision, or the shortest
 * 'g' that %v and %g use): the exact binary value rounded half to even, as
 * (*big.Float).Text does.
 */
export function goFloat(n: Num, mode: string, prec: number): string {
  // (*big.Float).Format: 6 digits by default for %e and %f, the shortest for %g and %v
  if (prec < 0 && (mode === 'e' || mode === 'E' || mode === 'f')) prec = 6;
  return text(toBig(n), mode as 'e', prec);
}
