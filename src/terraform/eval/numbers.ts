// Terraform's numbers are arbitrary-precision (cty: 512-bit big.Float, shown
// as the shortest decimal that reads back). tfw keeps JavaScript numbers and
// computes + - * / % exactly in decimal (BigInt): a result is kept only when
// the double holds that decimal exactly as written (0.1 + 0.2 is 0.3); any
// other result (1/3, 2^60 + 1, 1e400) is Unknown — never a rounded value.
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

/** + - * / % as cty computes them, exactly. */
export function arith(op: string, x: number, y: number): number | Unknown {
  if (!Number.isFinite(x) || !Number.isFinite(y)) return new Unknown('infinite operand');
  const a = ofNumber(x);
  const b = ofNumber(y);
  const what = `the result of ${String(x)} ${op} ${String(y)}`;
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
