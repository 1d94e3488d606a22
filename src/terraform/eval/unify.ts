// cty's type unification (convert/unify.go, go-cty 1.16) of collections,
// for list(any), set(any), map(any) and the functions that unify their
// arguments: tuples of one length unify position by position (else to a
// list of all their elements' types), objects with the same attributes
// attribute by attribute (else to a map), lists, sets and maps by their
// element types, lists with tuples as lists, maps with objects as maps,
// primitives to string when any is a string. A value whose type tfw cannot
// tell (a null, an empty list or map of unknown element type, an untyped
// collection), a dynamic type left by an empty set of types, and the mixed
// kinds cty decides by its preference order (a list with a set, a string with
// a list…) are unknown. And the order of a set of collections: cty sorts them
// by their set hash text.
import { isNum, text, toBig } from './numbers.ts';
import { convert, kindOf, type Type } from './types.ts';
import { EvalError, Unknown, equal, isObject, primitiveType, type Value } from './value.ts';

/** A value's cty type, or undefined where tfw cannot tell it. */
export function typeOfValue(v: Value): Type | undefined {
  const p = primitiveType(v);
  if (p !== undefined) return { t: p === 'boolean' ? 'bool' : p };
  if (v === null || v instanceof Unknown) return undefined;
  const k = kindOf(v);
  if (Array.isArray(v)) {
    if (k === 'tuple') {
      const elems: Type[] = [];
      for (const x of v) {
        const t = typeOfValue(x);
        if (!t) return undefined;
        elems.push(t);
      }
      return { t: 'tuple', elems };
    }
    if (k === 'list' || k === 'set') {
      const elem = sameType(v);
      return elem ? { t: k, elem } : undefined;
    }
    return undefined;
  }
  if (!isObject(v)) return undefined;
  if (k === 'object') {
    const attrs = new Map<string, { type: Type; optional: boolean }>();
    for (const name of Object.keys(v)) {
      const t = typeOfValue(v[name]!);
      if (!t) return undefined;
      attrs.set(name, { type: t, optional: false });
    }
    return { t: 'object', attrs };
  }
  if (k === 'map') {
    const elem = sameType(Object.values(v));
    return elem ? { t: 'map', elem } : undefined;
  }
  return undefined;
}

/** The one element type of a list, set or map's elements (undefined when empty or not known). */
function sameType(items: Value[]): Type | undefined {
  if (items.length === 0) return undefined;
  const first = typeOfValue(items[0]!);
  if (!first) return undefined;
  for (const x of items.slice(1)) {
    const t = typeOfValue(x);
    if (!t || !typeEquals(t, first)) return undefined;
  }
  return first;
}

export function typeEquals(a: Type, b: Type): boolean {
  if (a.t !== b.t) return false;
  if ('elem' in a && 'elem' in b) return typeEquals(a.elem, b.elem);
  if (a.t === 'tuple' && b.t === 'tuple') return a.elems.length === b.elems.length && a.elems.every((x, i) => typeEquals(x, b.elems[i]!));
  if (a.t === 'object' && b.t === 'object') {
    if (a.attrs.size !== b.attrs.size) return false;
    for (const [n, x] of a.attrs) {
      const y = b.attrs.get(n);
      if (!y || !typeEquals(x.type, y.type)) return false;
    }
    return true;
  }
  return true;
}

/** cty's NilType: no unification. */
const NIL = 'nil' as const;
/** What tfw does not follow. */
class Unfollowed extends Error {}

/** convert.unify (unsafe): the one type all `types` convert to. */
function unify(types: Type[]): Type | typeof NIL {
  if (types.length === 0) throw new Unfollowed(); // cty: DynamicPseudoType
  const count = (t: string): number => types.filter((x) => x.t === t).length;
  const n = types.length;
  const maps = count('map');
  const lists = count('list');
  const sets = count('set');
  const objects = count('object');
  const tuples = count('tuple');
  if (maps > 0 && maps === n) return collection('map', types);
  if (maps > 0 && maps + objects === n) {
    const m = objectsToMap(types.filter((x) => x.t === 'object'));
    if (m === NIL) return NIL;
    return unify(types.map((x) => (x.t === 'object' ? m : x)));
  }
  if (lists > 0 && lists === n) return collection('list', types);
  if (lists > 0 && lists + tuples === n) {
    const l = tuplesToList(types.filter((x) => x.t === 'tuple'));
    if (l === NIL) return NIL;
    return unify(types.map((x) => (x.t === 'tuple' ? l : x)));
  }
  if (sets > 0 && sets === n) return collection('set', types);
  if (objects > 0 && objects === n) {
    const first = (types[0] as Extract<Type, { t: 'object' }>).attrs;
    const same = types.every((x) => x.t === 'object' && x.attrs.size === first.size && [...x.attrs.keys()].every((k) => first.has(k)));
    if (!same) return objectsToMap(types);
    const attrs = new Map<string, { type: Type; optional: boolean }>();
    for (const name of first.keys()) {
      const u = unify(types.map((x) => (x as Extract<Type, { t: 'object' }>).attrs.get(name)!.type));
      if (u === NIL) return NIL;
      attrs.set(name, { type: u, optional: false });
    }
    return { t: 'object', attrs };
  }
  if (tuples > 0 && tuples === n) {
    const len = (types[0] as Extract<Type, { t: 'tuple' }>).elems.length;
    if (!types.every((x) => x.t === 'tuple' && x.elems.length === len)) return tuplesToList(types);
    const elems: Type[] = [];
    for (let i = 0; i < len; i++) {
      const u = unify(types.map((x) => (x as Extract<Type, { t: 'tuple' }>).elems[i]!));
      if (u === NIL) return NIL;
      elems.push(u);
    }
    return { t: 'tuple', elems };
  }
  if (objects > 0 && tuples > 0) return NIL;
  if (types.every((x) => x.t === 'string' || x.t === 'number' || x.t === 'bool')) {
    if (types.every((x) => x.t === types[0]!.t)) return types[0]!;
    return types.some((x) => x.t === 'string') ? { t: 'string' } : NIL;
  }
  throw new Unfollowed(); // cty's preference order among mixed kinds
}

function collection(k: 'list' | 'set' | 'map', types: Type[]): Type | typeof NIL {
  const elem = unify(types.map((x) => (x as { elem: Type }).elem));
  return elem === NIL ? NIL : { t: k, elem };
}

function objectsToMap(types: Type[]): Type | typeof NIL {
  const elem = unify(types.flatMap((x) => [...(x as Extract<Type, { t: 'object' }>).attrs.values()].map((a) => a.type)));
  return elem === NIL ? NIL : { t: 'map', elem };
}

function tuplesToList(types: Type[]): Type | typeof NIL {
  const elem = unify(types.flatMap((x) => (x as Extract<Type, { t: 'tuple' }>).elems));
  return elem === NIL ? NIL : { t: 'list', elem };
}

/** convert.unify of some types: the one type, 'nil' where cty has none, undefined where tfw does not follow cty. */
export function unifyTypes(types: Type[]): Type | 'nil' | undefined {
  try {
    return unify(types);
  } catch (e) {
    if (e instanceof Unfollowed) return undefined;
    throw e;
  }
}

/**
 * Collections of different types (no nulls among `items`) converted to the
 * type cty unifies them to; an EvalError where cty finds none.
 */
export function unifyCollections(items: Value[], what: string): Value[] | Unknown {
  const types: Type[] = [];
  for (const x of items) {
    const t = typeOfValue(x);
    if (!t) return new Unknown(`${what}: elements whose types tfw cannot tell, to unify`);
    types.push(t);
  }
  let u: Type | typeof NIL;
  try {
    u = unify(types);
  } catch (e) {
    if (e instanceof Unfollowed) return new Unknown(`${what}: terraform unifies these element types by rules tfw does not follow`);
    throw e;
  }
  if (u === NIL) throw new EvalError(`${what}: all elements must have the same type`);
  const out: Value[] = [];
  for (const [i, x] of items.entries()) {
    const c = convert(x, u, `${what}[${i}]`);
    if (c instanceof Unknown) return c;
    out.push(c);
  }
  return out;
}

/**
 * cty's makeSetHashBytes: the text a set of collections is ordered by (its
 * setRules.Less compares these bytes): numbers as big.Float.String() (%g, 10
 * digits), strings as Go's %q, T/F, `~` for null, maps `{k:v;}` by key,
 * lists and sets `[v;]`, objects `<v;>` by attribute name, tuples `<v;>`.
 * undefined where tfw cannot write it as Go does (a string outside printable
 * ASCII, whose %q depends on Go's unicode.IsPrint; an untyped collection).
 */
export function setHashText(v: Value): string | undefined {
  if (v === null) return '~';
  if (typeof v === 'boolean') return v ? 'T' : 'F';
  if (typeof v === 'string') return goQuoteAscii(v);
  if (isNum(v)) return text(toBig(v), 'g', 10);
  if (v instanceof Unknown) return undefined;
  const k = kindOf(v);
  const parts = (xs: Value[]): string | undefined => {
    let out = '';
    for (const x of xs) {
      const h = setHashText(x);
      if (h === undefined) return undefined;
      out += `${h};`;
    }
    return out;
  };
  if (Array.isArray(v)) {
    if (k === 'list' || k === 'set') {
      const p = parts(v);
      return p === undefined ? undefined : `[${p}]`;
    }
    if (k === 'tuple') {
      const p = parts(v);
      return p === undefined ? undefined : `<${p}>`;
    }
    return undefined;
  }
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (k === 'object') {
    const p = parts(keys.map((x) => v[x]!));
    return p === undefined ? undefined : `<${p}>`;
  }
  if (k === 'map') {
    let out = '{';
    for (const key of keys) {
      const kh = goQuoteAscii(key);
      const vh = setHashText(v[key]!);
      if (kh === undefined || vh === undefined) return undefined;
      out += `${kh}:${vh};`;
    }
    return `${out}}`;
  }
  return undefined;
}

const ESC: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x22: '\\"', 0x5c: '\\\\' };

/** Go's strconv.Quote of an ASCII string; undefined for anything beyond ASCII. */
function goQuoteAscii(s: string): string | undefined {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) return undefined;
    const e = ESC[c];
    if (e) out += e;
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** The elements of a set of collections (all of one type), deduplicated and in cty's order. */
export function collectionSet(items: Value[]): Value[] | Unknown {
  const first = typeOfValue(items[0]!);
  if (!first) return new Unknown('a set of collections whose type tfw cannot tell');
  for (const x of items.slice(1)) {
    const t = typeOfValue(x);
    if (!t || !typeEquals(t, first)) return new Unknown('a set of collections of different types');
  }
  const byHash = new Map<string, Value>();
  for (const x of items) {
    const h = setHashText(x);
    if (h === undefined) return new Unknown('a set of collections holding text tfw cannot order as terraform (beyond ASCII)');
    const seen = byHash.get(h);
    if (seen === undefined) byHash.set(h, x);
    else if (!equal(seen, x)) return new Unknown('a set of collections whose order terraform decides by hash');
  }
  return [...byHash.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map((h) => byHash.get(h)!);
}
