// Terraform's numbers are cty's: 512-bit binary floats (big.Float), shown as
// the shortest decimal that reads back at that precision. tfw keeps
// JavaScript doubles and computes + - * / % exactly (BigInt decimals), and
// keeps a result only where cty's would be exact as well: when every operand
// is a dyadic fraction (an integer, 0.5, 0.25 …: exact in binary) and the
// result is one too. Anything else (0.3 - 0.1 is
// 0.2000…0002 in terraform, 1/3 has 155 digits) is Unknown, never a value
// that differs from terraform's.
import { EvalError, Unknown } from './value.ts';

/** m × 10^e */
interface Dec { m: bigint; e: number }

const DEC_RE = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** The decimal a text denotes, or undefined. */
export function parseDec(text: string): Dec | undefined {
  const r = DEC_RE.exec(text);
  if (!r || (r[2] === '' && (r[3] ?? '') === '')) return undefined;
  const frac = r[3] ?? '';
  const exp = Number(r[4] ?? '0');
  if (!Number.isFinite(exp) || Math.abs(exp) > 400) return undefined;
  let m = BigInt((r[2] || '0') + frac);
  if (r[1] === '-') m = -m;
  return norm({ m, e: exp - frac.length });
}

function norm(d: Dec): Dec {
  let { m, e } = d;
  if (m === 0n) return { m: 0n, e: 0 };
  while (m % 10n === 0n) { m /= 10n; e++; }
  return { m, e };
}

/** The decimal a double denotes by its shortest representation (what the user wrote). */
function ofNumber(n: number): Dec {
  return parseDec(String(n))!;
}

function sameDec(a: Dec, b: Dec): boolean {
  return a.m === b.m && a.e === b.e;
}

/** The double for a decimal, or Unknown when no double prints as that decimal. */
function toNumber(d: Dec, what: string): number | Unknown {
  const n = Number(`${d.m}e${d.e}`);
  if (!Number.isFinite(n) || !sameDec(ofNumber(n), norm(d))) return new Unknown(`${what} needs more precision than tfw keeps (terraform's numbers are arbitrary-precision)`);
  return n;
}

/** Whether a number literal's text is held exactly by its double. */
export function exactLiteral(text: string): boolean {
  // Up to 15 significant digits always read back from a double (the common case: no BigInt work).
  if (text.length <= 16 && /^\d+(\.\d+)?$/.test(text) && text.replace('.', '').replace(/^0+/, '').length <= 15) return true;
  const d = parseDec(text);
  if (!d) return false;
  const n = Number(text);
  return Number.isFinite(n) && sameDec(ofNumber(n), d);
}

/** A string as terraform's number conversion reads it (no spaces, optional sign, decimal only). */
export function parseNumber(s: string, what: string): number | Unknown {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new EvalError(`${what}: cannot convert ${JSON.stringify(s)} to number`);
  const d = parseDec(s)!;
  return toNumber(d, `the number ${s}`);
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e), e];
}

/** Whether a decimal is exact in binary (its denominator a power of two). */
function dyadic(d: Dec): boolean {
  return d.e >= 0 || d.m % 5n ** BigInt(-d.e) === 0n;
}

/** + - * / % as cty computes them: exact, or Unknown. */
export function arith(op: string, x: number, y: number): number | Unknown {
  const r = exactArith(op, x, y);
  if (typeof r === 'number' && !dyadic(ofNumber(r))) return new Unknown(`the result of ${String(x)} ${op} ${String(y)} is rounded in binary by terraform (cty's 512-bit floats), not computed by tfw`);
  return r;
}

function exactArith(op: string, x: number, y: number): number | Unknown {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return new Unknown('infinite operand');
  const a = ofNumber(x);
  const b = ofNumber(y);
  const what = `the result of ${String(x)} ${op} ${String(y)}`;
  if (!dyadic(a) || !dyadic(b)) return new Unknown(`${what} is rounded in binary by terraform (cty's 512-bit floats), not computed by tfw`);
  switch (op) {
    case '+': case '-': {
      const [p, q, e] = align(a, b);
      const r = toNumber({ m: op === '+' ? p + q : p - q, e }, what);
      // cty keeps the sign of a zero sum of zeros (-0 - 0 is -0); JavaScript agrees for doubles.
      return r === 0 ? x + (op === '+' ? y : -y) : r;
    }
    case '*': {
      const r = toNumber({ m: a.m * b.m, e: a.e + b.e }, what);
      return r === 0 ? x * y : r;
    }
    case '/': {
      if (y === 0) return new Unknown(`${what} is infinite in terraform`);
      const [p, q] = align(a, b);
      // p/q terminates iff q (reduced) has only 2 and 5 as factors: try up to 60 digits.
      for (let k = 0; k <= 60; k++) {
        const num = p * 10n ** BigInt(k);
        if (num % q === 0n) {
          const r = toNumber({ m: num / q, e: -k }, what);
          return r === 0 ? x / y : r;
        }
      }
      return new Unknown(`${what} has more digits than tfw keeps (terraform's numbers are arbitrary-precision)`);
    }
    default: {
      if (y === 0) throw new EvalError('modulo by zero');
      // Go's big.Float has no modulo; cty computes x - y*trunc(x/y).
      const [p, q, e] = align(a, b);
      return toNumber({ m: p % q, e }, what);
    }
  }
}

/** A number as terraform prints it: plain decimal digits, never an exponent. */
export function formatNumber(n: number): string {
  if (Object.is(n, -0)) return '-0';
  if (Number.isInteger(n) && Number.isSafeInteger(n)) return String(n);
  const d = ofNumber(n);
  const neg = d.m < 0n;
  let digits = (neg ? -d.m : d.m).toString();
  if (d.e >= 0) digits += '0'.repeat(d.e);
  else {
    const point = digits.length + d.e;
    digits = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return (neg ? '-' : '') + digits;
}
