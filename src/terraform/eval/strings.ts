// Strings as terraform sees them: characters are grapheme clusters
// (Intl.Segmenter, as cty uses go-textseg), case mapping is Go's simple
// per-character mapping, spaces are Go's unicode.IsSpace, and format() is
// cty's (width and precision in grapheme clusters).
import { formatNumber } from './numbers.ts';
import { kindOf } from './types.ts';
import { EvalError, Unknown, isObject, toBool, toNum, toStr, type Value } from './value.ts';

let segmenter: Intl.Segmenter | undefined;

/** The grapheme clusters of `s` (`\r\n`, `e\u0301`, `👍🏽` and flags are one each). */
export function graphemes(s: string): string[] {
  // Pure ASCII without \r has one cluster per character: skip the segmenter.
  // Below U+0300 (before the combining marks) and without \r, every code point is its own cluster: skip the segmenter (~30 ms to create).
  if (/^[\x00-\x0c\x0e-\u02ff]*$/.test(s)) return s.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

/** Go's unicode.ToUpper/ToLower: one character to one character; none that would become two (ß stays ß). */
export function simpleCase(s: string, upper: boolean): string {
  let out = '';
  for (const c of s) {
    if (!upper && c === '\u0130') { out += 'i'; continue; } // İ: simple lowercase is i
    const m = upper ? c.toUpperCase() : c.toLowerCase();
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** Titlecase of the four Unicode digraphs whose title form differs from their upper form. */
const TITLE: Record<string, string> = { 'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ', 'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ', 'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ', 'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ' };

/** Go's strings.Title: a character after a separator gets its title case. Unknown for the few whose title case tfw does not know. */
export function title(s: string): string | Unknown {
  let out = '';
  let prev = ' ';
  for (const c of s) {
    if (isSeparator(prev)) {
      const t = TITLE[c] ?? c.toUpperCase();
      if ([...t].length !== 1) return new Unknown(`title() of "${c}": its title case is not one tfw knows`);
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
  if (typeof v === 'number') return formatNumber(v);
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
      if (!verb.sharp && typeof v === 'number') {
        const g = goFloat(v, 'g', -1);
        return g instanceof Unknown ? g : pad(verb, g);
      }
      if (typeof v === 'object' && kindOf(v) === undefined) return new Unknown('%#v of a collection tfw does not type');
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
      const n = toNum(v, 'format() argument');
      if (!Number.isInteger(n)) throw new EvalError(`an integer is required for "${verb.raw}"`);
      if (!Number.isSafeInteger(n)) return new Unknown('format() of an integer beyond 2^53');
      return goInteger(verb, n);
    }
    case 'f': case 'e': case 'E': case 'g': case 'G': {
      const r = goFloat(toNum(v, 'format() argument'), verb.mode, verb.prec);
      if (r instanceof Unknown) return r;
      // Go's fmt for a big.Float: + and space flags, zeros after the sign, - to the left.
      const sign = r.startsWith('-') ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
      const body = r.startsWith('-') ? r.slice(1) : r;
      if (verb.width > 0 && verb.zero && !verb.minus) return sign + body.padStart(verb.width - sign.length, '0');
      const out = sign + body;
      return out.length >= verb.width ? out : verb.minus ? out.padEnd(verb.width) : out.padStart(verb.width);
    }
    default:
      throw new EvalError(`unsupported format verb "${verb.mode}" in "${verb.raw}"`);
  }
}

/** Go's fmt for a big.Int: sign flags, # prefixes, precision as minimum digits, width with zeros after the sign. */
function goInteger(verb: Verb, n: number): string {
  const base = verb.mode === 'b' ? 2 : verb.mode === 'o' ? 8 : verb.mode === 'd' ? 10 : 16;
  let digits = Math.abs(n).toString(base);
  if (verb.mode === 'X') digits = digits.toUpperCase();
  if (verb.prec >= 0) digits = verb.prec === 0 && n === 0 ? '' : digits.padStart(verb.prec, '0');
  let prefix = '';
  if (verb.sharp) prefix = base === 2 ? '0b' : base === 8 ? '0' : base === 16 ? (verb.mode === 'X' ? '0X' : '0x') : '';
  const sign = n < 0 ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
  const body = prefix + digits;
  if (verb.width > 0 && verb.zero && !verb.minus && verb.prec < 0) return sign + body.padStart(verb.width - sign.length, '0');
  const s = sign + body;
  if (s.length >= verb.width) return s;
  return verb.minus ? s.padEnd(verb.width) : s.padStart(verb.width);
}

/**
 * Go's big.Float formatting ('e', 'f', 'g' with a precision, or the shortest
 * 'g' that %v and %g use) of a tfw number. Its decimal digits are those
 * terraform's 512-bit float prints (tfw only keeps numbers whose shortest
 * decimal reads back exactly); a rounding that falls exactly on a half of a
 * number that is not exact in binary depends on the binary value: Unknown.
 */
export function goFloat(n: number, mode: string, prec: number): string | Unknown {
  const neg = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  // digits and decimal exponent: value = 0.DIGITS × 10^exp
  let digits: string;
  let exp: number;
  if (abs === 0) {
    digits = '';
    exp = 0;
  } else {
    const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(abs))!;
    const all = m[1]! + (m[2] ?? '');
    const lead = all.length - all.replace(/^0+/, '').length;
    digits = all.slice(lead).replace(/0+$/, '');
    exp = m[1]!.length - lead + Number(m[3] ?? 0);
  }
  const exactBinary = (() => {
    // the value is DIGITS × 10^(exp - len): dyadic when 5^k divides DIGITS for a negative power k
    const k = digits.length - exp;
    return k <= 0 || BigInt(digits || '0') % 5n ** BigInt(k) === 0n;
  })();
  /** Rounds to `nd` significant digits (Go's decimal.round: half to even). */
  const round = (nd: number): { d: string; e: number } | Unknown => {
    if (nd < 0) return { d: '', e: exp };
    if (digits.length <= nd) return { d: digits, e: exp };
    const next = digits[nd]!;
    const rest = digits.slice(nd + 1);
    let up: boolean;
    if (next > '5' || (next === '5' && rest.length > 0)) up = true;
    else if (next < '5') up = false;
    else {
      if (!exactBinary) return new Unknown('a format() rounding that falls on a half, decided by terraform\'s binary value');
      up = nd > 0 && Number(digits[nd - 1]) % 2 === 1;
    }
    let d = digits.slice(0, nd);
    let e = exp;
    if (up) {
      const bumped = (BigInt(d || '0') + 1n).toString();
      if (d === '' || bumped.length > d.length) { e++; d = bumped.padStart(1, '0'); } else d = bumped.padStart(d.length, '0');
    }
    return { d: d.replace(/0+$/, ''), e };
  };
  const fixed = (d: string, e: number, p: number): string => {
    const intPart = e > 0 ? (d.slice(0, e).padEnd(e, '0')) : '0';
    let frac = e >= 0 ? d.slice(e) : '0'.repeat(-e) + d;
    frac = frac.padEnd(p, '0').slice(0, p);
    return p > 0 ? `${intPart}.${frac}` : intPart;
  };
  const sci = (d: string, e: number, p: number, upper: boolean): string => {
    const ds = (d || '0').padEnd(p + 1, '0');
    const x = d === '' ? 0 : e - 1;
    const ex = `${x < 0 ? '-' : '+'}${String(Math.abs(x)).padStart(2, '0')}`;
    return `${ds[0]}${p > 0 ? `.${ds.slice(1, p + 1)}` : ''}${upper ? 'E' : 'e'}${ex}`;
  };
  let body: string;
  if (mode === 'f') {
    const p = prec < 0 ? 6 : prec;
    const r = round(exp + p);
    if (r instanceof Unknown) return r;
    body = fixed(r.d, r.e, p);
  } else if (mode === 'e' || mode === 'E') {
    const p = prec < 0 ? 6 : prec;
    const r = round(p + 1);
    if (r instanceof Unknown) return r;
    body = sci(r.d, r.e, p, mode === 'E');
  } else {
    // 'g': shortest when no precision (%v, %g), else `prec` significant digits
    const shortest = prec < 0;
    let d = digits;
    let e = exp;
    let eprec = prec;
    if (!shortest) {
      const r = round(prec === 0 ? 1 : prec);
      if (r instanceof Unknown) return r;
      d = r.d;
      e = r.e;
      if (eprec > d.length && d.length >= e) eprec = d.length;
    } else {
      eprec = 6;
    }
    const x = e - 1;
    let p = shortest ? d.length : prec === 0 ? 1 : prec;
    if (d !== '' && (x < -4 || x >= eprec)) {
      if (p > d.length) p = d.length;
      body = sci(d, e, Math.max(p - 1, 0), mode === 'G');
    } else {
      if (p > e) p = d.length;
      body = fixed(d, e, Math.max(p - e, 0));
    }
  }
  return (neg ? '-' : '') + body;
}
