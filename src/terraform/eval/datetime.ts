// formatdate, timeadd and timecmp as cty and terraform compute them (no
// clock: pure functions of their arguments). Timestamps are RFC 3339 as cty's
// strict parser reads them (parseRFC3339 in datetime_rfc3339.go), durations
// as Go's time.ParseDuration, output as Go's Time.Format.
import { EvalError, Unknown } from './value.ts';

interface Stamp {
  /** seconds since 1970-01-01T00:00:00Z of the instant */
  epoch: number;
  nsec: number;
  /** the timestamp's own offset from UTC, in seconds (formatdate and timeadd keep it) */
  offset: number;
  /** the offset was written as Z (Go: time.UTC) */
  utc: boolean;
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (m: number, y: number): number => (m === 2 && isLeap(y) ? 29 : DAYS[m - 1]!);

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): { y: number; m: number; d: number } {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

/** cty's parseRFC3339: YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm), fields in range; undefined where it fails. */
function parseStrict(s: string): Stamp | undefined {
  let ok = true;
  const uint = (t: string, min: number, max: number): number => {
    if (!/^[0-9]+$/.test(t)) { ok = false; return min; }
    const x = Number(t);
    if (x < min || x > max) { ok = false; return min; }
    return x;
  };
  if (s.length < 19) return undefined;
  const year = uint(s.slice(0, 4), 0, 9999);
  const month = uint(s.slice(5, 7), 1, 12);
  const day = uint(s.slice(8, 10), 1, daysIn(month, year));
  const hour = uint(s.slice(11, 13), 0, 23);
  const min = uint(s.slice(14, 16), 0, 59);
  const sec = uint(s.slice(17, 19), 0, 59);
  if (!ok || !(s[4] === '-' && s[7] === '-' && s[10] === 'T' && s[13] === ':' && s[16] === ':')) return undefined;
  let rest = s.slice(19);
  let nsec = 0;
  const frac = /^\.([0-9]+)/.exec(rest);
  if (frac) {
    nsec = Number(frac[1]!.slice(0, 9).padEnd(9, '0'));
    rest = rest.slice(frac[0].length);
  }
  let offset = 0;
  let utc = true;
  if (rest !== 'Z') {
    if (rest.length !== 6) return undefined;
    const hr = uint(rest.slice(1, 3), 0, 23);
    const mm = uint(rest.slice(4, 6), 0, 59);
    if (!ok || !((rest[0] === '-' || rest[0] === '+') && rest[3] === ':')) return undefined;
    offset = (hr * 60 + mm) * 60 * (rest[0] === '-' ? -1 : 1);
    utc = false;
  }
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  return { epoch: local - offset, nsec, offset, utc };
}

function parse(s: string, what: string): Stamp {
  const t = parseStrict(s);
  if (!t) throw new EvalError(`${what}: not a valid RFC3339 timestamp`);
  return t;
}

/** The wall clock of a stamp in its own offset. */
function fields(t: Stamp): { y: number; m: number; d: number; h: number; min: number; s: number; wd: number } {
  const local = t.epoch + t.offset;
  const days = Math.floor(local / 86400);
  const secs = local - days * 86400;
  const { y, m, d } = civilFromDays(days);
  return { y, m, d, h: Math.floor(secs / 3600), min: Math.floor((secs % 3600) / 60), s: secs % 60, wd: (((days + 4) % 7) + 7) % 7 };
}

const two = (n: number): string => String(n).padStart(2, '0');
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Go's Format of the zone with layouts "Z07:00" (z: true), "-0700" or "-07:00". */
function zone(t: Stamp, layout: 'Z07:00' | '-0700' | '-07:00'): string {
  if (layout === 'Z07:00' && t.offset === 0) return 'Z';
  const sign = t.offset < 0 ? '-' : '+';
  const a = Math.abs(t.offset);
  const hh = two(Math.floor(a / 3600));
  const mm = two(Math.floor((a % 3600) / 60));
  return layout === '-0700' ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);

/** cty's splitDateFormat: quoted literals, runs of one letter, other text. */
function tokens(f: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < f.length) {
    const c = f[i]!;
    let j: number;
    if (c === "'") {
      if (f[i + 1] === "'") j = i + 2;
      else {
        j = f.length;
        for (let k = i + 1; k < f.length; k++) {
          if (f[k] === "'") {
            if (k + 1 === f.length) { j = f.length; break; }
            if (f[k + 1] === "'") { k++; continue; }
            j = k + 1;
            break;
          }
        }
      }
    } else if (isLetter(c)) {
      j = i + 1;
      while (j < f.length && f[j] === c) j++;
    } else {
      j = i + 1;
      while (j < f.length && f[j] !== "'" && !isLetter(f[j]!)) j++;
    }
    out.push(f.slice(i, j));
    i = j;
  }
  return out;
}

export function formatdate(format: string, timestamp: string): string {
  const t = parse(timestamp, 'formatdate() timestamp');
  const f = fields(t);
  let out = '';
  for (const tok of tokens(format)) {
    const n = tok.length;
    const bad = (): never => { throw new EvalError(`formatdate(): invalid date format verb ${JSON.stringify(tok)}`); };
    if (tok[0] === "'") {
      if (tok[n - 1] !== "'" || n === 1) throw new EvalError("formatdate(): unterminated literal '");
      if (n === 2) out += "'";
      else {
        const raw = tok.slice(1, -1);
        for (let i = 0; i < raw.length; i++) {
          out += raw[i];
          if (raw[i] === "'") i++;
        }
      }
      continue;
    }
    if (!isLetter(tok[0]!)) { out += tok; continue; }
    switch (tok[0]) {
      case 'Y': out += n === 2 ? two(f.y % 100) : n === 4 ? String(f.y).padStart(4, '0') : bad(); break;
      case 'M': out += n === 1 ? String(f.m) : n === 2 ? two(f.m) : n === 3 ? MONTHS[f.m - 1]!.slice(0, 3) : n === 4 ? MONTHS[f.m - 1]! : bad(); break;
      case 'D': out += n === 1 ? String(f.d) : n === 2 ? two(f.d) : bad(); break;
      case 'E': out += n === 3 ? WEEKDAYS[f.wd]!.slice(0, 3) : n === 4 ? WEEKDAYS[f.wd]! : bad(); break;
      case 'h': out += n === 1 ? String(f.h) : n === 2 ? two(f.h) : bad(); break;
      case 'H': { const h = f.h % 12 || 12; out += n === 1 ? String(h) : n === 2 ? two(h) : bad(); break; }
      case 'A': case 'a': {
        if (n !== 2) bad();
        const pm = f.h >= 12;
        out += tok[0] === 'A' ? (pm ? 'PM' : 'AM') : pm ? 'pm' : 'am';
        break;
      }
      case 'm': out += n === 1 ? String(f.min) : n === 2 ? two(f.min) : bad(); break;
      case 's': out += n === 1 ? String(f.s) : n === 2 ? two(f.s) : bad(); break;
      case 'Z': {
        if (n === 1) out += zone(t, 'Z07:00');
        else if (n === 3) { const z = zone(t, '-0700'); out += z === '+0000' ? 'UTC' : z; }
        else if (n === 4) out += zone(t, '-0700');
        else if (n === 5) out += zone(t, '-07:00');
        else bad();
        break;
      }
      default: bad();
    }
  }
  return out;
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1000000n, s: 1000000000n, m: 60000000000n, h: 3600000000000n };
const LIMIT = 1n << 63n;

/** Go's time.ParseDuration, in nanoseconds. */
function parseDuration(orig: string): bigint {
  const fail = (): never => { throw new EvalError(`timeadd(): invalid duration ${JSON.stringify(orig)}`); };
  let s = orig;
  let neg = false;
  if (s !== '' && (s[0] === '-' || s[0] === '+')) { neg = s[0] === '-'; s = s.slice(1); }
  if (s === '0') return 0n;
  if (s === '') fail();
  let d = 0n;
  while (s !== '') {
    if (!(s[0] === '.' || (s[0]! >= '0' && s[0]! <= '9'))) fail();
    const lead = /^[0-9]*/.exec(s)![0];
    let v = 0n;
    for (const c of lead) {
      v = v * 10n + BigInt(c.charCodeAt(0) - 48);
      if (v >= LIMIT) fail(); // leadingInt overflow
    }
    s = s.slice(lead.length);
    let f = 0n;
    let scale = 1;
    let post = false;
    if (s[0] === '.') {
      s = s.slice(1);
      const fr = /^[0-9]*/.exec(s)![0];
      post = fr.length > 0;
      let overflow = false;
      for (const c of fr) {
        if (overflow) continue;
        if (f > (LIMIT - 1n) / 10n) { overflow = true; continue; }
        const y = f * 10n + BigInt(c.charCodeAt(0) - 48);
        if (y >= LIMIT) { overflow = true; continue; }
        f = y;
        scale *= 10;
      }
      s = s.slice(fr.length);
    }
    if (lead.length === 0 && !post) fail();
    let i = 0;
    while (i < s.length && s[i] !== '.' && !(s[i]! >= '0' && s[i]! <= '9')) i++;
    if (i === 0) throw new EvalError(`timeadd(): missing unit in duration ${JSON.stringify(orig)}`);
    const unit = UNITS[s.slice(0, i)];
    if (unit === undefined) throw new EvalError(`timeadd(): unknown unit in duration ${JSON.stringify(orig)}`);
    s = s.slice(i);
    if (v > LIMIT / unit) fail();
    v *= unit;
    if (f > 0n) {
      // float64, as Go computes it
      v += BigInt(Math.trunc(Number(f) * (Number(unit) / scale)));
      if (v > LIMIT) fail();
    }
    d += v;
    if (d > LIMIT) fail();
  }
  if (neg) return -d;
  if (d > LIMIT - 1n) fail();
  return d;
}

export function timeadd(timestamp: string, duration: string): string | Unknown {
  const t = parse(timestamp, 'timeadd() timestamp');
  const d = parseDuration(duration);
  const total = BigInt(t.epoch) * 1000000000n + BigInt(t.nsec) + d;
  let sec = total / 1000000000n;
  if (total % 1000000000n < 0n) sec -= 1n; // floor
  const r: Stamp = { epoch: Number(sec), nsec: 0, offset: t.offset, utc: t.utc };
  const f = fields(r);
  if (f.y < 0 || f.y > 9999) return new Unknown('timeadd() beyond year 9999');
  return `${String(f.y).padStart(4, '0')}-${two(f.m)}-${two(f.d)}T${two(f.h)}:${two(f.min)}:${two(f.s)}${zone(r, 'Z07:00')}`;
}

/**
 * Go's general time.Parse with the RFC 3339 layout ("2006-01-02T15:04:05Z07:00"),
 * which terraform's timecmp falls back on where the strict form fails: a
 * one-digit hour, a comma before the fraction, a zone offset up to +24:60.
 * undefined where Go fails too.
 */
function parseLenient(s: string): Stamp | undefined {
  let v = s;
  const digit = (i: number): boolean => i < v.length && v[i]! >= '0' && v[i]! <= '9';
  const lit = (c: string): boolean => {
    if (v[0] !== c) return false;
    v = v.slice(1);
    return true;
  };
  // getnum(value, fixed)
  const num = (fixed: boolean): number | undefined => {
    if (!digit(0)) return undefined;
    if (!digit(1)) {
      if (fixed) return undefined;
      const n = Number(v[0]);
      v = v.slice(1);
      return n;
    }
    const n = Number(v.slice(0, 2));
    v = v.slice(2);
    return n;
  };
  if (v.length < 4 || !digit(0) || !/^[0-9]{4}$/.test(v.slice(0, 4))) return undefined;
  const year = Number(v.slice(0, 4));
  v = v.slice(4);
  if (!lit('-')) return undefined;
  const month = num(true);
  if (month === undefined || month < 1 || month > 12 || !lit('-')) return undefined;
  const day = num(true);
  if (day === undefined || !lit('T')) return undefined;
  const hour = num(false);
  if (hour === undefined || hour >= 24 || !lit(':')) return undefined;
  const min = num(true);
  if (min === undefined || min >= 60 || !lit(':')) return undefined;
  const sec = num(true);
  if (sec === undefined || sec >= 60) return undefined;
  let nsec = 0;
  if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && digit(1)) {
    let n = 2;
    while (digit(n)) n++;
    const frac = v.slice(1, Math.min(n, 10));
    nsec = Number(frac.padEnd(9, '0'));
    v = v.slice(n);
  }
  let offset = 0;
  let utc = true;
  if (v[0] === 'Z') v = v.slice(1);
  else {
    if (v.length < 6 || v[3] !== ':') return undefined;
    const sign = v[0];
    const hh = v.slice(1, 3);
    const mm = v.slice(4, 6);
    v = v.slice(6);
    if (!/^[0-9]{2}$/.test(hh) || !/^[0-9]{2}$/.test(mm)) return undefined;
    if (Number(hh) > 24 || Number(mm) > 60) return undefined;
    if (sign !== '+' && sign !== '-') return undefined;
    offset = (Number(hh) * 60 + Number(mm)) * 60 * (sign === '-' ? -1 : 1);
    utc = false;
  }
  if (v.length > 0) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  return { epoch: local - offset, nsec, offset, utc };
}

/** terraform's timecmp: time.Parse(time.RFC3339, …), strict first, then Go's general parser. */
export function timecmp(a: string, b: string): number | Unknown {
  const x = parseStrict(a) ?? parseLenient(a);
  const y = parseStrict(b) ?? parseLenient(b);
  if (!x) throw new EvalError(`timecmp(): not a valid RFC3339 timestamp: ${JSON.stringify(a)}`);
  if (!y) throw new EvalError(`timecmp(): not a valid RFC3339 timestamp: ${JSON.stringify(b)}`);
  const dx = BigInt(x.epoch) * 1000000000n + BigInt(x.nsec);
  const dy = BigInt(y.epoch) * 1000000000n + BigInt(y.nsec);
  return dx === dy ? 0 : dx < dy ? -1 : 1;
}
