// Terraform's type system, as far as tfw needs it: type constraints of
// variables (HCL's typeexpr: string, list(T), object({a = optional(T, d)})…),
// cty's conversion rules, and the kind of a collection (list, set, map, tuple,
// object), which equality and conditionals depend on.
//
// Values stay plain JS data; a collection's kind is kept beside it in a
// WeakMap. An untagged array or object comes from somewhere tfw does not type
// (a function result): whatever depends on its kind is Unknown.
import type { Expr } from '../hcl/ast.ts';
import { cmp, formatNumber, isNum, numKey, parseNumber, type Num } from './numbers.ts';
import { collectionSet, unifyCollections } from './unify.ts';
import { EvalError, Unknown, equal, isCollection, isObject, makeObject, primitiveType, type ObjectValue, type Value } from './value.ts';

export type Kind = 'list' | 'set' | 'map' | 'tuple' | 'object';
const kinds = new WeakMap<object, Kind>();

export function tag<V extends Value[] | ObjectValue>(v: V, k: Kind): V {
  kinds.set(v, k);
  return v;
}

export function kindOf(v: Value): Kind | undefined {
  return isCollection(v) ? kinds.get(v) : undefined;
}

export type Type =
  | { t: 'string' | 'number' | 'bool' | 'any' }
  | { t: 'list' | 'set' | 'map'; elem: Type }
  | { t: 'tuple'; elems: Type[] }
  | { t: 'object'; attrs: Map<string, { type: Type; optional: boolean; def?: Value }> };

const PRIMITIVES = new Set(['string', 'number', 'bool', 'any']);

/** A type constraint expression; `evalDefault` evaluates optional() defaults. Throws EvalError when terraform would reject it. */
export function parseType(e: Expr, evalDefault: (e: Expr) => Value, inObject = false): Type & { optional?: boolean; def?: Value } {
  if (e.kind === 'paren') return parseType(e.expr, evalDefault, inObject);
  if (e.kind === 'scope') {
    if (PRIMITIVES.has(e.name)) return { t: e.name as 'string' };
    throw new EvalError(`"${e.name}" is not a type terraform knows here`);
  }
  if (e.kind !== 'call') throw new EvalError('a type constraint tfw does not read');
  const args = e.args;
  switch (e.name) {
    case 'list': case 'set': case 'map':
      if (args.length !== 1) throw new EvalError(`${e.name}() takes one type`);
      return { t: e.name, elem: parseType(args[0]!, evalDefault) };
    case 'tuple': {
      const a = args[0];
      if (args.length !== 1 || a?.kind !== 'tuple') throw new EvalError('tuple() takes a list of types');
      return { t: 'tuple', elems: a.items.map((x) => parseType(x, evalDefault)) };
    }
    case 'object': {
      const a = args[0];
      if (args.length !== 1 || a?.kind !== 'object') throw new EvalError('object() takes an object of types');
      const attrs = new Map<string, { type: Type; optional: boolean; def?: Value }>();
      for (const item of a.items) {
        const key = item.key.kind === 'literal' && typeof item.key.value === 'string' ? item.key.value : item.key.kind === 'scope' ? item.key.name : undefined;
        if (key === undefined) throw new EvalError('an object type attribute name must be a name');
        const ty = parseType(item.value, evalDefault, true);
        attrs.set(key, { type: ty, optional: ty.optional === true, ...(ty.def !== undefined ? { def: ty.def } : {}) });
      }
      return { t: 'object', attrs };
    }
    case 'optional': {
      if (!inObject) throw new EvalError('optional() is only for object attributes');
      if (args.length < 1 || args.length > 2) throw new EvalError('optional() takes a type and a default');
      const ty = parseType(args[0]!, evalDefault);
      if (args.length === 1) return { ...ty, optional: true };
      const d = evalDefault(args[1]!);
      return { ...ty, optional: true, def: convert(d, ty, 'the optional default') };
    }
    default:
      throw new EvalError(`${e.name}() is not a type terraform knows`);
  }
}

/** cty's string → bool. */
function stringToBool(s: string, what: string): boolean {
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw new EvalError(`${what}: cannot convert ${JSON.stringify(s)} to bool`);
}

export function primitiveToString(v: string | Num | boolean): string {
  return typeof v === 'string' ? v : isNum(v) ? formatNumber(v) : v ? 'true' : 'false';
}

/** Converts `v` to type `ty` by cty's rules (convert.Convert), applying optional() defaults. */
export function convert(v: Value, ty: Type, what: string): Value {
  if (v instanceof Unknown) return v;
  if (ty.t === 'any') return v;
  if (v === null) return null;
  switch (ty.t) {
    case 'string':
      if (typeof v === 'string') return v.normalize('NFC');
      if (isNum(v) || typeof v === 'boolean') return primitiveToString(v);
      throw new EvalError(`${what}: string required`);
    case 'number':
      if (isNum(v)) return v;
      if (typeof v === 'string') return parseNumber(v, what);
      throw new EvalError(`${what}: number required`);
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (typeof v === 'string') return stringToBool(v, what);
      throw new EvalError(`${what}: bool required`);
    case 'list': case 'set': {
      if (!Array.isArray(v)) throw new EvalError(`${what}: ${ty.t} of ${describe(ty.elem)} required`);
      let items = v.map((x, i) => convert(x, ty.elem, `${what}[${i}]`));
      if (ty.elem.t === 'any') {
        const u = unifyElements(items, what);
        if (u instanceof Unknown) return u;
        items = u;
      }
      if (ty.t === 'list') return tag(items, 'list');
      const s = setOf(items);
      return s instanceof Unknown ? s : tag(s, 'set');
    }
    case 'map': {
      if (!isObject(v)) throw new EvalError(`${what}: map of ${describe(ty.elem)} required`);
      const keys = Object.keys(v);
      let vals = keys.map((k) => convert(v[k]!, ty.elem, `${what}["${k}"]`));
      if (ty.elem.t === 'any') {
        const u = unifyElements(vals, what);
        if (u instanceof Unknown) return u;
        vals = u;
      }
      return tag(makeObject(keys.map((k, i) => [k, vals[i]!])), 'map');
    }
    case 'tuple': {
      if (!Array.isArray(v) || kindOf(v) === 'set' || v.length !== ty.elems.length) throw new EvalError(`${what}: tuple of ${ty.elems.length} elements required`);
      return tag(v.map((x, i) => convert(x, ty.elems[i]!, `${what}[${i}]`)), 'tuple');
    }
    case 'object': {
      if (!isObject(v)) throw new EvalError(`${what}: object required`);
      const out = makeObject();
      for (const [name, a] of ty.attrs) {
        const has = Object.prototype.hasOwnProperty.call(v, name);
        if (!has && !a.optional) throw new EvalError(`${what}: attribute "${name}" is required`);
        const x = has ? v[name]! : null;
        out[name] = x === null && a.def !== undefined ? a.def : convert(x, a.type, `${what}.${name}`);
      }
      return tag(out, 'object');
    }
  }
}

function describe(ty: Type): string {
  return ty.t === 'list' || ty.t === 'set' || ty.t === 'map' ? `${ty.t}(${describe(ty.elem)})` : ty.t;
}

/**
 * The elements of list(any)/set(any)/map(any): cty unifies them to one type.
 * Primitives unify to string when any is a string; bool with number fails.
 * Collections are kept only when all elements have the same shape.
 */
export function unifyElements(items: Value[], what: string): Value[] | Unknown {
  const present = items.filter((x) => x !== null);
  if (present.length === 0) return items;
  if (present.some((x) => x instanceof Unknown)) return present.find((x) => x instanceof Unknown) as Unknown;
  const types = new Set(present.map((x) => primitiveType(x) ?? 'object'));
  // A null keeps its type in terraform (a string variable's null makes numbers strings); tfw's nulls have none.
  if (present.length < items.length && !(types.size === 1 && types.has('string'))) return new Unknown(`${what}: a null among them may carry a type that changes the result`);
  if (present.every((x) => !isCollection(x))) {
    if (types.size === 1) return items;
    if (!types.has('string')) throw new EvalError(`${what}: elements must all be of the same type`);
    return items.map((x) => (x === null ? null : primitiveToString(x as string)));
  }
  if (present.some((x) => !isCollection(x))) throw new EvalError(`${what}: elements must all be of the same type`);
  const first = shape(present[0]!);
  if (first !== undefined && present.every((x) => shape(x) === first)) return items;
  return unifyCollections(items, what); // no nulls here (above)
}

/** A type signature of a value, or undefined where tfw cannot tell. */
export function shape(v: Value): string | undefined {
  if (v === null) return undefined;
  if (v instanceof Unknown) return undefined;
  const p = primitiveType(v);
  if (p !== undefined) return p;
  const k = kindOf(v);
  if (Array.isArray(v)) {
    const parts = v.map(shape);
    if (parts.some((p) => p === undefined)) return undefined;
    if (k === 'list' || k === 'set') return parts.length === 0 ? undefined : new Set(parts).size === 1 ? `${k}(${parts[0]})` : undefined;
    if (k === 'tuple') return `tuple(${parts.join(',')})`;
    return undefined;
  }
  if (!isObject(v)) return undefined;
  const keys = Object.keys(v).sort();
  const parts = keys.map((x) => shape(v[x]!));
  if (parts.some((p) => p === undefined)) return undefined;
  if (k === 'map') return parts.length === 0 ? undefined : new Set(parts).size === 1 ? `map(${parts[0]})` : undefined;
  if (k === 'object') return `object(${keys.map((x, i) => `${JSON.stringify(x)}:${parts[i]}`).join(',')})`;
  return undefined;
}

/** Elements of a set, deduplicated and in cty's order (strings by bytes, numbers ascending, false before true). */
export function setOf(items: Value[]): Value[] | Unknown {
  if (items.some((x) => x === null)) return new Unknown('a set with a null element');
  const t = new Set(items.map((x) => primitiveType(x) ?? 'object'));
  if (items.length === 0) return [];
  // one distinct collection needs no order
  if (t.size === 1 && t.has('object') && items.every((x) => equal(x, items[0]!))) return [items[0]!];
  if (t.size === 1 && t.has('object')) return collectionSet(items);
  if (t.size !== 1) return new Unknown('a set of elements of different types');
  if (t.has('number')) {
    const seen = new Map<string, Num>();
    for (const x of items as Num[]) if (!seen.has(numKey(x))) seen.set(numKey(x), x);
    return [...seen.values()].sort(cmp);
  }
  const out = [...new Set(items as (string | boolean)[])];
  if (t.has('string')) return (out as string[]).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return (out as boolean[]).sort((a, b) => Number(a) - Number(b));
}
