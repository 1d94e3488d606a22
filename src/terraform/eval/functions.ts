// The built-in functions tfw evaluates (the ones seen in provider and backend
// settings). Any other function makes the value Unknown: terraform knows it,
// tfw does not pretend to. `try` and `can` live in the evaluator (they need
// the unevaluated arguments).
import {
  EvalError, Unknown, checkItems, checkString, equal, findUnknown, hasKey, isObject,
  makeObject, toBool, toNum, toStr, typeName, type ObjectValue, type Value,
} from './value.ts';
import { convert, unifyElements, type Type } from './types.ts';
import { parseNumber } from './numbers.ts';
import { format, graphemes, insertBetween, simpleCase, title, toJsonText, trimSpace } from './strings.ts';
import { regex, regexall, regexReplace } from './regex.ts';
import { createRequire } from 'node:module';

const ANY: Type = { t: 'any' };

type Fn = (args: Value[]) => Value;

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
  if (typeof v === 'number') return `n${Object.is(v, -0) ? 0 : v}`;
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

function num(v: Value | undefined, what: string): number {
  return toNum(v ?? null, what);
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
  abs: (a) => { arity('abs', a, 1); return Math.abs(num(a[0], 'abs() argument')); },
  ceil: (a) => { arity('ceil', a, 1); return Math.ceil(num(a[0], 'ceil() argument')); },
  floor: (a) => { arity('floor', a, 1); return Math.floor(num(a[0], 'floor() argument')); },
  signum: (a) => { arity('signum', a, 1); const n = num(a[0], 'signum() argument'); return n > 0 ? 1 : n < 0 ? -1 : 0; },
  max: (a) => { if (a.length === 0) throw new EvalError('max() needs at least one number'); return Math.max(...a.map((v) => num(v, 'max() argument'))); },
  min: (a) => { if (a.length === 0) throw new EvalError('min() needs at least one number'); return Math.min(...a.map((v) => num(v, 'min() argument'))); },
  md5: (a) => { arity('md5', a, 1); return hash('md5', str(a[0], 'md5() argument'), 'hex'); },
  sha1: (a) => { arity('sha1', a, 1); return hash('sha1', str(a[0], 'sha1() argument'), 'hex'); },
  sha256: (a) => { arity('sha256', a, 1); return hash('sha256', str(a[0], 'sha256() argument'), 'hex'); },
  sha512: (a) => { arity('sha512', a, 1); return hash('sha512', str(a[0], 'sha512() argument'), 'hex'); },
  base64sha256: (a) => { arity('base64sha256', a, 1); return hash('sha256', str(a[0], 'base64sha256() argument'), 'base64'); },
  base64sha512: (a) => { arity('base64sha512', a, 1); return hash('sha512', str(a[0], 'base64sha512() argument'), 'base64'); },
  base64encode: (a) => { arity('base64encode', a, 1); return checkString(Buffer.from(str(a[0], 'base64encode() argument'), 'utf8').toString('base64')); },
  base64decode: (a) => {
    arity('base64decode', a, 1);
    const s = str(a[0], 'base64decode() argument');
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
    if (v === null || typeof v === 'number') return v;
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
    if (typeof v === 'string') return graphemes(v).length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    throw new EvalError(`length() of a ${typeName(v)}`);
  },
  keys: (a) => { arity('keys', a, 1); return Object.keys(map(a[0], 'keys() argument')).sort(); },
  values: (a) => {
    arity('values', a, 1);
    const m = map(a[0], 'values() argument');
    return Object.keys(m).sort().map((k) => m[k]!);
  },
  contains: (a) => { arity('contains', a, 2); return list(a[0], 'contains() list').some((v) => equal(v, a[1]!)); },
  split: (a) => {
    arity('split', a, 2);
    const sep = str(a[0], 'separator');
    const s = str(a[1], 'string');
    return checkItems(sep === '' ? graphemes(s) : s.split(sep));
  },
  join: (a) => {
    if (a.length < 2) throw new EvalError('join() needs a separator and at least one list');
    const sep = str(a[0], 'separator');
    const items = a.slice(1).flatMap((l, i) => list(l, `join() list ${i + 1}`)).map((v) => str(v, 'join() element'));
    return checkString(items.join(sep));
  },
  concat: (a) => checkItems(a.flatMap((l, i) => list(l, `concat() argument ${i + 1}`))),
  element: (a) => {
    arity('element', a, 2);
    const l = list(a[0], 'element() list');
    if (l.length === 0) throw new EvalError('element() of an empty list');
    const i = toNum(a[1]!, 'element() index');
    if (!Number.isInteger(i) || i < 0) throw new EvalError('element() index must be a non-negative integer');
    return l[i % l.length]!;
  },
  lookup: (a) => {
    arity('lookup', a, 2, 3);
    const m = map(a[0], 'lookup() map');
    const k = str(a[1], 'lookup() key');
    if (hasKey(m, k)) return m[k]!;
    if (a.length === 3) return a[2]!;
    throw new EvalError(`lookup() found no key "${k}" and has no default`);
  },
  merge: (a) => {
    const out = makeObject();
    for (const [i, m] of a.entries()) {
      if (m === null) continue;
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
    if (offset < 0) offset += chars.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > chars.length) throw new EvalError('substr() offset out of range');
    return chars.slice(offset, length < 0 ? undefined : offset + length).join('');
  },
  // Terraform's chomp drops every trailing \n, \r\n and \r.
  chomp: (a) => { arity('chomp', a, 1); return trimEnd(str(a[0], 'chomp() argument'), '\r\n'); },
  // `~` alone or `~/…` needs the HOME of the run; anything else is unchanged (Go's homedir.Expand).
  pathexpand: (a) => {
    arity('pathexpand', a, 1);
    const p = str(a[0], 'pathexpand() argument');
    return p.startsWith('~') ? new Unknown('pathexpand() of a path starting with ~ depends on HOME') : p;
  },
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
    return u instanceof Unknown ? u : distinct(u);
  },
  compact: (a) => { arity('compact', a, 1); return list(a[0], 'compact() argument').filter((v) => v !== null && v !== ''); },
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
    if (ks.length !== vs.length) throw new EvalError('zipmap() needs as many keys as values');
    return makeObject(ks.map((k, i) => [str(k, 'zipmap() key'), vs[i]!]));
  },
};

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

export function callFunction(name: string, args: Value[]): Value {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return new Unknown(`function ${name}() is not evaluated by tfw`);
  const u = findUnknown(args);
  if (u) return u;
  return fn(args);
}
