// yamldecode for the YAML people write by hand (block mappings and sequences
// of single-line scalars, comments), resolved as go-cty-yaml resolves them
// (YAML 1.1 booleans such as `yes` and `on`, `~` and the empty value as null,
// decimal, 0x and 0o numbers, everything else a string). Anything beyond
// that subset (anchors, tags, flow collections, block scalars, multi-line
// scalars, timestamps, merge keys, several documents…) goes to yamllib.ts:
// the yaml package, loaded only then, with go-cty-yaml's rules on its tree.
import { formatNumber, fromBigInt, isNum, parseNumberText, type Num } from './numbers.ts';
import { tag } from './types.ts';
import { yamldecodeWithLibrary, nfc } from './yamllib.ts';
import { MAX_ITEMS, makeObject, type ObjectValue, type Value } from './value.ts';

class Beyond extends Error {}
const beyond = (why: string): never => { throw new Beyond(why); };

interface Line { indent: number; text: string }

const BOOLS: Record<string, boolean | null> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOLS[s] = true;
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOLS[s] = false;
for (const s of ['', '~', 'null', 'Null', 'NULL']) BOOLS[s] = null;

/** go-cty-yaml's resolveScalar for a plain scalar with no tag. */
function resolvePlain(src: string): Value {
  if (Object.prototype.hasOwnProperty.call(BOOLS, src)) return BOOLS[src]!;
  const c = src[0] ?? '';
  if (/^[+-]?\.(inf|Inf|INF)$/.test(src) || /^\.(nan|NaN|NAN)$/.test(src)) beyond('an infinity or NaN');
  if (src === '<<') beyond('a merge key');
  if (c === '.') {
    const n = parseNumberText(src);
    return n ?? src;
  }
  if (/[0-9+-]/.test(c)) {
    if (/^[0-9]{4}-/.test(src)) beyond('a timestamp-like scalar');
    if (/^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(src) || /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(src)) {
      const n: Num | undefined = parseNumberText(src);
      if (n !== undefined) return n;
      const m = /^0([xo])(.+)$/.exec(src);
      if (m) {
        const v = BigInt(`0${m[1]}${m[2]}`);
        if (v >= 1n << 64n) beyond('an integer beyond 64 bits');
        return fromBigInt(v, 64); // cty.NumberIntVal / NumberUIntVal
      }
      beyond('a number form tfw does not read');
    }
  }
  return src;
}

/** A scalar at the start of `t`, and what follows it on the line (only a comment may). */
function scalar(t: string, asKey: boolean): { value: Value; rest: string } {
  if (t.startsWith('"')) {
    let out = '';
    let i = 1;
    for (;;) {
      if (i >= t.length) beyond('a double-quoted scalar across lines');
      const ch = t[i]!;
      if (ch === '"') { i++; break; }
      if (ch === '\\') {
        const e = t[i + 1];
        // libyaml has no "\/" (YAML 1.2 added it): terraform errs on it
        const simple: Record<string, string> = { '"': '"', '\\': '\\', n: '\n', t: '\t', r: '\r', '0': '\0' };
        if (e !== undefined && simple[e] !== undefined) { out += simple[e]; i += 2; continue; }
        beyond('a double-quoted escape tfw does not read');
      }
      out += ch;
      i++;
    }
    return { value: out, rest: t.slice(i) };
  }
  if (t.startsWith("'")) {
    let out = '';
    let i = 1;
    for (;;) {
      if (i >= t.length) beyond('a single-quoted scalar across lines');
      if (t[i] === "'") {
        if (t[i + 1] === "'") { out += "'"; i += 2; continue; }
        i++;
        break;
      }
      out += t[i];
      i++;
    }
    return { value: out, rest: t.slice(i) };
  }
  if (/^[\[\]{}#&*!|>%@`,?:]/.test(t) || /^-(\s|$)/.test(t) || t.includes('\t')) {
    if (!asKey && (t === '[]' || t.startsWith('[] ') || t === '{}' || t.startsWith('{} '))) {
      return { value: t.startsWith('[') ? tag([], 'tuple') : tag(makeObject(), 'object'), rest: t.slice(2) };
    }
    beyond('a YAML indicator tfw does not read');
  }
  // a plain scalar ends at " #" (a comment), and, as a key, at ": " or a final ":"
  let end = t.length;
  const hash = t.search(/\s#/);
  if (hash >= 0) end = hash;
  let body = t.slice(0, end);
  if (asKey) {
    const colon = body.search(/:(\s|$)/);
    if (colon < 0) beyond('a key without ":"');
    return { value: body.slice(0, colon).trimEnd(), rest: body.slice(colon) + t.slice(end) };
  }
  body = body.trimEnd();
  if (/:(\s|$)/.test(body)) beyond('": " inside a value');
  return { value: resolvePlain(body), rest: t.slice(end) };
}

const onlyComment = (rest: string): boolean => rest.trim() === '' || /^\s+#/.test(rest);

/** Whether a line is a mapping entry (`key: …`, the key plain or quoted). */
function isEntry(text: string): boolean {
  if (/^("|')/.test(text)) {
    const s = scalar(text, false);
    return /^:(\s|$)/.test(s.rest);
  }
  const hash = text.search(/\s#/);
  return /:(\s|$)/.test(hash >= 0 ? text.slice(0, hash) : text);
}

class Parser {
  private i = 0;
  private items = 0;
  constructor(private readonly lines: Line[]) {}

  document(): Value {
    if (this.lines.length === 0) beyond('an empty document');
    const v = this.block(this.lines[0]!.indent);
    if (this.i < this.lines.length) beyond('text after the document');
    return v;
  }

  private count(): void {
    if (++this.items > MAX_ITEMS) beyond('too many items');
  }

  private isItem(l: Line): boolean {
    return l.text === '-' || l.text.startsWith('- ');
  }

  private block(indent: number): Value {
    const l = this.lines[this.i]!;
    if (l.indent !== indent) beyond('unexpected indentation');
    if (this.isItem(l)) return this.sequence(indent);
    if (!isEntry(l.text)) {
      // a lone scalar (the whole document)
      const s = scalar(l.text, false);
      if (!onlyComment(s.rest)) beyond('text after a scalar');
      this.i++;
      if (this.i < this.lines.length && this.lines[this.i]!.indent > indent) beyond('a multi-line scalar');
      return s.value;
    }
    return this.mapping(indent);
  }

  private sequence(indent: number): Value {
    const out: Value[] = [];
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent !== indent || !this.isItem(l)) break;
      this.count();
      const after = l.text.slice(1);
      const pad = after.length - after.trimStart().length;
      const rest = after.trimStart();
      if (rest === '' || rest.startsWith('#')) {
        this.i++;
        const next = this.lines[this.i];
        out.push(next && next.indent > indent ? this.block(next.indent) : null);
        continue;
      }
      if (rest.startsWith('- ') || rest === '-') beyond('a sequence inside a sequence item');
      const inner: Line = { indent: indent + 1 + pad, text: rest };
      if (!/^[\[{]/.test(rest) && isEntry(rest)) {
        // a compact mapping: "- key: value" and the lines under it
        this.lines[this.i] = inner;
        out.push(this.mapping(inner.indent));
        continue;
      }
      const s = scalar(rest, false);
      if (!onlyComment(s.rest)) beyond('text after a scalar');
      this.i++;
      if (this.i < this.lines.length && this.lines[this.i]!.indent > indent) beyond('a multi-line scalar');
      out.push(s.value);
    }
    return tag(out, 'tuple');
  }

  private mapping(indent: number): Value {
    const out: ObjectValue = makeObject();
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent !== indent || this.isItem(l)) break;
      this.count();
      const quotedKey = /^("|')/.test(l.text);
      const k = quotedKey ? scalar(l.text, false) : scalar(l.text, true);
      let rest = k.rest;
      if (!rest.startsWith(':')) beyond('a key without ":"');
      rest = rest.slice(1);
      // libyaml: a simple key ends within 1024 characters of its start
      if (l.text.indexOf(':') > 1000 || (typeof k.value === 'string' && k.value.length > 1000)) beyond('a key near libyaml\'s 1024-character limit');
      const key = resolveKey(k.value, quotedKey);
      this.i++;
      let value: Value;
      if (onlyComment(rest)) {
        const next = this.lines[this.i];
        if (next && next.indent > indent) value = this.block(next.indent);
        else if (next && next.indent === indent && this.isItem(next)) value = this.sequence(indent);
        else value = null;
      } else {
        if (!/^\s/.test(rest)) beyond('a value right after ":"');
        const s = scalar(rest.trimStart(), false);
        if (!onlyComment(s.rest)) beyond('text after a scalar');
        if (this.i < this.lines.length && this.lines[this.i]!.indent > indent) beyond('a multi-line scalar');
        value = s.value;
      }
      out[key] = value;
    }
    return tag(out, 'object');
  }
}

/** A mapping key as go-cty-yaml keeps it: resolved, then converted to a string (null and merge keys are not keys). */
function resolveKey(v: Value, quoted: boolean): string {
  if (v === '<<') beyond('a merge key'); // quoted too: go-cty-yaml merges on the text alone
  if (quoted) return v as string;
  const r = resolvePlain(v as string);
  if (r === null) beyond('a null key');
  if (typeof r === 'boolean') return r ? 'true' : 'false';
  if (typeof r === 'string') return r;
  if (isNum(r)) return formatNumber(r); // convert.Convert(number, string)
  beyond('a key of another kind');
  return '';
}

export function yamldecode(text: string): Value {
  const lines: Line[] = [];
  let sawStart = false;
  try {
    for (const raw of text.replace(/\r\n/g, '\n').split('\n')) {
      if (raw.includes('\r')) beyond('a carriage return');
      if (raw.includes('\t')) beyond('a tab');
      const m = /^( *)(.*)$/.exec(raw)!;
      const body = m[2]!;
      if (body.trim() === '' || body.startsWith('#')) continue;
      if (/^\t/.test(body) && body.trim() !== '') beyond('a tab in indentation');
      // a first "---" starts the one document; any other marker or directive is beyond tfw's YAML
      if (m[1]!.length === 0 && body === '---' && lines.length === 0 && !sawStart) { sawStart = true; continue; }
      if (m[1]!.length === 0 && /^(---|\.\.\.|%)/.test(body)) beyond('a document marker or directive');
      lines.push({ indent: m[1]!.length, text: body.replace(/\s+$/, '') });
    }
    if (text.startsWith('\ufeff')) beyond('a byte order mark');
    return nfc(new Parser(lines).document());
  } catch (e) {
    // beyond the hand-written subset: the YAML library, loaded now (yamllib.ts)
    if (e instanceof Beyond) return yamldecodeWithLibrary(text);
    throw e;
  }
}
