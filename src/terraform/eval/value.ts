// Values of evaluated expressions: plain JS data, plus Unknown for what tfw
// cannot know (a resource attribute, an unsupported function) and EvalError
// for what terraform itself would reject.

export class Unknown {
  constructor(readonly reason: string) {}
}

/** A number is a JS number (the exact double, cty precision 512) or a BigNum (see numbers.ts). */
export type Value = null | string | number | BigNum | boolean | Value[] | ObjectValue | Unknown;
export interface ObjectValue {
  [key: string]: Value;
}

/** An expression terraform would also reject (wrong type, missing key…). */
export class EvalError extends Error {
  /** `isStatic`: terraform finds it before evaluating (an undeclared variable, a failing local): try() and can() do not catch it. */
  constructor(message: string, readonly isStatic = false) {
    super(message);
    this.name = 'EvalError';
  }
}

/** Keeps hostile configurations (a local that doubles itself 60 times) from exhausting memory. */
export const MAX_STRING = 1 << 20;
export const MAX_ITEMS = 100_000;

export const isUnknown = (v: Value): v is Unknown => v instanceof Unknown;
export const isObject = (v: Value): v is ObjectValue =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown) && !(v instanceof BigNum);

/** A collection (list, set, tuple, map, object): what `typeof v === 'object'` meant before numbers could be BigNums. */
export const isCollection = (v: Value): v is Value[] | ObjectValue =>
  typeof v === 'object' && v !== null && !(v instanceof Unknown) && !(v instanceof BigNum);

/** The primitive type of a value ('number' for a BigNum too), or undefined for null, collections and unknowns. */
export function primitiveType(v: Value): 'string' | 'number' | 'boolean' | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number' || v instanceof BigNum) return 'number';
  if (typeof v === 'boolean') return 'boolean';
  return undefined;
}

/** Objects without a prototype, so keys such as `__proto__` are plain keys. */
export function makeObject(entries: Iterable<[string, Value]> = []): ObjectValue {
  const o = Object.create(null) as ObjectValue;
  for (const [k, v] of entries) o[k] = v;
  return o;
}

export const hasKey = (o: ObjectValue, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** The first Unknown anywhere inside a value, if any. */
export function findUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = findUnknown(x);
      if (u) return u;
    }
  } else if (isObject(v)) {
    for (const k of Object.keys(v)) {
      const u = findUnknown(v[k]!);
      if (u) return u;
    }
  }
  return undefined;
}

export function typeName(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (v instanceof Unknown) return 'unknown';
  if (v instanceof BigNum) return 'number';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export { formatNumber } from './numbers.ts';
import { BigNum, exactDouble, formatNumber, isNum, numEqual, parseNumber, type Num } from './numbers.ts';

/** Terraform's automatic conversion to string (numbers and bools convert, null and collections do not). */
export function toStr(v: Value, what = 'value'): string {
  if (typeof v === 'string') return checkString(v);
  if (isNum(v)) return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) throw new EvalError(`${what} is null`);
  throw new EvalError(`${what} must be a string, not a ${typeName(v)}`);
}

/** A value converted to a number as terraform converts it (strings parse; others are errors). */
export function toNumber(v: Value, what = 'value'): Num {
  if (isNum(v)) return v;
  if (typeof v === 'string') return parseNumber(v, what);
  throw new EvalError(`${what} must be a number, not ${v === null ? 'null' : typeName(v)}`);
}

/**
 * A number as a double, for the places that need a small one (indexes,
 * counts, offsets). A number no double holds exactly (a fraction such as 0.1,
 * an integer beyond 2^53) is a static error: tfw does not follow it there,
 * and try() must not fall back on it.
 */
export function toNum(v: Value, what = 'value'): number {
  const n = toNumber(v, what);
  if (typeof n === 'number') return n;
  const d = exactDouble(n);
  if (d === undefined) throw new EvalError(`${what}: ${formatNumber(n)} is a number tfw does not use there (terraform will)`, true);
  return d;
}

export function toBool(v: Value, what = 'value'): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new EvalError(`${what} must be a bool, not ${v === null ? 'null' : typeName(v)}`);
}

export function checkString(s: string): string {
  if (s.length > MAX_STRING) throw new EvalError('string value too large');
  return s;
}

export function checkItems<T>(a: T[]): T[] {
  if (a.length > MAX_ITEMS) throw new EvalError('collection too large');
  return a;
}

export function equal(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (isNum(a) || isNum(b)) return isNum(a) && isNum(b) && numEqual(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => hasKey(b, k) && equal(a[k]!, b[k]!));
  }
  return false;
}

/** Deeper JSON than any recorded backend setting; JSON.parse itself takes 100k levels. */
const MAX_JSON_DEPTH = 128;

/** Converts parsed JSON (tfstate, tfvars.json) into Values; nesting past MAX_JSON_DEPTH is Unknown, not a stack overflow. */
export function fromJson(j: unknown, depth = 0): Value {
  if (j === null || typeof j === 'string' || typeof j === 'boolean') return j;
  // A parsed double is not the number its text was (terraform reads the text at 512 bits): only integers are certain.
  if (typeof j === 'number') return Number.isSafeInteger(j) ? j : new Unknown('a JSON number with a fraction or beyond 2^53, whose text tfw no longer has');
  if (depth >= MAX_JSON_DEPTH) return new Unknown(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(j)) return j.map((v) => fromJson(v, depth + 1));
  if (typeof j === 'object') return makeObject(Object.entries(j as Record<string, unknown>).map(([k, v]) => [k, fromJson(v, depth + 1)]));
  return null;
}
