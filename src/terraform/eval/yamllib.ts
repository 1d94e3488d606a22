// yamldecode beyond the hand-written subset (yaml.ts): the `yaml` package
// parses, go-cty-yaml's own rules (v1.1.0, terraform 1.11) make the value.
//
// The `yaml` package (YAML 1.2) gives each scalar's style, explicit tag and
// text after escapes, folding and chomping; what go-cty-yaml does with them is
// reproduced here: resolveScalar (YAML 1.1 booleans, `~`, numbers, 0x/0o
// integers, timestamps as RFC 3339 strings, explicit tags and their odd
// overrides such as `!!bool 1` being 1), block scalars converted to strings
// (their implied type is string: `|-\n 1.50` is "1.5"), keys converted to
// strings, `<<` merge keys (a mapping, later keys win), anchors and aliases,
// a single document (several are an error; none too, `---` alone is null).
//
// Where libyaml (go-yaml v2) reads YAML differently from YAML 1.2, the value
// is unknown rather than the library's: tabs, carriage returns, NEL/LS/PS
// (line breaks in YAML 1.1), a byte order mark, directives, escapes libyaml
// lacks (`\/`), anchors with characters other than letters, digits, `_` and
// `-`, plain scalars in flow collections holding `:` `?` or `#` (libyaml ends
// or continues them elsewhere: `[a:]` is ["a:"]), `[a: 1]` pairs, tags other
// than the `!!` ones, keys near libyaml's 1024-character limit, infinities.
// Anything the library reports (an error, a warning) is unknown too.
//
// The package is ~840 kB of modules: it is required from node_modules on the
// first document the subset cannot read, never bundled (docs/evaluator.md).
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';
import { BigNum, fromBigInt, isNum, parseNumberText } from './numbers.ts';
import { tag } from './types.ts';
import { EvalError, MAX_ITEMS, Unknown, formatNumber, makeObject, type ObjectValue, type Value } from './value.ts';

type Yaml = typeof YamlModule;
let yamlModule: Yaml | undefined;
const load = (): Yaml => (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);

class Beyond extends Error {}
const beyond = (why: string): never => { throw new Beyond(why); };
const fail = (why: string): never => { throw new EvalError(`yamldecode(): ${why}`); };

const TAG = 'tag:yaml.org,2002:';
const STR = `${TAG}str`, BINARY = `${TAG}binary`, BOOL = `${TAG}bool`, INT = `${TAG}int`, FLOAT = `${TAG}float`;
const NULL = `${TAG}null`, TIMESTAMP = `${TAG}timestamp`, MAP = `${TAG}map`, SEQ = `${TAG}seq`;
const RESOLVABLE = new Set(['', STR, BOOL, INT, FLOAT, NULL, TIMESTAMP, BINARY]);

type Style = 'PLAIN' | 'QUOTE_SINGLE' | 'QUOTE_DOUBLE' | 'BLOCK_LITERAL' | 'BLOCK_FOLDED';

/** go-cty-yaml's resolveMap. */
const MAP_VALUES = new Map<string, { v: Value | 'inf'; tag: string }>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) MAP_VALUES.set(s, { v: true, tag: BOOL });
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) MAP_VALUES.set(s, { v: false, tag: BOOL });
for (const s of ['', '~', 'null', 'Null', 'NULL']) MAP_VALUES.set(s, { v: null, tag: NULL });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']) MAP_VALUES.set(s, { v: 'inf', tag: FLOAT });

/** go-cty-yaml's resolveTable: the hint of a scalar's first byte. */
function hintOf(src: string): string {
  if (src === '') return 'N';
  const c = src[0]!;
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

const INTEGER = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/** The merge key (`<<`) in a mapping; anywhere else it is the string "<<". */
const MERGE = Symbol('merge');

/** go-cty-yaml's resolveScalar (v1.1.0). */
function resolveScalar(tagName: string, src: string, style: Style): Value | typeof MERGE {
  if (!RESOLVABLE.has(tagName)) fail(`unsupported tag "${tagName}"`);
  let t = tagName;
  const hint = hintOf(src);
  if (hint !== '' && t !== STR && t !== BINARY) {
    if (style === 'QUOTE_SINGLE' || style === 'QUOTE_DOUBLE') return src;
    const item = MAP_VALUES.get(src);
    if (item) return item.v === 'inf' ? parseNumberText(src.startsWith('-') ? '-Inf' : '+Inf')! : item.v;
    if (t === '' && (src === '.nan' || src === '.NaN' || src === '.NAN')) fail('floating point NaN is not supported');
    if (hint === '.') {
      const n = parseNumberText(src);
      if (n !== undefined) return number(n);
    } else if (hint === 'D' || hint === 'S') {
      if (t === '' || t === TIMESTAMP) {
        const ts = timestamp(src);
        if (ts !== undefined) return ts;
      }
      if (INTEGER.test(src)) t = INT;
      else if (FLOAT_RE.test(src)) t = FLOAT;
    }
  }
  if (t === '' && src === '<<') return MERGE;
  switch (t) {
    case STR: return src;
    case BINARY: {
      const b64 = src.replace(/[\r\n]/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(b64)) fail(`cannot parse "${src}" as ${t}: not valid base64`);
      return src;
    }
    case BOOL: {
      const item = MAP_VALUES.get(src);
      if (!item || item.tag !== BOOL) fail(`cannot parse "${src}" as ${t}`);
      return item!.v as boolean;
    }
    case INT: case FLOAT: {
      const plain = src.replaceAll('_', '');
      const n = parseNumberText(plain); // cty.ParseNumberVal: big.ParseFloat(s, 10, 512)
      if (n !== undefined) return number(n);
      // strconv.ParseInt / ParseUint (s, 0, 64): 0x and 0o integers (the only ones resolved without a tag)
      if (/^0x[0-9a-fA-F]+$|^0o[0-7]+$/.test(plain)) {
        const v = BigInt(plain);
        if (v >= 1n << 64n) fail(`cannot parse "${src}" as ${t}`);
        return fromBigInt(v, 64); // cty.NumberIntVal / NumberUIntVal
      }
      // other forms Go's base prefixes read (an explicit !!int 0b101, -0x1F…): not followed
      return beyond(`a number tfw does not read under ${t}`);
    }
    case TIMESTAMP: {
      const ts = timestamp(src);
      return ts ?? fail(`cannot parse "${src}" as ${t}`);
    }
    case NULL: return null;
    case '': return src;
  }
  return fail(`unsupported tag "${t}"`);
}

function number(n: ReturnType<typeof parseNumberText> & {}): Value {
  return n; // an infinity is unknown as a value (Decoder.node), a string as a key or block scalar
}

const isInf = (v: unknown): v is BigNum => v instanceof BigNum && v.inf;
/** convert.Convert(number, cty.String): big.Float's Text('f', -1). */
const numberText = (v: BigNum | number): string => (isInf(v) ? (v.neg ? '-Inf' : '+Inf') : formatNumber(v));

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * go-cty-yaml's parseTimestamp: Go's time.Parse with "2006-1-2T15:4:5.999999999Z07:00"
 * (also with "t"), "2006-1-2 15:4:5.999999999", "2006-1-2"; printed as RFC 3339.
 * A scalar that starts like a date but is none of the forms tfw follows is unknown.
 */
function timestamp(s: string): string | undefined {
  if (!/^[0-9]{4}-/.test(s)) return undefined;
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:[.,][0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/.exec(s);
  if (!m) {
    // Clearly none of the layouts: the scalar stays a string (then a number or a string by the rest of resolveScalar).
    if (/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[^0-9Tt ]/.test(s) || /^[0-9]{4}-[^0-9]/.test(s) || /^[0-9]{4}-[0-9]{1,2}$/.test(s) || /^[0-9]{4}-[0-9]{3}/.test(s)) return undefined;
    return beyond('a scalar that starts like a timestamp');
  }
  const [, ys, mos, ds, sep, hs, mis, ss, zone] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds);
  const time = sep !== undefined;
  if (time && (sep === ' ') !== (zone === undefined)) return undefined; // "T" needs a zone, " " has none
  if (mo < 1 || mo > 12) return undefined;
  if (d < 1 || d > (mo === 2 && leap(y) ? 29 : DAYS[mo - 1]!)) return undefined;
  const h = time ? Number(hs) : 0, mi = time ? Number(mis) : 0, sec = time ? Number(ss) : 0;
  if (h >= 24 || mi >= 60 || sec >= 60) return undefined;
  let z = 'Z';
  if (zone && zone !== 'Z') {
    const zh = Number(zone.slice(1, 3)), zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) beyond('a time zone offset out of the usual range');
    if (zh !== 0 || zm !== 0) z = zone;
  }
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${ys}-${p2(mo)}-${p2(d)}T${p2(h)}:${p2(mi)}:${p2(sec)}${z}`;
}

/** A value as a string, as convert.Convert(v, cty.String) makes it (the implied type of a block scalar). */
function asString(v: Value): Value {
  if (v === null || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (isNum(v)) return numberText(v);
  return beyond('a block scalar of another type');
}

/** libyaml's reader: the characters it accepts, less those YAML 1.1 and 1.2 read differently. */
function screen(text: string): void {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x09) beyond('a tab');
    if (c === 0x0d) beyond('a carriage return');
    if (c === 0x85 || c === 0x2028 || c === 0x2029) beyond('a NEL, LS or PS (line breaks in YAML 1.1)');
    if (c === 0xfeff) beyond('a byte order mark after the start');
    if (!(c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000)) beyond('a control character');
  }
  if (/^%/m.test(text)) beyond('a directive');
}

/** Double-quoted escapes libyaml reads (no `\/`), with code points it accepts. */
function screenEscapes(raw: string): void {
  const re = /\\(.|\n)/g;
  for (let m = re.exec(raw); m; m = re.exec(raw)) {
    const e = m[1]!;
    if ('0abtnvfre "\'\\N_LP\n'.includes(e)) continue;
    const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
    if (!len) beyond('an escape libyaml does not read');
    const hex = raw.slice(m.index + 2, m.index + 2 + len);
    if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) beyond('an escape libyaml does not read');
    const v = parseInt(hex, 16);
    if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) beyond('an escape of an invalid code point');
    re.lastIndex = m.index + 2 + len;
  }
}

const ANCHOR = /^[A-Za-z0-9_-]+$/;

class Decoder {
  private items = 0;
  private readonly anchors = new Map<string, Value>();
  private readonly pending = new Set<string>();

  constructor(private readonly Y: Yaml, private readonly text: string) {}

  private count(): void {
    if (++this.items > MAX_ITEMS) beyond('too many items');
  }

  private anchored(anchor: string | undefined, f: () => Value): Value {
    if (anchor === undefined) return f();
    if (!ANCHOR.test(anchor)) beyond('an anchor name libyaml does not read');
    this.pending.add(anchor);
    const v = f();
    this.pending.delete(anchor);
    this.anchors.set(anchor, v);
    return v;
  }

  node(n: unknown, flow: boolean): Value {
    const Y = this.Y;
    this.count();
    if (n === null || n === undefined) return null; // an empty node: an empty plain scalar
    if (Y.isAlias(n)) {
      if (!ANCHOR.test(n.source)) beyond('an alias name libyaml does not read');
      if (this.pending.has(n.source)) fail(`cannot refer to anchor "${n.source}" from inside its own definition`);
      if (!this.anchors.has(n.source)) fail(`reference to undefined anchor "${n.source}"`);
      return this.anchors.get(n.source)!;
    }
    if (Y.isScalar(n)) {
      return this.anchored(n.anchor, () => {
        const v = this.scalar(n, flow);
        if (isInf(v)) beyond('an infinity');
        return v === MERGE ? '<<' : v;
      });
    }
    if (Y.isSeq(n)) {
      if (n.tag !== undefined && n.tag !== SEQ) return n.tag.startsWith(TAG) ? fail(`can't interpret sequence as ${n.tag}`) : beyond('a tag libyaml may read differently');
      return this.anchored(n.anchor, () => {
        const out: Value[] = [];
        for (const item of n.items) {
          if (Y.isPair(item)) beyond('a single pair in a flow sequence');
          // `[a: 1]`: a one-pair mapping, in libyaml too; only with a one-line plain or quoted key
          if (Y.isMap(item) && n.flow && this.text[item.range?.[0] ?? -1] !== '{') {
            const key = item.items[0]?.key;
            if (item.items.length !== 1 || !Y.isScalar(key) || !key.range || this.text.slice(key.range[0], key.range[1]).includes('\n')) beyond('a single pair in a flow sequence');
          }
          out.push(this.node(item, flow || !!n.flow));
        }
        return tag(out, 'tuple');
      });
    }
    if (Y.isMap(n)) {
      if (n.tag !== undefined && n.tag !== MAP) return n.tag.startsWith(TAG) ? fail(`can't interpret mapping as ${n.tag}`) : beyond('a tag libyaml may read differently');
      return this.anchored(n.anchor, () => this.mapping(n.items, flow || !!n.flow));
    }
    return beyond('a node tfw does not read');
  }

  private mapping(pairs: { key: unknown; value: unknown }[], flow: boolean): Value {
    const Y = this.Y;
    const out: ObjectValue = makeObject();
    for (const p of pairs) {
      this.count();
      const k = p.key;
      if (k === null || k === undefined) fail('mapping key cannot be null');
      if (!Y.isScalar(k)) fail('only strings are allowed as mapping keys');
      const ks = k as YamlModule.Scalar;
      const range = ks.range;
      if (range && range[1] - range[0] > 1000) beyond('a key near libyaml\'s 1024-character limit');
      if (flow && range && this.text.slice(range[0], range[1]).includes('\n')) beyond('a key across lines in a flow mapping');
      if (ks.anchor !== undefined) beyond('an anchor on a key');
      const key = this.scalar(ks, flow);
      if (key === MERGE) {
        const merged = this.node(p.value, flow);
        if (merged === null || typeof merged !== 'object' || Array.isArray(merged) || isNum(merged) || merged instanceof Unknown) fail('cannot merge a value that is not a mapping into a mapping');
        const m = merged as ObjectValue;
        for (const name of Object.keys(m)) out[name] = m[name]!;
        continue;
      }
      let name: string;
      if (key === null) return fail('mapping key cannot be null');
      if (typeof key === 'string') name = key;
      else if (typeof key === 'boolean') name = key ? 'true' : 'false';
      else if (isNum(key)) name = numberText(key);
      else return fail('only strings are allowed as mapping keys');
      out[name] = this.node(p.value, flow);
    }
    return tag(out, 'object');
  }

  private scalar(n: YamlModule.Scalar, flow: boolean): Value | typeof MERGE {
    const style = (n.type ?? 'PLAIN') as Style;
    let src = typeof n.source === 'string' ? n.source : n.value === null ? '' : beyond('a scalar without its text');
    const raw = n.range ? this.text.slice(n.range[0], n.range[1]) : '';
    if ((style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') && !this.text.endsWith('\n') && n.range && this.text.slice(n.range[1]).trim() === '') {
      // libyaml keeps only the line breaks it read: the last line of the text has none
      if (this.text.slice(this.text.lastIndexOf('\n') + 1).trim() === '') beyond('a block scalar ending in blanks at the end of the text');
      if (src.endsWith('\n')) src = src.slice(0, -1);
    }
    if (style === 'QUOTE_DOUBLE') {
      if (!/^"(?:[^"\\]|\\[\s\S])*"$/.test(raw)) beyond('a double-quoted scalar the library reads loosely');
      screenEscapes(raw);
    }
    if (style === 'QUOTE_SINGLE' && !/^'(?:[^']|'')*'$/.test(raw)) beyond('a single-quoted scalar the library reads loosely');
    // libyaml indents a block scalar's content by at least one space, also at the root
    if ((style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED') && /\n[^ \n]/.test(raw)) beyond('a block scalar with unindented content');
    if (flow && style === 'PLAIN') {
      // libyaml ends a plain scalar in a flow collection at "?", and reads ":" before a flow indicator as part of it
      if (src.includes('?')) beyond('a plain scalar in a flow collection holding "?"');
      if (src.startsWith(':')) beyond('a plain scalar in a flow collection starting with ":"');
      const end = n.range ? n.range[1] : -1;
      if (end >= 0 && this.text[end] === ':' && !/^[ \n]?$/.test(this.text[end + 1] ?? '')) beyond('a plain scalar in a flow collection followed by ":"');
    }
    const t = n.tag ?? '';
    if (t !== '' && !t.startsWith(TAG)) beyond('a tag libyaml may read differently');
    const v = resolveScalar(t, src as string, style);
    // Untagged block scalars have the implied type string: their value is converted.
    if (t === '' && v !== MERGE && (style === 'BLOCK_LITERAL' || style === 'BLOCK_FOLDED')) return asString(v);
    return v;
  }
}

/** yamldecode with the `yaml` package; an EvalError where terraform fails, Unknown where tfw is unsure. */
export function yamldecodeWithLibrary(text: string): Value {
  try {
    // libyaml skips a byte order mark at the start of the stream
    if (text.startsWith('\ufeff')) text = text.slice(1);
    screen(text);
    const Y = load();
    const docs = Y.parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false, merge: false, strict: true, prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [docs];
    for (const d of list) {
      if (d.errors.length > 0) beyond(`the YAML library reports: ${d.errors[0]!.message.split('\n')[0]}`);
      // the failsafe schema resolves no tag: tfw resolves them (go-cty-yaml's rules)
      const other = d.warnings.find((w) => w.code !== 'TAG_RESOLVE_FAILED');
      if (other) beyond(`the YAML library warns: ${other.message.split('\n')[0]}`);
    }
    if (list.length === 0) fail('expecting value but found end of stream');
    if (list.length > 1) fail('only a single document is allowed');
    const doc = list[0]!;
    // "..." or comments alone: no document for libyaml (an error), an empty one for the library
    if (!doc.directives?.docStart && Y.isScalar(doc.contents) && doc.contents.source === '' && doc.contents.type === 'PLAIN') beyond('a document without content');
    return nfc(new Decoder(Y, text).node(doc.contents, false));
  } catch (e) {
    if (e instanceof Beyond) return new Unknown(`yamldecode(): ${e.message}, where tfw does not follow libyaml`);
    throw e;
  }
}

/** cty keeps every string (and attribute name) in Unicode normal form C. */
export function nfc(v: Value): Value {
  if (typeof v === 'string') return v.normalize('NFC');
  if (Array.isArray(v)) return tag(v.map(nfc), 'tuple');
  if (v !== null && typeof v === 'object' && !(v instanceof Unknown) && !isNum(v)) {
    const o = v as ObjectValue;
    return tag(makeObject(Object.keys(o).map((k) => [k.normalize('NFC'), nfc(o[k]!)])), 'object');
  }
  return v;
}
