// cidrhost, cidrnetmask, cidrsubnet, cidrsubnets for IPv4 and IPv6, as
// terraform 1.11 computes them (internal/lang/funcs/cidr.go): its ipaddr fork
// of Go's net.ParseCIDR (Go 1.16's parser: leading zeros in IPv4 octets
// allowed), go-cidr 1.1.0's HostBig, SubnetBig, PreviousSubnet and
// NextSubnet on *big.Int host numbers, and Go's net.IP / net.IPNet String()
// (RFC 5952 `::` compression of the longest run of zero groups, the first of
// equals; an IPv4-mapped address printed as dotted IPv4). Addresses are kept
// as a BigInt and their length in bytes (4 or 16), as Go's net.IP slices are.
// Where go-cidr's arithmetic leaves the address (a panic in terraform, a
// host number's low 64 bits reinterpreted, an IPv4-mapped prefix switching
// lengths mid-way) the value is unknown: terraform has an error or an
// accident there, never something tfw should reproduce.
import { isInteger, toBigInt } from './numbers.ts';
import { tag } from './types.ts';
import { EvalError, Unknown, toNumber, toStr, type Value } from './value.ts';

interface IP { v: bigint; len: 4 | 16 }
/** A parsed prefix: the masked address, and the mask as its ones and its bits (8 × the mask's length). */
interface Net { ip: IP; ones: number; bits: number }

const ones = (n: number): bigint => (1n << BigInt(n)) - 1n;

/** net.IP.To4(). */
function to4(ip: IP): IP | undefined {
  if (ip.len === 4) return ip;
  return ip.v >> 32n === 0xffffn ? { v: ip.v & ones(32), len: 4 } : undefined;
}

/** net.IP.String() (Go 1.23: To4, then netip's formatting). */
export function ipString(ip: IP): string {
  const v4 = to4(ip);
  if (v4) return [24n, 16n, 8n, 0n].map((s) => String((v4.v >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => Number((ip.v >> BigInt(112 - 16 * i)) & 0xffffn));
  let zs = -1;
  let ze = -1;
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > ze - zs) { zs = i; ze = j; }
  }
  let out = '';
  for (let i = 0; i < 8; i++) {
    if (i === zs) {
      out += '::';
      i = ze;
      if (i >= 8) break;
    } else if (i > 0) out += ':';
    out += groups[i]!.toString(16);
  }
  return out;
}

/** net.IPNet.String() of a prefix whose mask is CIDRMask(ones, bits). */
function netString(n: Net): string {
  let nn = to4(n.ip);
  if (!nn) {
    if (n.ip.len !== 16) return '<nil>';
    nn = n.ip;
  }
  let l = n.ones;
  if (n.bits === 32) {
    if (nn.len !== 4) return '<nil>';
  } else if (nn.len === 4) l = Math.max(0, n.ones - 96); // m = m[12:]
  return `${ipString(nn)}/${l}`;
}

/** ipaddr's dtoi: decimal digits, at most 0xFFFFFF. */
function dtoi(s: string, at: number): { n: number; end: number } | undefined {
  let n = 0;
  let i = at;
  for (; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= 0xffffff) return undefined;
  }
  return i === at ? undefined : { n, end: i };
}

function xtoi(s: string, at: number): { n: number; end: number } | undefined {
  let n = 0;
  let i = at;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 16);
    if (Number.isNaN(d) || !/[0-9a-fA-F]/.test(s[i]!)) break;
    n = n * 16 + d;
    if (n >= 0xffffff) return undefined;
  }
  return i === at ? undefined : { n, end: i };
}

/** ipaddr.parseIPv4: the four octets (the caller makes Go's 16-byte form). */
function parseIPv4(s: string): bigint | undefined {
  let v = 0n;
  let i = 0;
  for (let k = 0; k < 4; k++) {
    if (i >= s.length) return undefined;
    if (k > 0) {
      if (s[i] !== '.') return undefined;
      i++;
    }
    const d = dtoi(s, i);
    if (!d || d.n > 0xff) return undefined;
    v = (v << 8n) | BigInt(d.n);
    i = d.end;
  }
  return i === s.length ? v : undefined;
}

/** ipaddr.parseIPv6 (no zone), as a 128-bit integer. */
function parseIPv6(s: string): bigint | undefined {
  const ip = new Array<number>(16).fill(0);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return 0n;
  }
  let i = 0;
  while (i < 16) {
    const x = xtoi(s, 0);
    if (!x || x.n > 0xffff) return undefined;
    if (x.end < s.length && s[x.end] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const v4 = parseIPv4(s);
      if (v4 === undefined) return undefined;
      for (let k = 0; k < 4; k++) ip[i + k] = Number((v4 >> BigInt(24 - 8 * k)) & 0xffn);
      s = '';
      i += 4;
      break;
    }
    ip[i] = x.n >> 8;
    ip[i + 1] = x.n & 0xff;
    i += 2;
    s = s.slice(x.end);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  if (i < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) return undefined;
  return ip.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
}

/** ipaddr.ParseCIDR's network: the address masked, 4 bytes for an IPv4 prefix, 16 for an IPv6 one (also an IPv4-mapped one). */
function parseCidr(s: string, name: string): Net {
  const bad = (): never => { throw new EvalError(`${name}(): invalid CIDR expression: invalid CIDR address: ${s}`); };
  const slash = s.indexOf('/');
  if (slash < 0) bad();
  const addr = s.slice(0, slash);
  const maskText = s.slice(slash + 1);
  let len: 4 | 16 = 4;
  let v = parseIPv4(addr);
  if (v === undefined) {
    len = 16;
    v = parseIPv6(addr);
  }
  const m = dtoi(maskText, 0);
  if (v === undefined || !m || m.end !== maskText.length || m.n > 8 * len) return bad();
  const bits = 8 * len;
  const mask = ones(bits) ^ ones(bits - m.n);
  return { ip: { v: v & mask, len }, ones: m.n, bits };
}

/** gocty's number → *big.Int (cty converts a numeric string first). */
function numArg(v: Value | undefined, what: string): bigint {
  const n = toNumber(v ?? null, what);
  if (!isInteger(n)) throw new EvalError(`${what}: value must be a whole number`);
  return toBigInt(n);
}

/** gocty's number → Go int (int64). */
function intArg(v: Value | undefined, what: string): number {
  const b = numArg(v, what);
  if (b < -(1n << 63n) || b >= 1n << 63n) throw new EvalError(`${what}: value must be a whole number, between -9223372036854775808 and 9223372036854775807`);
  if (b < -(1n << 53n) || b > 1n << 53n) throw new Unknown(`${what}: a number of bits beyond what tfw follows`);
  return Number(b);
}

const prefixArg = (a: Value[], name: string): Net => {
  if (a[0] === null || a[0] === undefined) throw new EvalError(`${name}(): prefix must not be null`);
  return parseCidr(toStr(a[0], `${name}() prefix`), name);
};

function arity(name: string, a: Value[], n: number): void {
  if (a.length !== n) throw new EvalError(`wrong number of arguments to ${name}()`, true);
}

/** Runs f, turning the Unknown it throws into the value. */
function guarded(f: (a: Value[]) => Value): (a: Value[]) => Value {
  return (a) => {
    try {
      return f(a);
    } catch (e) {
      if (e instanceof Unknown) return e;
      throw e;
    }
  };
}

/**
 * go-cidr's insertNumIntoIP: ip | num << (bits - prefixLen) on *big.Int, as
 * bytes right-aligned in the address (Go's Or of a negative number is its
 * two's complement, and Bytes() its magnitude); a result longer than the
 * address makes terraform panic (an error): unknown.
 */
function insertNum(ip: IP, num: bigint, prefixLen: number): IP {
  const total = ip.len * 8;
  const shift = total - prefixLen;
  if (shift > 4096) throw new Unknown('a shift beyond the address (terraform fails)');
  const y = num << BigInt(shift);
  const v = y >= 0n ? ip.v | y : ((-y - 1n) & ~ip.v) + 1n;
  if (v >> BigInt(total) !== 0n) throw new Unknown('a host or network number that overflows the address (terraform fails)');
  return { v, len: ip.len };
}

/** Go's big.Int.Uint64() (the low 64 bits of the magnitude). */
const low64 = (n: bigint): bigint => (n < 0n ? -n : n) & ones(64);

export const CIDR_FUNCTIONS: Record<string, (a: Value[]) => Value> = {
  cidrhost: guarded((a) => {
    arity('cidrhost', a, 2);
    let num = numArg(a[1], 'cidrhost() hostnum');
    const n = prefixArg(a, 'cidrhost');
    const hostLen = n.bits - n.ones;
    const max = ones(hostLen);
    let check: bigint;
    if (num < 0n) {
      check = -num - 1n;
      num = max - check;
    } else {
      check = BigInt.asIntN(64, low64(num)); // big.NewInt(int64(num.Uint64()))
    }
    if (check > max) throw new EvalError(`cidrhost(): prefix of ${n.ones} does not accommodate a host numbered ${num}`);
    const bitlength = to4(n.ip) ? 32 : 128;
    return ipString(insertNum(n.ip, num, bitlength));
  }),
  cidrnetmask: guarded((a) => {
    arity('cidrnetmask', a, 1);
    const n = prefixArg(a, 'cidrnetmask');
    if (!to4(n.ip)) throw new EvalError(`cidrnetmask(): IPv6 addresses cannot have a netmask: ${toStr(a[0]!)}`);
    return ipString({ v: ones(n.bits) ^ ones(n.bits - n.ones), len: n.bits === 32 ? 4 : 16 });
  }),
  cidrsubnet: guarded((a) => {
    arity('cidrsubnet', a, 3);
    const newBits = intArg(a[1], 'cidrsubnet() newbits');
    const num = numArg(a[2], 'cidrsubnet() netnum');
    const n = prefixArg(a, 'cidrsubnet');
    const newLen = n.ones + newBits;
    if (newLen > n.bits) throw new EvalError(`cidrsubnet(): insufficient address space to extend prefix of ${n.ones} by ${newBits}`);
    // uint64(1<<uint64(newBits)) - 1: a negative or 64+ newbits shifts the 1 out, leaving 2^64 - 1
    const maxNet = newBits < 0 || newBits >= 64 ? ones(64) : ones(newBits);
    if (low64(num) > maxNet) throw new EvalError(`cidrsubnet(): prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
    const ip = insertNum(n.ip, num, newLen);
    return newLen < 0 ? '<nil>' : netString({ ip, ones: newLen, bits: n.bits }); // CIDRMask(negative) is nil
  }),
  cidrsubnets: guarded((a) => {
    if (a.length < 1) throw new EvalError('wrong number of arguments to cidrsubnets()', true);
    const n = prefixArg(a, 'cidrsubnets');
    const lengths = a.slice(1).map((x, i) => intArg(x, `cidrsubnets() newbits ${i + 1}`));
    if (lengths.length === 0) return tag([], 'list');
    // Past here go-cidr works on To4() of the address: an IPv4-mapped IPv6 prefix changes length mid-way
    if (n.ip.len === 16 && to4(n.ip)) throw new Unknown('cidrsubnets() of an IPv4-mapped IPv6 prefix');
    const bits = n.ip.len * 8;
    const all = ones(bits);
    const maskOf = (l: number): bigint => all ^ ones(bits - l);
    const first = lengths[0]! + n.ones;
    // PreviousSubnet(network, first): the address before the network's, masked to the first length
    let cur = { v: ((n.ip.v - 1n) & all) & (first >= 0 && first <= bits ? maskOf(first) : 0n), ones: first };
    const out: Value[] = [];
    for (const [i, extra] of lengths.entries()) {
      if (extra < 1) throw new EvalError(`cidrsubnets(): argument ${i + 2}: must extend prefix by at least one bit`);
      if (extra > 32) throw new EvalError(`cidrsubnets(): argument ${i + 2}: may not extend prefix by more than 32 bits`);
      const len = extra + n.ones;
      if (len > bits) throw new EvalError(`cidrsubnets(): argument ${i + 2}: would extend prefix to ${len} bits, which is too long for an ${bits === 32 ? 'IPv4' : 'IPv6'} address`);
      if (first < 0 || first > bits) throw new Unknown('cidrsubnets(): a first length go-cidr makes no prefix of');
      // NextSubnet(cur, len): the last address of cur, masked to len, its last address, plus one
      const curLast = cur.v | (all ^ maskOf(cur.ones));
      const before = (curLast & maskOf(len)) | (all ^ maskOf(len));
      const last = before + 1n;
      const rollover = last > all;
      const next = last & all & maskOf(len);
      if (bits === 128 && [curLast, before, next].some((x) => x >> 32n === 0xffffn)) throw new Unknown('cidrsubnets(): an IPv4-mapped address on the way (go-cidr changes its length)');
      if (rollover || (next & maskOf(n.ones)) !== n.ip.v) {
        throw new EvalError(`cidrsubnets(): argument ${i + 2}: not enough remaining address space for a subnet with a prefix of ${len} bits after ${netString({ ip: { v: cur.v, len: n.ip.len }, ones: cur.ones, bits })}`);
      }
      cur = { v: next, ones: len };
      out.push(netString({ ip: { v: next, len: n.ip.len }, ones: len, bits }));
    }
    return tag(out, 'list');
  }),
};
