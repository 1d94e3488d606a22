// Values of evaluated expressions: plain JS data, plus Unknown for what tfw
// cannot know (a resource attribute, an unsupported function) and EvalError
// for what terraform itself would reject.

export class Unknown {
  constructor(readonly reason: string) {}
}

export type Value = null | string | number | boolean | Value[] | ObjectValue | Unknown;
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
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);

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
  if (typeof v === 'object') return 'object';
  return typeof v;
}

export { formatNumber } from './numbers.ts';
import { formatNumber, parseNumber } from './numbers.ts';

/** Terraform's automatic conversion to string (numbers and bools convert, null and collections do not). */
export function toStr(v: Value, what = 'value'): string {
  if (typeof v === 'string') return checkString(v);
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) throw new EvalError(`${what} is null`);
  throw new EvalError(`${what} must be a string, not a ${typeName(v)}`);
}

export function toNum(v: Value, what = 'value'): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const n = parseNumber(v, what);
    // Not a value terraform lacks, only precision tfw lacks: try() must not fall back on it.
    if (n instanceof Unknown) throw new EvalError(n.reason, true);
    return n;
  }
  throw new EvalError(`${what} must be a number, not ${v === null ? 'null' : typeName(v)}`);
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
  if (j === null || typeof j === 'string' || typeof j === 'number' || typeof j === 'boolean') return j;
  if (depth >= MAX_JSON_DEPTH) return new Unknown(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (Array.isArray(j)) return j.map((v) => fromJson(v, depth + 1));
  if (typeof j === 'object') return makeObject(Object.entries(j as Record<string, unknown>).map(([k, v]) => [k, fromJson(v, depth + 1)]));
  return null;
}
