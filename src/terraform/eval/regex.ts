// Terraform's regular expressions are Go's RE2. re2js is a JavaScript port of
// RE2 (linear time: no pattern can hang the reader, so no "risky pattern"
// heuristics), loaded on the first regex a configuration evaluates.
// Replacement strings follow Go's Regexp.Expand ($1, ${1}, $name; `$1x` is the
// group named "1x"), and "All" matching skips an empty match that abuts the
// previous one, as Go does.
import { createRequire } from 'node:module';
import { EvalError, checkItems, checkString, makeObject, type Value } from './value.ts';
import { tag } from './types.ts';

interface Re2 {
  findAllSubmatchIndex(s: string, n: number): number[][] | null;
}
interface Compiled { re: Re2; groups: number; names: Record<string, number> }

type Re2jsModule = { RE2JS: { compile(p: string): { re2(): Re2; groupCount(): number; namedGroups(): Record<string, number> } } };
let re2js: Re2jsModule | undefined;
const cache = new Map<string, Compiled>();

function compile(pattern: string): Compiled {
  const hit = cache.get(pattern);
  if (hit) return hit;
  re2js ??= createRequire(import.meta.url)('re2js') as Re2jsModule;
  let c: Compiled;
  try {
    const p = re2js.RE2JS.compile(pattern);
    c = { re: p.re2(), groups: p.groupCount(), names: p.namedGroups() };
  } catch (e) {
    throw new EvalError(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
  if (cache.size > 256) cache.clear();
  cache.set(pattern, c);
  return c;
}

function matches(c: Compiled, s: string, n = -1): number[][] {
  return c.re.findAllSubmatchIndex(s, n) ?? [];
}

/** One match as terraform's regex() returns it: the string, a list of groups, or an object of named groups. */
function captures(c: Compiled, s: string, m: number[]): Value {
  if (c.groups === 0) return s.slice(m[0], m[1]);
  const group = (i: number): Value => (m[2 * i]! < 0 ? null : s.slice(m[2 * i], m[2 * i + 1]));
  const named = Object.entries(c.names);
  if (named.length === 0) return tag(Array.from({ length: c.groups }, (_, i) => group(i + 1)), 'list');
  if (named.length !== c.groups) throw new EvalError('a regular expression cannot mix named and unnamed capture groups');
  return tag(makeObject(named.map(([name, i]) => [name, group(i)])), 'object');
}

export function regex(pattern: string, s: string): Value {
  const c = compile(pattern);
  const m = matches(c, s, 1)[0];
  if (!m) throw new EvalError('pattern did not match any part of the given string');
  return captures(c, s, m);
}

export function regexall(pattern: string, s: string): Value {
  const c = compile(pattern);
  return tag(checkItems(matches(c, s).map((m) => captures(c, s, m))), 'list');
}

/** Go's Regexp.ReplaceAllString. */
export function regexReplace(s: string, pattern: string, repl: string): string {
  const c = compile(pattern);
  let out = '';
  let last = 0;
  for (const m of matches(c, s)) {
    out += s.slice(last, m[0]) + expand(c, s, m, repl);
    last = m[1]!;
    checkString(out);
  }
  return checkString(out + s.slice(last));
}

/** Go's Regexp.Expand: $name / ${name}, name the longest run of letters, digits and _; a number is a group index. */
function expand(c: Compiled, s: string, m: number[], repl: string): string {
  let out = '';
  for (let i = 0; i < repl.length;) {
    const ch = repl[i]!;
    if (ch !== '$') { out += ch; i++; continue; }
    if (repl[i + 1] === '$') { out += '$'; i += 2; continue; }
    let name: string | undefined;
    let end = i + 1;
    if (repl[i + 1] === '{') {
      const close = repl.indexOf('}', i + 2);
      const inner = close < 0 ? '' : repl.slice(i + 2, close);
      if (close >= 0 && /^\w+$/.test(inner)) { name = inner; end = close + 1; }
    } else {
      const r = /^\w+/.exec(repl.slice(i + 1));
      if (r) { name = r[0]; end = i + 1 + r[0].length; }
    }
    if (name === undefined) { out += '$'; i++; continue; } // malformed: the $ is text
    let g = -1;
    if (/^\d+$/.test(name)) g = Number(name) <= c.groups ? Number(name) : -1;
    else if (Object.prototype.hasOwnProperty.call(c.names, name)) g = c.names[name]!;
    if (g >= 0 && m[2 * g]! >= 0) out += s.slice(m[2 * g], m[2 * g + 1]);
    i = end;
  }
  return out;
}
