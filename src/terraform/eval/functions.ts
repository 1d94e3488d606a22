// The built-in functions tfw evaluates (the ones seen in provider and backend
// settings). Any other function makes the value Unknown: terraform knows it,
// tfw does not pretend to. `try` and `can` live in the evaluator (they need
// the unevaluated arguments).
import {
  EvalError, MAX_ITEMS, Unknown, checkItems, checkString, equal, findUnknown, hasKey, isCollection, isObject,
  makeObject, primitiveType, toBool, toNum, toNumber, toStr, typeName, type ObjectValue, type Value,
} from './value.ts';
import { CIDR_FUNCTIONS } from './cidr.ts';
import { typeEquals, typeOfValue, unifyTypes } from './unify.ts';
import { convert, kindOf, primitiveToString, setOf, tag, unifyElements, type Type } from './types.ts';
import {
  BigNum, abs, add, ceilFloor, cmp, floatVal, fromBigInt, intVal, isInteger, isNum, numEqual, numKey, parseNumber,
  toBigInt, toDouble, type Num,
} from './numbers.ts';
import { format, graphemes, insertBetween, simpleCase, title, toJsonText, trimSpace } from './strings.ts';
import { regex, regexall, regexReplace } from './regex.ts';
import { formatdate, timeadd, timecmp } from './datetime.ts';
import { yamldecode } from './yaml.ts';
import { yamlencode } from './yamlencode.ts';
import { createRequire } from 'node:module';

const ANY: Type = { t: 'any' };

/** `nullTypes[i]`: the type of argument i where it is a null whose type tfw knows (`any`: a literal null, cty's DynamicPseudoType). */
type Fn = (args: Value[], nullTypes: (Type | undefined)[]) => Value;

const str = (v: Value | undefined, what: string): string => toStr(v ?? null, what);
const list = (v: Value | undefined, what: string): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalError(`${what} must be a list, not ${v === undefined ? 'missing' : typeName(v)}`);
};
const map = (v: Value | undefined, what: string): ObjectValue => {
  if (v !== undefined && isObject(v)) return v;
  throw new EvalError(`${what} must be a map, not ${v === undefined ? 'missing' : typeName(v)}`);
};
function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new EvalError(`wrong number of arguments to ${name}()`);
}

/** First occurrences, in order. Keyed, so 100k elements take milliseconds, not the minutes pairwise equal() took. */
function distinct(items: Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of items) {
    const k = canonical(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/** A string equal for values that equal() calls equal (object keys in any order). */
function canonical(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (isNum(v)) return `n${numKey(v)}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
  return 'unknown';
}

let crypto: typeof import('node:crypto') | undefined;
function hash(alg: string, s: string, enc: 'hex' | 'base64'): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash(alg).update(s, 'utf8').digest(enc);
}

const bool = (v: Value | undefined, what: string): boolean => toBool(v ?? null, what);

function num(v: Value | undefined, what: string): Num {
  return toNumber(v ?? null, what);
}

const FUNCTIONS: Record<string, Fn> = {
  regex: (a) => { arity('regex', a, 2); return regex(str(a[0], 'pattern'), str(a[1], 'string')); },
  regexall: (a) => { arity('regexall', a, 2); return regexall(str(a[0], 'pattern'), str(a[1], 'string')); },
  strcontains: (a) => { arity('strcontains', a, 2); return str(a[0], 'string').includes(str(a[1], 'substring')); },
  strrev: (a) => { arity('strrev', a, 1); return graphemes(str(a[0], 'strrev() argument')).reverse().join(''); },
  trim: (a) => {
    arity('trim', a, 2);
    const cs = [...str(a[0], 'string')];
    const cut = new Set(str(a[1], 'characters'));
    let i = 0;
    let j = cs.length;
    while (i < j && cut.has(cs[i]!)) i++;
    while (j > i && cut.has(cs[j - 1]!)) j--;
    return cs.slice(i, j).join('');
  },
  alltrue: (a) => { arity('alltrue', a, 1); return list(a[0], 'alltrue() argument').every((v, i) => bool(v, `alltrue() element ${i}`)); },
  anytrue: (a) => { arity('anytrue', a, 1); return list(a[0], 'anytrue() argument').map((v, i) => bool(v, `anytrue() element ${i}`)).some((x) => x); },
  abs: (a) => { arity('abs', a, 1); return abs(num(a[0], 'abs() argument')); },
  // cty's: an integer at the argument's precision (ceil(-0.5) is 0, not -0).
  ceil: (a) => { arity('ceil', a, 1); return ceilFloor(num(a[0], 'ceil() argument'), true); },
  floor: (a) => { arity('floor', a, 1); return ceilFloor(num(a[0], 'floor() argument'), false); },
  signum: (a) => {
    arity('signum', a, 1);
    const n = num(a[0], 'signum() argument');
    // gocty's conversion to a Go int: whole numbers in int64 only.
    if (!isInteger(n)) throw new EvalError('signum(): value must be a whole number, between -9223372036854775808 and 9223372036854775807');
    const i = toBigInt(n);
    if (i >= 1n << 63n || i < -(1n << 63n)) throw new EvalError('signum(): value must be a whole number, between -9223372036854775808 and 9223372036854775807');
    return intVal(i > 0n ? 1 : i < 0n ? -1 : 0);
  },
  // The first argument that no other is strictly below (above): its own value, precision and all.
  max: (a) => {
    if (a.length === 0) throw new EvalError('max() needs at least one number');
    let best: Num = new BigNum(true, 0n, 0, 0, true);
    for (const v of a) { const n = num(v, 'max() argument'); if (cmp(n, best) > 0) best = n; }
    return best;
  },
  min: (a) => {
    if (a.length === 0) throw new EvalError('min() needs at least one number');
    let best: Num = new BigNum(false, 0n, 0, 0, true);
    for (const v of a) { const n = num(v, 'min() argument'); if (cmp(n, best) < 0) best = n; }
    return best;
  },
  md5: (a) => { arity('md5', a, 1); return hash('md5', str(a[0], 'md5() argument'), 'hex'); },
  sha1: (a) => { arity('sha1', a, 1); return hash('sha1', str(a[0], 'sha1() argument'), 'hex'); },
  sha256: (a) => { arity('sha256', a, 1); return hash('sha256', str(a[0], 'sha256() argument'), 'hex'); },
  sha512: (a) => { arity('sha512', a, 1); return hash('sha512', str(a[0], 'sha512() argument'), 'hex'); },
  base64sha256: (a) => { arity('base64sha256', a, 1); return hash('sha256', str(a[0], 'base64sha256() argument'), 'base64'); },
  base64sha512: (a) => { arity('base64sha512', a, 1); return hash('sha512', str(a[0], 'base64sha512() argument'), 'base64'); },
  base64encode: (a) => { arity('base64encode', a, 1); return checkString(Buffer.from(str(a[0], 'base64encode() argument'), 'utf8').toString('base64')); },
  base64decode: (a) => {
    arity('base64decode', a, 1);
    // Go's base64.StdEncoding skips \r and \n
    const s = str(a[0], 'base64decode() argument').replace(/[\r\n]/g, '');
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new EvalError('base64decode() of a string that is not base64');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(s, 'base64'));
    } catch {
      throw new EvalError('base64decode() of bytes that are not UTF-8');
    }
  },
  // Go's url.QueryEscape.
  urlencode: (a) => {
    arity('urlencode', a, 1);
    return Array.from(Buffer.from(str(a[0], 'urlencode() argument'), 'utf8'), (b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }).join('');
  },
  jsonencode: (a) => { arity('jsonencode', a, 1); return toJsonText(a[0]!); },
  lower: (a) => { arity('lower', a, 1); return simpleCase(str(a[0], 'lower() argument'), false); },
  upper: (a) => { arity('upper', a, 1); return simpleCase(str(a[0], 'upper() argument'), true); },
  trimspace: (a) => { arity('trimspace', a, 1); return trimSpace(str(a[0], 'trimspace() argument')); },
  trimprefix: (a) => {
    arity('trimprefix', a, 2);
    const s = str(a[0], 'string'); const p = str(a[1], 'prefix');
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (a) => {
    arity('trimsuffix', a, 2);
    const s = str(a[0], 'string'); const p = str(a[1], 'suffix');
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  startswith: (a) => { arity('startswith', a, 2); return str(a[0], 'string').startsWith(str(a[1], 'prefix')); },
  endswith: (a) => { arity('endswith', a, 2); return str(a[0], 'string').endsWith(str(a[1], 'suffix')); },
  tostring: (a) => { arity('tostring', a, 1); return a[0] === null ? null : str(a[0], 'tostring() argument'); },
  tonumber: (a) => {
    arity('tonumber', a, 1);
    const v = a[0]!;
    if (v === null || isNum(v)) return v;
    if (typeof v === 'string') return parseNumber(v, 'tonumber() argument');
    throw new EvalError(`tonumber() of a ${typeName(v)}`);
  },
  tobool: (a) => { arity('tobool', a, 1); return a[0] === null ? null : toBool(a[0]!, 'tobool() argument'); },
  // cty's conversion to list(any) / set(any) / map(any): elements unified to one type, sets ordered.
  tolist: (a) => { arity('tolist', a, 1); return convert(a[0]!, { t: 'list', elem: ANY }, 'tolist() argument'); },
  toset: (a) => { arity('toset', a, 1); return convert(a[0]!, { t: 'set', elem: ANY }, 'toset() argument'); },
  tomap: (a) => { arity('tomap', a, 1); return convert(a[0]!, { t: 'map', elem: ANY }, 'tomap() argument'); },
  length: (a) => {
    arity('length', a, 1);
    const v = a[0]!;
    // cty.NumberIntVal: precision 64
    if (typeof v === 'string') return intVal(graphemes(v).length);
    if (Array.isArray(v)) return intVal(v.length);
    if (isObject(v)) return intVal(Object.keys(v).length);
    throw new EvalError(`length() of a ${typeName(v)}`);
  },
  // cty: an object's keys and values are tuples, a map's lists
  keys: (a) => { arity('keys', a, 1); return mapResult(a[0], Object.keys(map(a[0], 'keys() argument')).sort()); },
  values: (a) => {
    arity('values', a, 1);
    const m = map(a[0], 'values() argument');
    return mapResult(a[0], Object.keys(m).sort().map((k) => m[k]!));
  },
  contains: (a) => { arity('contains', a, 2); return list(a[0], 'contains() list').some((v) => equal(v, a[1]!)); },
  split: (a) => {
    arity('split', a, 2);
    const sep = str(a[0], 'separator');
    const s = str(a[1], 'string');
    return tag(checkItems(sep === '' ? graphemes(s) : s.split(sep)), 'list');
  },
  join: (a) => {
    if (a.length < 2) throw new EvalError('join() needs a separator and at least one list');
    const sep = str(a[0], 'separator');
    const items = a.slice(1).flatMap((l, i) => list(l, `join() list ${i + 1}`)).map((v) => str(v, 'join() element'));
    return checkString(items.join(sep));
  },
  concat: (a) => concat(a), // a set is an error there too
  element: (a) => {
    arity('element', a, 2);
    const l = list(a[0], 'element() list');
    if (kindOf(l) === 'set') throw new EvalError('element(): cannot read elements from a set');
    if (l.length === 0) throw new EvalError('element() of an empty list');
    const i = toNum(a[1]!, 'element() index');
    if (!Number.isInteger(i) || i < 0) throw new EvalError('element() index must be a non-negative integer');
    return l[i % l.length]!;
  },
  lookup: (a) => {
    arity('lookup', a, 2, 3);
    const m = map(a[0], 'lookup() map');
    const k = str(a[1], 'lookup() key');
    const kind = kindOf(m);
    // cty: of a map, the default is converted to the element type (an error where it cannot be, found or not)
    if (a.length === 3 && kind !== 'object') {
      const t = kind === 'map' ? typeOfValue(m) : undefined;
      if (t && t.t === 'map') {
        const d = convert(a[2]!, t.elem, 'lookup() default');
        return hasKey(m, k) ? m[k]! : d;
      }
      // an untyped collection or an empty map: only a null default, or a string among strings, is the same either way
      const vals = Object.values(m);
      const harmless = a[2] === null || (typeof a[2] === 'string' && vals.length > 0 && vals.every((x) => typeof x === 'string'));
      if (!harmless) return new Unknown('lookup() with a default, in a map whose element type tfw cannot tell');
    }
    if (hasKey(m, k)) return m[k]!;
    if (a.length === 3) return a[2]!;
    throw new EvalError(`lookup() found no key "${k}" and has no default`);
  },
  merge: (a, nullTypes) => {
    const out = makeObject();
    // cty's MergeFunc: an argument of no type (a literal null) skips its type checks; an empty tuple or list then adds nothing.
    const literalNull = a.map((_, i) => nullTypes[i]?.t === 'any');
    const dynamic = literalNull.some((x) => x);
    for (const [i, m] of a.entries()) {
      if (m === null) continue;
      if (!isObject(m)) {
        if (dynamic && Array.isArray(m) && m.length === 0) continue;
        if (dynamic || a.some((x, j) => x === null && !literalNull[j])) return new Unknown('merge() of a non-map beside a null whose type decides the result');
      }
      const o = map(m, `merge() argument ${i + 1}`);
      for (const k of Object.keys(o)) out[k] = o[k]!;
    }
    return out;
  },
  coalesce: (a) => {
    // The arguments are unified to one type first (coalesce(1, "a") is "1").
    const u = unifyElements(a, 'coalesce() arguments');
    if (u instanceof Unknown) return u;
    for (const v of u) if (v !== null && v !== '') return v;
    throw new EvalError('no non-null, non-empty argument to coalesce()');
  },
  coalescelist: (a) => {
    // cty: every argument a list or a tuple (not a set, a map or a null), checked before any is chosen
    if (a.length === 0) throw new EvalError('coalescelist(): at least one argument is required');
    for (const [i, v] of a.entries()) {
      if (!Array.isArray(v) || kindOf(v) === 'set') throw new EvalError(`coalescelist() argument ${i + 1}: coalescelist arguments must be lists or tuples`);
    }
    for (const v of a) if (Array.isArray(v) && v.length > 0) return v;
    throw new EvalError('no non-empty list argument to coalescelist()');
  },
  replace: (a) => {
    arity('replace', a, 3);
    const s = str(a[0], 'string');
    const search = str(a[1], 'substring');
    const repl = str(a[2], 'replacement');
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) return regexReplace(s, search.slice(1, -1), repl);
    return checkString(search === '' ? insertBetween(s, repl) : s.split(search).join(repl));
  },
  format: (a) => {
    if (a.length < 1) throw new EvalError('format() needs a format string');
    // terraform's format() of a null argument is unknown (console: known after apply), whatever the verbs.
    if (a.slice(1).some((x) => x === null)) return new Unknown('format() with a null argument');
    const r = format(str(a[0], 'format string'), a.slice(1));
    return typeof r === 'string' ? checkString(r) : r;
  },
  // Sensitivity is terraform's display concern; the value is the same (role ARNs from SSM parameters).
  sensitive: (a) => { arity('sensitive', a, 1); return a[0]!; },
  nonsensitive: (a) => { arity('nonsensitive', a, 1); return a[0]!; },
  // Seen in role ARNs and profile names of organisation layouts:
  // `title(terraform.workspace)`, `substr(var.env, 0, 3)`, `one(var.roles)`.
  title: (a) => {
    arity('title', a, 1);
    return title(str(a[0], 'title() argument'));
  },
  substr: (a) => {
    arity('substr', a, 3);
    const chars = graphemes(str(a[0], 'substr() string'));
    let offset = toNum(a[1] ?? null, 'substr() offset');
    const length = toNum(a[2] ?? null, 'substr() length');
    if (!Number.isInteger(offset) || !Number.isInteger(length)) throw new EvalError('substr() offset and length must be whole numbers');
    // cty's SubstrFunc step by step: a negative offset counts from the end (and before the start is the start);
    // a negative length is the rest; a length of 0 is "" only for an offset that was not negative.
    const fromEnd = offset < 0;
    if (fromEnd) offset += chars.length;
    else if (length === 0) return '';
    if (offset >= chars.length && offset > 0) return '';
    const rest = chars.slice(Math.max(offset, 0));
    return (length <= 0 ? rest : rest.slice(0, length)).join('');
  },
  // Terraform's chomp drops every trailing \n, \r\n and \r.
  chomp: (a) => { arity('chomp', a, 1); return trimEnd(str(a[0], 'chomp() argument'), '\r\n'); },
  // `~` alone or `~/…` needs the HOME of the run; anything else is unchanged (Go's homedir.Expand).
  basename: (a) => { arity('basename', a, 1); return goBase(str(a[0], 'basename() argument')); },
  dirname: (a) => { arity('dirname', a, 1); return goDir(str(a[0], 'dirname() argument')); },
  flatten: (a) => {
    arity('flatten', a, 1);
    const out: Value[] = [];
    const walk = (v: Value[]) => { for (const x of v) if (Array.isArray(x)) walk(x); else out.push(x); };
    walk(list(a[0], 'flatten() argument'));
    return checkItems(out);
  },
  distinct: (a) => {
    arity('distinct', a, 1);
    const u = unifyElements(list(a[0], 'distinct() argument'), 'distinct() argument');
    return u instanceof Unknown ? u : tag(distinct(u), 'list');
  },
  // compact() takes a list(string): numbers and bools become strings.
  compact: (a) => {
    arity('compact', a, 1);
    const l = convert(list(a[0], 'compact() argument'), { t: 'list', elem: { t: 'string' } }, 'compact() argument');
    return Array.isArray(l) ? tag(l.filter((v) => v !== null && v !== ''), 'list') : l;
  },
  one: (a) => {
    arity('one', a, 1);
    const l = list(a[0], 'one() argument');
    if (l.length > 1) throw new EvalError('one() needs a list of at most one element');
    return l[0] ?? null;
  },
  zipmap: (a) => {
    arity('zipmap', a, 2);
    const ks = list(a[0], 'zipmap() keys');
    const vs = list(a[1], 'zipmap() values');
    if (kindOf(vs) === 'set') throw new EvalError('zipmap(): values argument must be a list or tuple');
    if (ks.length !== vs.length) throw new EvalError('zipmap() needs as many keys as values');
    const out = makeObject(ks.map((k, i) => [str(k, 'zipmap() key'), vs[i]!]));
    // cty: a tuple of values makes an object, a list a map
    const kv = kindOf(vs);
    return kv === 'tuple' ? tag(out, 'object') : kv === 'list' ? tag(out, 'map') : out;
  },
};

/** keys()/values() of an object are a tuple, of a map a list; of a collection tfw does not type, untyped. */
function mapResult(of: Value | undefined, items: Value[]): Value {
  const k = of === undefined ? undefined : kindOf(of);
  return k === 'object' ? tag(items, 'tuple') : k === 'map' ? tag(items, 'list') : items;
}

/**
 * cty's ConcatFunc: lists only → one list of their unified element type (values
 * converted); otherwise lists and tuples → one tuple of the elements as they
 * are; anything else (a set, a map) an error.
 */
function concat(a: Value[]): Value {
  if (a.length === 0) throw new EvalError('concat(): at least one argument is required');
  for (const [i, l] of a.entries()) {
    if (!Array.isArray(l)) throw new EvalError(`concat() argument ${i + 1} must be a list or a tuple, not ${l === null ? 'null' : typeName(l)}`);
    const k = kindOf(l);
    if (k === 'set') throw new EvalError(`concat(): all arguments must be lists or tuples; argument ${i + 1} is a set`);
  }
  const ls = a as Value[][];
  if (ls.some((l) => kindOf(l) === undefined)) {
    // a list or a tuple, tfw cannot tell: beside a tuple the result is a tuple of the elements as they are; of strings only, the same strings either way
    if (ls.some((l) => kindOf(l) === 'tuple')) return tag(checkItems(ls.flat()), 'tuple');
    if (ls.every((l) => l.every((x) => typeof x === 'string'))) return checkItems(ls.flat());
    return new Unknown('concat() of a list or tuple tfw does not type');
  }
  if (ls.every((l) => kindOf(l) === 'list')) {
    const full = ls.filter((l) => l.length > 0);
    const types = full.map((l) => typeOfValue(l));
    if (types.some((t) => t === undefined)) return new Unknown('concat() of lists whose element types tfw cannot tell');
    if (full.length < ls.length && !types.every((t) => typeEquals(t!, types[0]!))) return new Unknown('concat() of an empty list (of no element type) beside lists of different types');
    if (types.length === 0) return tag([], 'list');
    const u = unifyTypes(types as Type[]);
    if (u === undefined) return new Unknown('concat(): lists whose unification tfw does not follow');
    if (u !== 'nil') {
      const out: Value[] = [];
      for (const [i, l] of full.entries()) {
        const c = convert(l, u, `concat() argument ${i + 1}`);
        if (c instanceof Unknown) return c;
        for (const x of c as Value[]) out.push(x);
      }
      return tag(checkItems(out), 'list');
    }
  }
  const out: Value[] = [];
  for (const l of ls) for (const x of l) out.push(x);
  return tag(checkItems(out), 'tuple');
}

/** Go's filepath.Base (Unix). */
function goBase(p: string): string {
  if (p === '') return '.';
  let end = p.length;
  while (end > 0 && p[end - 1] === '/') end--;
  if (end === 0) return '/';
  const q = p.slice(0, end);
  return q.slice(q.lastIndexOf('/') + 1);
}

/** Go's filepath.Dir (Unix): everything up to the last separator, then Clean. */
function goDir(p: string): string {
  const i = p.lastIndexOf('/');
  return goClean(p.slice(0, i + 1));
}

/** Go's filepath.Clean (Unix). */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
      continue;
    }
    out.push(part);
  }
  const s = (rooted ? '/' : '') + out.join('/');
  return s === '' ? '.' : s;
}

/**
 * `s` without the trailing run of `chars`. A loop: `/\/+$/` and `/(\r?\n)+$/`
 * retry from every position of a long run, quadratic (a 40k-newline chomp took 6 s).
 */
function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

export function callFunction(name: string, args: Value[], nullTypes: (Type | undefined)[] = []): Value {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return new Unknown(`function ${name}() is not evaluated by tfw`);
  const u = findUnknown(args);
  if (u) return u;
  const nullAt = args.findIndex((a, i) => a === null && !(NULL_OK.has(name) || (name === 'lookup' && i === 2)));
  if (nullAt >= 0) {
    if (TYPED_NULL.has(name)) {
      // A null converts to a null of the target type where cty has a conversion from its type, else it is an error.
      const from = nullTypes[nullAt];
      if (CONVERSIONS.has(name) && from) {
        if (nullConverts(from, name)) return null;
        throw new EvalError(`${name}() of a null of a type that does not convert`);
      }
      return new Unknown(`${name}() of a null: its result depends on the null's type`);
    }
    throw new EvalError(`argument ${nullAt + 1} of ${name}() must not be null`);
  }
  return fn(args, nullTypes);
}

/** Whether cty converts (a null of) type `from` to the type of a to*() function. */
function nullConverts(from: Type, fn: string): boolean {
  if (from.t === 'any') return true;
  switch (fn) {
    case 'tostring': return from.t === 'string' || from.t === 'number' || from.t === 'bool';
    case 'tonumber': return from.t === 'string' || from.t === 'number';
    case 'tobool': return from.t === 'string' || from.t === 'bool';
    case 'tolist': case 'toset': return from.t === 'list' || from.t === 'set' || from.t === 'tuple';
    default: return from.t === 'map' || from.t === 'object';
  }
}

const CONVERSIONS = new Set(['tostring', 'tonumber', 'tobool', 'tolist', 'toset', 'tomap']);

/** Functions whose parameters accept null (cty's AllowNull). */
const NULL_OK = new Set(['coalesce', 'merge', 'jsonencode', 'yamlencode', 'format', 'formatlist', 'sensitive', 'nonsensitive']);
const TYPED_NULL = new Set(['tostring', 'tonumber', 'tobool', 'tolist', 'toset', 'tomap', 'one']);

// ---- Collections, numbers, encodings and networks (issue 15) -------------

const primitiveOnly = (items: Value[], what: string): void => {
  if (items.some((x) => isCollection(x))) leave(`${what} of collections is not evaluated by tfw`);
};

function intArg(v: Value | undefined, what: string): number {
  const n = toNum(v ?? null, what);
  if (!Number.isInteger(n)) throw new EvalError(`${what} must be a whole number`);
  return n;
}

/** Values of the functions below that tfw leaves to terraform. */
class Leave extends Error {
  constructor(readonly unknown: Unknown) { super(unknown.reason); }
}
const leave = (reason: string): never => { throw new Leave(new Unknown(reason)); };

function seq(v: Value | undefined, what: string): Value[] {
  const l = list(v, what);
  if (kindOf(l) === 'set') leave(`${what}: a set, ordered by terraform`);
  return l;
}

function setArgs(a: Value[], name: string): Value[][] {
  if (a.length < 1) throw new EvalError(`${name}() needs at least one set`);
  const sets = a.map((x, i) => {
    const u = unifyElements(list(x, `${name}() argument ${i + 1}`), `${name}() argument ${i + 1}`);
    if (u instanceof Unknown) leave(u.reason);
    primitiveOnly(u as Value[], `${name}()`);
    return u as Value[];
  });
  // cty unifies the sets' element types: numbers and bools become strings beside strings.
  const types = new Set(sets.flat().map((v) => primitiveType(v)));
  if (types.size <= 1) return sets;
  if (types.has(undefined)) leave(`${name}() of sets with nulls`);
  if (!types.has('string')) throw new EvalError(`${name}(): the sets' element types are not compatible`);
  return sets.map((xs) => xs.map((v) => primitiveToString(v as string)));
}

function asSet(items: Value[]): Value {
  const s = setOf(items);
  if (s instanceof Unknown) leave(s.reason);
  return tag(s as Value[], 'set');
}

const UUID_NS: Record<string, string> = { dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8', oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8', x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8' };

const MORE: Record<string, Fn> = {
  index: (a) => {
    arity('index', a, 2);
    const l = seq(a[0], 'index() list');
    if (isCollection(a[1]!)) leave('index() of a collection value');
    const i = l.findIndex((v) => equal(v, a[1]!));
    if (i < 0) throw new EvalError('index() found no such element');
    return intVal(i);
  },
  slice: (a) => {
    arity('slice', a, 3);
    const l = seq(a[0], 'slice() list');
    const s = intArg(a[1], 'slice() start');
    const e = intArg(a[2], 'slice() end');
    if (s < 0 || e > l.length || s > e) throw new EvalError('slice() indices out of range');
    const out = l.slice(s, e);
    const k = kindOf(l);
    return k === 'list' || k === 'tuple' ? tag(out, k) : out;
  },
  sort: (a) => {
    arity('sort', a, 1);
    const l = convert(a[0]!, { t: 'list', elem: { t: 'string' } }, 'sort() argument');
    if (!Array.isArray(l)) return l;
    if (l.some((x) => x === null)) throw new EvalError('sort() of a list with a null element');
    return tag([...(l as string[])].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))), 'list');
  },
  reverse: (a) => {
    arity('reverse', a, 1);
    const l = list(a[0], 'reverse() argument');
    const k = kindOf(l);
    const out = [...l].reverse();
    // a set (in cty's order, which tfw keeps for sets of primitives) becomes a list
    return k === 'list' || k === 'tuple' ? tag(out, k) : k === 'set' ? tag(out, 'list') : out;
  },
  range: (a) => {
    if (a.length < 1 || a.length > 3) throw new EvalError('range() takes one to three numbers');
    // cty's RangeFunc, step by step: its zero (cty.Zero, precision 53), its ±1 steps (NumberIntVal), its comparisons.
    const ns = a.map((v) => num(v, 'range() argument'));
    const ZERO = new BigNum(false, 0n, 0, 53);
    let start: Num;
    let end: Num;
    let step: Num;
    if (ns.length === 1) [start, end, step] = [ZERO, ns[0]!, intVal(cmp(ns[0]!, ZERO) < 0 ? -1 : 1)];
    else if (ns.length === 2) [start, end, step] = [ns[0]!, ns[1]!, intVal(cmp(ns[1]!, ns[0]!) < 0 ? -1 : 1)];
    else [start, end, step] = [ns[0]!, ns[1]!, ns[2]!];
    const down = cmp(step, 0) < 0;
    if (down ? cmp(end, start) > 0 : cmp(end, start) < 0) throw new EvalError('range() step goes away from the limit');
    const out: Value[] = [];
    for (let x = start; ;) {
      if (down ? cmp(x, end) < 0 || numEqual(x, end) : cmp(x, end) > 0 || numEqual(x, end)) break;
      if (out.length >= 1024) throw new EvalError('range() would have more than 1024 elements');
      out.push(x);
      x = add(x, step);
    }
    return tag(out, 'list');
  },
  chunklist: (a) => {
    arity('chunklist', a, 2);
    const l = convert(seq(a[0], 'chunklist() list'), { t: 'list', elem: ANY }, 'chunklist() list');
    if (!Array.isArray(l)) return l;
    const n = intArg(a[1], 'chunklist() size');
    if (n < 0) throw new EvalError('chunklist() size must not be negative');
    if (l.length === 0) return tag([], 'list');
    if (n === 0) return tag([l], 'list');
    const out: Value[] = [];
    for (let i = 0; i < l.length; i += n) out.push(tag(l.slice(i, i + n), 'list'));
    return tag(out, 'list');
  },
  sum: (a) => {
    arity('sum', a, 1);
    const l = list(a[0], 'sum() argument');
    if (l.length === 0) throw new EvalError('sum() of an empty list');
    let total = num(l[0], 'sum() element');
    for (const v of l.slice(1)) total = add(total, num(v, 'sum() element'));
    return total;
  },
  setunion: (a) => asSet(setArgs(a, 'setunion').flat()),
  setintersection: (a) => {
    const sets = setArgs(a, 'setintersection');
    return asSet(sets[0]!.filter((x) => sets.every((s) => s.some((y) => equal(x, y)))));
  },
  setsubtract: (a) => {
    arity('setsubtract', a, 2);
    const [x, y] = setArgs(a, 'setsubtract');
    return asSet(x!.filter((v) => !y!.some((w) => equal(v, w))));
  },
  setproduct: (a) => {
    if (a.length < 2) throw new EvalError('setproduct() needs at least two collections');
    const ls = a.map((x, i) => seq(x, `setproduct() argument ${i + 1}`));
    let out: Value[][] = [[]];
    for (const l of ls) out = out.flatMap((p) => l.map((v) => [...p, v]));
    checkItems(out);
    return out.length === 0 || ls.some((l) => l.length === 0) ? tag([], 'list') : out;
  },
  matchkeys: (a) => {
    arity('matchkeys', a, 3);
    const vs = seq(a[0], 'matchkeys() values');
    const ks = seq(a[1], 'matchkeys() keys');
    const search = list(a[2], 'matchkeys() searchset');
    if (vs.length !== ks.length) throw new EvalError('matchkeys() needs as many values as keys');
    primitiveOnly([...ks, ...search], 'matchkeys()');
    return tag(vs.filter((_, i) => search.some((s) => equal(s, ks[i]!))), 'list');
  },
  transpose: (a) => {
    arity('transpose', a, 1);
    const m = convert(a[0]!, { t: 'map', elem: { t: 'list', elem: { t: 'string' } } }, 'transpose() argument');
    if (!isObject(m)) return m;
    const out = new Map<string, string[]>();
    for (const k of Object.keys(m).sort()) {
      for (const v of m[k] as string[]) {
        if (v === null) throw new EvalError('transpose() of a null string');
        out.set(v, [...(out.get(v) ?? []), k]);
      }
    }
    return tag(makeObject([...out].map(([k, v]) => [k, tag(v, 'list')])), 'map');
  },
  formatlist: (a) => {
    if (a.length < 1) throw new EvalError('formatlist() needs a format string');
    const spec = str(a[0], 'format string');
    const args = a.slice(1);
    if (args.some((x) => x === null)) return new Unknown('formatlist() with a null argument');
    let n = -1;
    for (const x of args) {
      if (!Array.isArray(x)) continue;
      if (kindOf(x) === 'set') leave('formatlist() over a set');
      if (n >= 0 && x.length !== n) throw new EvalError('formatlist() lists must all have the same length');
      n = x.length;
    }
    const out: Value[] = [];
    for (let i = 0; i < (n < 0 ? 1 : n); i++) {
      const r = format(spec, args.map((x) => (Array.isArray(x) ? x[i]! : x)));
      if (r instanceof Unknown) return r;
      out.push(r);
    }
    return tag(checkItems(out), 'list');
  },
  indent: (a) => {
    arity('indent', a, 2);
    const n = intArg(a[0], 'indent() spaces');
    if (n < 0 || n > 4096) leave('indent() with that many spaces');
    return checkString(str(a[1], 'indent() string').split('\n').join(`\n${' '.repeat(n)}`));
  },
  parseint: (a) => {
    arity('parseint', a, 2);
    const s = str(a[0], 'parseint() number');
    const base = intArg(a[1], 'parseint() base');
    if (base < 2 || base > 62) throw new EvalError('parseint() base must be between 2 and 62');
    // Go's big.Int SetString(s, base): a sign, then digits; above base 36, A-Z are 36..61.
    const m = /^([+-]?)([0-9a-zA-Z]+)$/.exec(s);
    if (!m || m[2]!.length > 10_000) throw new EvalError(`cannot parse ${JSON.stringify(s)} as a base ${base} integer`);
    let v = 0n;
    for (const c of m[2]!) {
      const code = c.charCodeAt(0);
      const d = code <= 57 ? code - 48 : code >= 97 ? code - 87 : base <= 36 ? code - 55 : code - 29;
      if (d >= base) throw new EvalError(`cannot parse ${JSON.stringify(s)} as a base ${base} integer`);
      v = v * BigInt(base) + BigInt(d);
    }
    if (m[1] === '-') v = -v;
    // new(big.Float).SetInt: precision max(bit length, 64)
    return fromBigInt(v);
  },
  pow: (a) => {
    arity('pow', a, 2);
    const x = toDouble(num(a[0], 'pow() base'));
    const y = toDouble(num(a[1], 'pow() exponent'));
    if (!Number.isFinite(x) || !Number.isFinite(y)) leave('pow() of a number beyond float64');
    const r = goPow(x, y);
    if (r === undefined || Number.isNaN(r)) leave('pow() with a fractional exponent (Go\'s math.Exp and math.Log, which tfw does not reproduce)');
    return floatVal(r!);
  },
  jsondecode: (a) => {
    arity('jsondecode', a, 1);
    const s = str(a[0], 'jsondecode() argument');
    // Built bottom-up by the reviver; numbers from their text (cty reads it at 512 bits), via JSON.parse's source access.
    const revive = (_k: string, v: unknown, ctx?: { source?: string }): Value => {
      if (typeof v === 'number') {
        if (ctx?.source === undefined) return Number.isSafeInteger(v) ? v : leave('jsondecode() of a fraction on a JavaScript engine without JSON source access');
        return parseNumber(ctx.source, 'jsondecode() number');
      }
      if (typeof v === 'string') return v.normalize('NFC');
      if (Array.isArray(v)) return tag(v as Value[], 'tuple');
      if (v !== null && typeof v === 'object' && !(v instanceof BigNum)) return tag(makeObject(Object.entries(v as ObjectValue)), 'object');
      return v as Value;
    };
    try {
      return JSON.parse(s, revive as (k: string, v: unknown) => unknown) as Value;
    } catch (e) {
      if (e instanceof SyntaxError) throw new EvalError('jsondecode() of text that is not JSON');
      if (e instanceof RangeError) leave('jsondecode() of JSON nested too deeply');
      throw e;
    }
  },
  uuidv5: (a) => {
    arity('uuidv5', a, 2);
    const ns = str(a[0], 'uuidv5() namespace');
    const id = UUID_NS[ns] ?? ns;
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) leave('uuidv5() with that namespace');
    crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    const h = crypto.createHash('sha1').update(Buffer.from(id.replace(/-/g, ''), 'hex')).update(str(a[1], 'uuidv5() name'), 'utf8').digest();
    h[6] = (h[6]! & 0x0f) | 0x50;
    h[8] = (h[8]! & 0x3f) | 0x80;
    const x = h.subarray(0, 16).toString('hex');
    return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
  },
  // Only the encodings whose bytes tfw is sure of; any other IANA name is left to terraform.
  textencodebase64: (a) => {
    arity('textencodebase64', a, 2);
    const s = str(a[0], 'textencodebase64() string');
    const name = str(a[1], 'textencodebase64() encoding');
    // IANA "UTF-16": big-endian after a byte order mark (x/text's UTF16(BigEndian, UseBOM))
    const enc = name.toLowerCase() === 'utf-16' ? 'utf-16' : textEncoding(name);
    if (enc === 'utf-8') return Buffer.from(s, 'utf8').toString('base64');
    const le = Buffer.from(enc === 'utf-16' ? `\ufeff${s}` : s, 'utf16le');
    if (enc !== 'utf-16le') le.swap16();
    return le.toString('base64');
  },
  textdecodebase64: (a) => {
    arity('textdecodebase64', a, 2);
    const s = str(a[0], 'textdecodebase64() string').replace(/[\r\n]/g, '');
    const enc = textEncoding(str(a[1], 'textdecodebase64() encoding'));
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new EvalError('textdecodebase64() of a string that is not base64');
    const bytes = Buffer.from(s, 'base64');
    if (enc !== 'utf-8' && bytes.length % 2 !== 0) leave('textdecodebase64() of an odd number of UTF-16 bytes');
    let out: string;
    try {
      out = new TextDecoder(enc === 'utf-16be' ? 'utf-16be' : enc === 'utf-16le' ? 'utf-16le' : 'utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return leave('textdecodebase64() of bytes that are not valid in that encoding');
    }
    // terraform refuses a result with U+FFFD in it
    if (out.includes('\ufffd')) throw new EvalError('textdecodebase64(): the given string contains symbols that are not defined for the encoding');
    return out;
  },
  yamlencode: (a) => { arity('yamlencode', a, 1); return yamlencode(a[0]!); },
  yamldecode: (a) => { arity('yamldecode', a, 1); return yamldecode(str(a[0], 'yamldecode() argument')); },
  csvdecode: (a) => { arity('csvdecode', a, 1); return csvdecode(str(a[0], 'csvdecode() argument')); },
  formatdate: (a) => { arity('formatdate', a, 2); return formatdate(str(a[0], 'formatdate() format'), str(a[1], 'formatdate() timestamp')); },
  timeadd: (a) => { arity('timeadd', a, 2); return timeadd(str(a[0], 'timeadd() timestamp'), str(a[1], 'timeadd() duration')); },
  timecmp: (a) => {
    arity('timecmp', a, 2);
    const r = timecmp(str(a[0], 'timecmp() timestamp'), str(a[1], 'timecmp() timestamp'));
    return r instanceof Unknown ? r : intVal(r);
  },
  ...CIDR_FUNCTIONS,
};
for (const [k, f] of Object.entries(MORE)) {
  FUNCTIONS[k] = (a, n) => {
    try {
      return f(a, n);
    } catch (e) {
      if (e instanceof Leave) return e.unknown;
      if (e instanceof Unknown) return e;
      throw e;
    }
  };
}

/** Go's math.Pow (pure Go on amd64), for the exponents it computes without Exp and Log: integers and ±0.5. */
function goPow(x: number, y: number): number | undefined {
  if (y === 0 || x === 1) return 1;
  if (y === 1) return x;
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  const oddInt = (v: number): boolean => Number.isInteger(v) && Math.abs(v) < 2 ** 53 && Math.abs(v % 2) === 1;
  if (x === 0) {
    if (y < 0) return Object.is(x, -0) && oddInt(y) ? -Infinity : Infinity;
    return Object.is(x, -0) && oddInt(y) ? x : 0;
  }
  if (y === 0.5) return Math.sqrt(x);
  if (y === -0.5) return 1 / Math.sqrt(x);
  const ay = Math.abs(y);
  let yi = Math.trunc(ay);
  const yf = ay - yi;
  if (yf !== 0 && x < 0) return NaN;
  if (yf !== 0) return undefined; // Exp(yf × Log(x)): not reproduced
  if (yi >= 2 ** 63) return undefined;
  let a1 = 1.0;
  let ae = 0;
  let [x1, xe] = frexp(x);
  for (let i = BigInt(yi); i !== 0n; i >>= 1n) {
    if (xe < -(1 << 12) || 1 << 12 < xe) {
      ae += xe;
      break;
    }
    if ((i & 1n) === 1n) {
      a1 *= x1;
      ae += xe;
    }
    x1 *= x1;
    xe <<= 1;
    if (x1 < 0.5) {
      x1 += x1;
      xe--;
    }
  }
  yi = 0;
  if (y < 0) {
    a1 = 1 / a1;
    ae = -ae;
  }
  return ldexp(a1, ae);
}

/** Go's math.Frexp: x = frac × 2^exp with frac in [½, 1). */
function frexp(x: number): [number, number] {
  if (x === 0 || !Number.isFinite(x)) return [x, 0];
  let e = 0;
  if (Math.abs(x) < 2.2250738585072014e-308) {
    x *= 2 ** 52;
    e = -52;
  }
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0);
  e += ((hi >>> 20) & 0x7ff) - 1022;
  dv.setUint32(0, ((hi & ~(0x7ff << 20)) | (1022 << 20)) >>> 0);
  return [dv.getFloat64(0), e];
}

/** Go's math.Ldexp: exact for a normal result; a denormal one rounded once, as Go's m × 2^-53 rounds it. */
function ldexp(frac: number, exp: number): number | undefined {
  if (frac === 0 || !Number.isFinite(frac)) return frac;
  const [f, e] = frexp(frac);
  // the result is (2f) × 2^E with 2f in [1, 2)
  const E = exp + e - 1;
  if (E < -1075) return frac < 0 ? -0 : 0;
  if (E > 1023) return frac < 0 ? -Infinity : Infinity;
  if (E < -1022) return 2 * f * 2 ** (E + 53) * 2 ** -53;
  return 2 * f * 2 ** E;
}

/**
 * cty's csvdecode on Go's encoding/csv (RFC 4180; `""` inside quotes, fields
 * across lines, \r\n read as \n, blank lines skipped): a list of objects keyed
 * by the header row, every value a string. The forms Go rejects (a bare quote,
 * text after a closing quote, an unterminated quote, a row of another width, a
 * repeated column) are terraform's errors; tfw says unknown for them rather than
 * follow Go's reader into its corners.
 */
function csvdecode(text: string): Value {
  const weird = (why: string): never => leave(`csvdecode(): ${why} (terraform's CSV reader errs or reads it its own way)`);
  let s = text.replace(/\r\n/g, '\n');
  if (s.endsWith('\r')) s = s.slice(0, -1);
  const records: string[][] = [];
  let i = 0;
  while (i < s.length) {
    if (s[i] === '\n') { i++; continue; } // a blank line
    const rec: string[] = [];
    for (;;) {
      if (s[i] === '"') {
        let field = '';
        i++;
        for (;;) {
          const q = s.indexOf('"', i);
          if (q < 0) weird('an unterminated quote');
          field += s.slice(i, q);
          i = q + 1;
          if (s[i] === '"') { field += '"'; i++; continue; }
          break;
        }
        rec.push(field);
        if (s[i] === ',') { i++; continue; }
        if (i >= s.length || s[i] === '\n') { i++; break; }
        weird('text after a closing quote');
      } else {
        let j = i;
        while (j < s.length && s[j] !== ',' && s[j] !== '\n') j++;
        const field = s.slice(i, j);
        if (field.includes('"')) weird('a quote inside an unquoted field');
        rec.push(field);
        i = j + 1;
        if (s[j] === ',') continue;
        break;
      }
    }
    records.push(rec);
    if (records.length > MAX_ITEMS) throw new EvalError('csvdecode(): too many rows');
  }
  if (records.length === 0) throw new EvalError('csvdecode(): missing header line');
  const headers = records[0]!.map((h) => h.normalize('NFC'));
  if (new Set(headers).size !== headers.length) throw new EvalError('csvdecode(): duplicate column name');
  // An empty list(object(...)): tfw does not keep the element type that later conversions would check.
  if (records.length === 1) leave('csvdecode() of a header without rows (an empty list whose element type tfw does not keep)');
  const rows = records.slice(1).map((r) => {
    if (r.length !== headers.length) weird('a row with another number of fields');
    return tag(makeObject(headers.map((h, k) => [h, r[k]!.normalize('NFC')])), 'object');
  });
  return tag(rows, 'list');
}

function textEncoding(name: string): 'utf-8' | 'utf-16le' | 'utf-16be' {
  const n = name.toLowerCase();
  if (n === 'utf-8' || n === 'utf-16le' || n === 'utf-16be') return n;
  return leave(`the text encoding ${JSON.stringify(name)} (terraform's IANA index): not reproduced by tfw`);
}
