// Terraform's numbers are cty's: Go big.Float values, each with its own
// precision in bits (512 for a number parsed from text, 64 for the integers
// functions such as length() return, 53 for the results of pow() and log()),
// rounded to nearest even, and shown as the shortest decimal that reads back
// at that precision (`Text('f', -1)`). This file emulates them exactly:
// BigNum is a binary float m × 2^e with a precision, and the operations do
// what Go's math/big and cty's value_ops.go do (including cty's own rules for
// the precision of a product and for `%`).
//
// A plain JavaScript number in a Value stands for the cty number with exactly
// that (double) value and precision 512, which is what every integer literal,
// every `-var` number and most arithmetic give; anything else is a BigNum.
import { EvalError } from './value.ts';

/** ±mant × 2^exp with `prec` bits (Go's big.Float); mant is odd, or 0n for zero. */
export class BigNum {
  constructor(
    readonly neg: boolean,
    readonly mant: bigint,
    readonly exp: number,
    readonly prec: number,
    readonly inf = false,
  ) {}
}

export type Num = number | BigNum;

export const isNum = (v: unknown): v is Num => typeof v === 'number' || v instanceof BigNum;

/** Bits of exponent tfw follows (Go's reach further; a number beyond this would print ~40,000 digits). */
const MAX_EXP = 1 << 17;

/** Beyond what tfw evaluates: a static error, so try() does not turn it into a fallback terraform would not take. */
function tooBig(): never {
  throw new EvalError('a number beyond the range tfw evaluates (terraform will compute it)', true);
}

function bitLen(m: bigint): number {
  if (m === 0n) return 0;
  if (m < 1n << 52n) return Math.floor(Math.log2(Number(m))) + 1;
  return m.toString(2).length;
}

function make(neg: boolean, mant: bigint, exp: number, prec: number): BigNum {
  if (mant === 0n) return new BigNum(neg, 0n, 0, prec);
  while ((mant & 0xffffffffn) === 0n) { mant >>= 32n; exp += 32; }
  while ((mant & 1n) === 0n) { mant >>= 1n; exp++; }
  if (exp > MAX_EXP || exp < -MAX_EXP) tooBig();
  return new BigNum(neg, mant, exp, prec);
}

/** ±m × 2^e rounded to `prec` bits, nearest even (`sticky`: the exact value lies a little above m). */
function round(neg: boolean, m: bigint, e: number, prec: number, sticky = false): BigNum {
  if (m === 0n) return new BigNum(neg, 0n, 0, prec);
  const bl = bitLen(m);
  if (bl <= prec && !sticky) return make(neg, m, e, prec);
  if (bl <= prec + 1) {
    // make room for a rounding bit below the sticky bit
    const s = prec + 2 - bl;
    m <<= BigInt(s);
    e -= s;
  }
  const shift = bitLen(m) - prec;
  let q = m >> BigInt(shift);
  const r = m - (q << BigInt(shift));
  const half = 1n << BigInt(shift - 1);
  if (r > half || (r === half && (sticky || (q & 1n) === 1n))) q += 1n;
  return make(neg, q, e + shift, prec);
}

const INF = (neg: boolean, prec: number): BigNum => new BigNum(neg, 0n, 0, prec, true);
const isZero = (x: BigNum): boolean => !x.inf && x.mant === 0n;

/** The exact value of a double. */
function decompose(n: number): { neg: boolean; mant: bigint; exp: number } {
  if (Number.isSafeInteger(n)) return { neg: n < 0 || Object.is(n, -0), mant: BigInt(Math.abs(n)), exp: 0 };
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, n);
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp = -1074;
  if (bexp !== 0) { mant |= 1n << 52n; exp = bexp - 1075; }
  return { neg: hi >>> 31 === 1, mant, exp };
}

/** Go's SetFloat64 into a Float of precision `prec` (53: cty.NumberFloatVal). */
export function fromDouble(n: number, prec = 53): BigNum {
  if (Number.isNaN(n)) throw new EvalError('not a number');
  if (!Number.isFinite(n)) return INF(n < 0, prec);
  const d = decompose(n);
  return round(d.neg, d.mant, d.exp, prec);
}

/** A BigInt as Go's SetInt (precision: the given one, else max(bit length, 64)). */
export function fromBigInt(i: bigint, prec?: number): BigNum {
  const neg = i < 0n;
  const m = neg ? -i : i;
  return round(neg, m, 0, prec ?? Math.max(bitLen(m), 64));
}

/** cty.NumberIntVal: an int64 with precision 64. */
export const intVal = (n: number): BigNum => fromBigInt(BigInt(n), 64);

export function toBig(n: Num): BigNum {
  if (n instanceof BigNum) return n;
  return fromDouble(n, 512);
}

/** The double a BigNum holds exactly, if it holds one. */
export function exactDouble(x: BigNum): number | undefined {
  if (x.inf) return undefined;
  if (x.mant === 0n) return x.neg ? -0 : 0;
  if (bitLen(x.mant) > 53 || x.exp > 971 || x.exp < -1074) return undefined;
  const d = Number(x.mant) * 2 ** x.exp;
  if (!Number.isFinite(d) || d === 0) return undefined;
  const back = decompose(d);
  const b = make(false, back.mant, back.exp, 53);
  return b.mant === x.mant && b.exp === x.exp ? (x.neg ? -d : d) : undefined;
}

/** A BigNum as tfw keeps it: a plain number when it is one (precision 512, exact double). */
export function norm(x: BigNum): Num {
  if (x.prec !== 512) return x;
  const d = exactDouble(x);
  return d === undefined ? x : d;
}

// ---- Go's big.Float operations -------------------------------------------

/** Go's z.Add(x, y) with z's precision `prec`. Opposite infinities are terraform's error too. */
function goAdd(x: BigNum, y: BigNum, prec: number): BigNum {
  if (x.inf || y.inf) {
    if (x.inf && y.inf && x.neg !== y.neg) throw new EvalError("can't compute sum of opposing infinities");
    return INF(x.inf ? x.neg : y.neg, prec);
  }
  if (isZero(x) && isZero(y)) return new BigNum(x.neg && y.neg, 0n, 0, prec);
  if (isZero(y)) return round(x.neg, x.mant, x.exp, prec);
  if (isZero(x)) return round(y.neg, y.mant, y.exp, prec);
  const e = Math.min(x.exp, y.exp);
  const a = (x.mant << BigInt(x.exp - e)) * (x.neg ? -1n : 1n);
  const b = (y.mant << BigInt(y.exp - e)) * (y.neg ? -1n : 1n);
  const s = a + b;
  if (s === 0n) return new BigNum(false, 0n, 0, prec);
  return round(s < 0n, s < 0n ? -s : s, e, prec);
}

function goMul(x: BigNum, y: BigNum, prec: number): BigNum {
  const neg = x.neg !== y.neg;
  if (x.inf || y.inf) {
    if (isZero(x) || isZero(y)) throw new EvalError('multiplication of zero with infinity');
    return INF(neg, prec);
  }
  if (isZero(x) || isZero(y)) return new BigNum(neg, 0n, 0, prec);
  return round(neg, x.mant * y.mant, x.exp + y.exp, prec);
}

function goQuo(x: BigNum, y: BigNum, prec: number): BigNum {
  const neg = x.neg !== y.neg;
  if (x.inf && y.inf) throw new EvalError('division of infinity by infinity');
  if (isZero(x) && isZero(y)) throw new EvalError('division of zero by zero');
  if (x.inf || isZero(y)) return INF(neg, prec);
  if (isZero(x) || y.inf) return new BigNum(neg, 0n, 0, prec);
  const k = Math.max(0, prec + 2 + bitLen(y.mant) - bitLen(x.mant));
  const num = x.mant << BigInt(k);
  const q = num / y.mant;
  const r = num - q * y.mant;
  return round(neg, q, x.exp - y.exp - k, prec, r !== 0n);
}

export function neg(n: Num): Num {
  if (typeof n === 'number') return -n;
  return new BigNum(!n.neg, n.mant, n.exp, n.prec, n.inf);
}

export function abs(n: Num): Num {
  if (typeof n === 'number') return Math.abs(n);
  return new BigNum(false, n.mant, n.exp, n.prec, n.inf);
}

const max = (a: number, b: number): number => (a > b ? a : b);

/** cty's Add (and Subtract: Add of the negation). */
export function add(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a + b;
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(r)) return r;
  }
  const x = toBig(a);
  const y = toBig(b);
  return norm(goAdd(x, y, max(x.prec, y.prec)));
}

export const sub = (a: Num, b: Num): Num => add(a, neg(b));

/** cty's Multiply: the product at 512 bits, with the larger of the operands' precisions and the product's own. */
export function mul(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a * b;
    if (Number.isSafeInteger(a) && Number.isSafeInteger(b) && Number.isSafeInteger(r)) return r;
  }
  const x = toBig(a);
  const y = toBig(b);
  const p = goMul(x, y, 512);
  const minPrec = p.inf ? 0 : bitLen(p.mant);
  return norm(new BigNum(p.neg, p.mant, p.exp, max(max(x.prec, y.prec), minPrec), p.inf));
}

/** cty's Divide (x/0 is an infinity, as in terraform). */
export function quo(a: Num, b: Num): Num {
  const x = toBig(a);
  const y = toBig(b);
  return norm(goQuo(x, y, max(x.prec, y.prec)));
}

/** Truncation toward zero (Go's Float.Int) and whether it was exact. */
function trunc(x: BigNum): { i: bigint; exact: boolean } {
  if (x.exp >= 0) return { i: (x.mant << BigInt(x.exp)) * (x.neg ? -1n : 1n), exact: true };
  const i = x.mant >> BigInt(-x.exp);
  return { i: x.neg ? -i : i, exact: i << BigInt(-x.exp) === x.mant };
}

/** cty's Modulo: x - y × trunc(x / y), at x's precision; x % 0 is x. */
export function mod(a: Num, b: Num): Num {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a) && Number.isSafeInteger(b) && b !== 0) {
    const r = a % b;
    // Go's Sub gives +0 where the remainder is zero (JavaScript keeps the dividend's sign)
    return r === 0 ? (a === 0 ? a : 0) : r;
  }
  const x = toBig(a);
  const y = toBig(b);
  if (x.inf || y.inf) throw new EvalError('modulo of an infinity (terraform crashes on it)', true);
  if (isZero(y)) return a;
  const rat = goQuo(x, y, max(x.prec, y.prec));
  const { i } = trunc(rat);
  let work = fromBigInt(i, x.prec);
  work = goMul(y, work, x.prec);
  work = goAdd(x, new BigNum(!work.neg, work.mant, work.exp, work.prec), x.prec);
  return norm(work);
}

/** Exact comparison (Go's Cmp; -0 equals 0). */
export function cmp(a: Num, b: Num): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  const x = toBig(a);
  const y = toBig(b);
  const sx = sign(x);
  const sy = sign(y);
  if (sx !== sy) return sx < sy ? -1 : 1;
  if (x.inf || y.inf) return x.inf && y.inf ? 0 : (x.inf ? 1 : -1) * sx;
  if (sx === 0) return 0;
  const e = Math.min(x.exp, y.exp);
  const p = x.mant << BigInt(x.exp - e);
  const q = y.mant << BigInt(y.exp - e);
  return (p < q ? -1 : p > q ? 1 : 0) * sx;
}

function sign(x: BigNum): number {
  if (!x.inf && x.mant === 0n) return 0;
  return x.neg ? -1 : 1;
}

/** cty's number equality: integers exactly, other numbers by their text (so 0.1 + 0.2 == 0.3). */
export function numEqual(a: Num, b: Num): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  const x = toBig(a);
  const y = toBig(b);
  if (sign(x) !== sign(y)) return false;
  if (x.inf || y.inf) return x.inf && y.inf;
  const tx = trunc(x);
  const ty = trunc(y);
  if (tx.exact !== ty.exact) return false;
  if (tx.exact) return tx.i === ty.i;
  return text(x, 'f', -1) === text(y, 'f', -1);
}

/** A key equal for numbers numEqual calls equal (sets, distinct). */
export function numKey(n: Num): string {
  if (typeof n === 'number' && Number.isSafeInteger(n)) return `i${n === 0 ? 0 : n}`;
  const x = toBig(n);
  if (x.inf) return x.neg ? '-inf' : '+inf';
  const t = trunc(x);
  return t.exact ? `i${t.i}` : `f${text(x, 'f', -1)}`;
}

export function isInteger(n: Num): boolean {
  if (typeof n === 'number') return Number.isInteger(n);
  return !n.inf && trunc(n).exact;
}

/** The integer value of an integral number. */
export function toBigInt(n: Num): bigint {
  if (typeof n === 'number') return BigInt(n);
  return trunc(n).i;
}

/** cty's ceil and floor: an integer at the argument's precision. */
export function ceilFloor(n: Num, up: boolean): Num {
  const x = toBig(n);
  if (x.inf) return n;
  const t = trunc(x);
  let i = t.i;
  if (!t.exact) {
    const below = !x.neg; // truncation went below the value for positive numbers
    if (up && below) i += 1n;
    if (!up && !below) i -= 1n;
  }
  return norm(fromBigInt(i, x.prec));
}

// ---- Parsing: Go's big.ParseFloat(s, 10, 512, ToNearestEven) -------------

const NUM_RE = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:([eEpP])([+-]?\d+))?$/;

/** 5^n as Go's Float.pow5 computes it at precision `prec` (exact up to 5^27, then rounded products). */
function pow5(n: number, prec: number): BigNum {
  if (n <= 27) return round(false, 5n ** BigInt(n), 0, prec);
  let z = round(false, 5n ** 27n, 0, prec);
  n -= 27;
  let f = round(false, 5n, 0, prec + 64);
  while (n > 0) {
    if (n & 1) z = goMul(z, f, prec);
    f = goMul(f, f, prec + 64);
    n = Math.floor(n / 2);
  }
  return z;
}

/** A number's text as cty.ParseNumberVal reads it; undefined when it is not one (terraform: "a number is required"). */
export function parseNumberText(s: string): Num | undefined {
  if (/^\d{1,15}$/.test(s)) return Number(s);
  if (s === 'Inf' || s === 'inf' || s === '+Inf' || s === '+inf') return INF(false, 512);
  if (s === '-Inf' || s === '-inf') return INF(true, 512);
  const r = NUM_RE.exec(s);
  if (!r) return undefined;
  const negative = r[1] === '-';
  const whole = r[2] ?? '';
  const frac = r[3] ?? r[4] ?? '';
  const exp = r[6] === undefined ? 0 : Number(r[6]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > MAX_EXP) tooBig();
  const m = BigInt((whole + frac) || '0');
  if (m === 0n) return norm(new BigNum(negative, 0n, 0, 512));
  const binary = r[5] === 'p' || r[5] === 'P';
  const exp5 = -frac.length + (binary ? 0 : exp);
  const exp2 = -frac.length + exp;
  const z = new BigNum(negative, m, exp2, 512); // unrounded, as Go's scan leaves it
  if (exp5 === 0) return norm(round(negative, m, exp2, 512));
  const p = pow5(Math.abs(exp5), 512 + 64);
  return norm(exp5 < 0 ? goQuo(z, p, 512) : goMul(z, p, 512));
}

/** A string converted to a number as terraform converts it; throws EvalError where terraform refuses. */
export function parseNumber(s: string, what: string): Num {
  const n = parseNumberText(s);
  if (n === undefined) throw new EvalError(`${what}: cannot convert ${JSON.stringify(s)} to number`);
  return n;
}

/** cty.NumberFloatVal of a double (pow, log). */
export function floatVal(d: number): Num {
  return fromDouble(d, 53);
}

/** The nearest double (Go's Float.Float64, for the functions that compute in float64). */
export function toDouble(n: Num): number {
  if (typeof n === 'number') return n;
  if (n.inf) return n.neg ? -Infinity : Infinity;
  if (n.mant === 0n) return n.neg ? -0 : 0;
  const r = round(n.neg, n.mant, n.exp, 53);
  const bl = bitLen(r.mant);
  if (r.exp + bl - 1 > 1023) return n.neg ? -Infinity : Infinity;
  if (r.exp + bl - 1 < -1022) tooBig(); // subnormal range: Go rounds again; not followed
  const d = Number(r.mant) * 2 ** r.exp;
  return r.neg ? -d : d;
}

// ---- Formatting: Go's big.Float Text / Format ----------------------------

/** A decimal 0.DIGITS × 10^exp (Go's math/big decimal), digits without trailing zeros. */
interface Decimal { d: string; e: number }

function toDecimal(m: bigint, e: number): Decimal {
  if (m === 0n) return { d: '', e: 0 };
  let s: string;
  let point: number;
  if (e >= 0) {
    s = (m << BigInt(e)).toString();
    point = s.length;
  } else {
    s = (m * 5n ** BigInt(-e)).toString();
    point = s.length + e;
  }
  return { d: s.replace(/0+$/, ''), e: point };
}

const at = (x: Decimal, i: number): string => (i >= 0 && i < x.d.length ? x.d[i]! : '0');

function roundUp(x: Decimal, n: number): Decimal {
  if (n < 0 || n >= x.d.length) return x;
  while (n > 0 && x.d[n - 1]! >= '9') n--;
  if (n === 0) return { d: '1', e: x.e + 1 };
  return { d: x.d.slice(0, n - 1) + String.fromCharCode(x.d.charCodeAt(n - 1) + 1), e: x.e };
}

function roundDown(x: Decimal, n: number): Decimal {
  if (n < 0 || n >= x.d.length) return x;
  const d = x.d.slice(0, n).replace(/0+$/, '');
  return { d, e: d === '' ? 0 : x.e };
}

function roundDec(x: Decimal, n: number): Decimal {
  if (n < 0 || n >= x.d.length) return x;
  let up: boolean;
  if (x.d[n] === '5' && n + 1 === x.d.length) up = n > 0 && (x.d.charCodeAt(n - 1) - 48) % 2 === 1;
  else up = x.d[n]! >= '5';
  return up ? roundUp(x, n) : roundDown(x, n);
}

/** Go's roundShortest: the fewest digits that read back to x at x's precision. */
function roundShortest(d: Decimal, x: BigNum): Decimal {
  if (d.d === '') return d;
  const s = x.prec + 1 - bitLen(x.mant);
  const mant = s >= 0 ? x.mant << BigInt(s) : x.mant >> BigInt(-s);
  const exp = x.exp - s;
  const lower = toDecimal(mant - 1n, exp);
  const upper = toDecimal(mant + 1n, exp);
  const inclusive = (mant & 2n) === 0n;
  for (let i = 0; i < d.d.length; i++) {
    const m = d.d[i]!;
    const l = at(lower, i);
    const u = at(upper, i);
    const okdown = l !== m || (inclusive && i + 1 === lower.d.length);
    const okup = m !== u && (inclusive || m.charCodeAt(0) + 1 < u.charCodeAt(0) || i + 1 < upper.d.length);
    if (okdown && okup) return roundDec(d, i + 1);
    if (okdown) return roundDown(d, i + 1);
    if (okup) return roundUp(d, i + 1);
  }
  return d;
}

function fmtE(fmt: string, prec: number, d: Decimal): string {
  let out = d.d === '' ? '0' : d.d[0]!;
  if (prec > 0) {
    out += '.';
    out += d.d.slice(1, prec + 1).padEnd(prec, '0');
  }
  let exp = d.d === '' ? 0 : d.e - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${fmt}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

function fmtF(prec: number, d: Decimal): string {
  let out = d.e > 0 ? d.d.slice(0, d.e).padEnd(d.e, '0') : '0';
  if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) out += at(d, d.e + i);
  }
  return out;
}

/** Go's (*big.Float).Text(fmt, prec) for 'e', 'E', 'f', 'g', 'G'. */
export function text(x: BigNum, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  const sign = x.neg ? '-' : '';
  if (x.inf) return x.neg ? '-Inf' : '+Inf';
  let d = toDecimal(x.mant, x.exp);
  if (d.d.length + Math.max(0, d.e) > 1_000_000) tooBig();
  let shortest = false;
  if (prec < 0) {
    shortest = true;
    d = roundShortest(d, x);
    if (fmt === 'e' || fmt === 'E') prec = d.d.length - 1;
    else if (fmt === 'f') prec = Math.max(d.d.length - d.e, 0);
    else prec = d.d.length;
  } else if (fmt === 'e' || fmt === 'E') {
    d = roundDec(d, 1 + prec);
  } else if (fmt === 'f') {
    d = roundDec(d, d.e + prec);
  } else {
    if (prec === 0) prec = 1;
    d = roundDec(d, prec);
  }
  if (fmt === 'e' || fmt === 'E') return sign + fmtE(fmt, prec, d);
  if (fmt === 'f') return sign + fmtF(prec, d);
  let eprec = prec;
  if (eprec > d.d.length && d.d.length >= d.e) eprec = d.d.length;
  if (shortest) eprec = 6;
  const exp = d.e - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > d.d.length) prec = d.d.length;
    return sign + fmtE(fmt === 'g' ? 'e' : 'E', prec - 1, d);
  }
  if (prec > d.e) prec = d.d.length;
  return sign + fmtF(Math.max(prec - d.e, 0), d);
}

/** A number as terraform prints it (cty's `Text('f', -1)`): plain decimal digits, never an exponent. */
export function formatNumber(n: Num): string {
  if (typeof n === 'number' && Number.isSafeInteger(n)) return Object.is(n, -0) ? '-0' : String(n);
  return text(toBig(n), 'f', -1);
}
