// The built-in functions tfw evaluates (the ones seen in provider and backend
// settings). Any other function makes the value Unknown: terraform knows it,
// tfw does not pretend to. `try` and `can` live in the evaluator (they need
// the unevaluated arguments).
import {
  EvalError, Unknown, checkItems, checkString, equal, findUnknown, formatNumber, hasKey, isObject,
  makeObject, toBool, toNum, toStr, typeName, type ObjectValue, type Value,
} from './value.ts';

type Fn = (args: Value[]) => Value;

const str = (v: Value | undefined, what: string): string => toStr(v ?? null, what);
const list = (v: Value | undefined, what: string): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalError(`${what} must be a list, not ${v === undefined ? 'missing' : typeName(v)}`);
};
const map = (v: Value | undefined, what: string): ObjectValue => {
  if (v !== undefined && isObject(v)) return v;
  throw new EvalError(`${what} must be a map, not ${v === undefined ? 'missing' : typeName(v)}`);
};
function arity(name: string, args: Value[], min: number, max = min): void {
  if (args.length < min || args.length > max) throw new EvalError(`wrong number of arguments to ${name}()`);
}

/** First occurrences, in order. Keyed, so 100k elements take milliseconds, not the minutes pairwise equal() took. */
function distinct(items: Value[]): Value[] {
  const seen = new Set<string>();
  const out: Value[] = [];
  for (const v of items) {
    const k = canonical(v);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(v);
  }
  return out;
}

/** A string equal for values that equal() calls equal (object keys in any order). */
function canonical(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return `n${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k]!)}`).join(',')}}`;
  return 'unknown';
}

/** Above this, work grows too fast for a guess to be safe (backtracking is exponential at worst). */
const REGEX_WORK = 1e8;

/**
 * JavaScript's regular expressions backtrack: `replace(s, "/(a+)+$/", "")`
 * on thirty a's ran for a minute (terraform's RE2 is linear). A pattern runs
 * only when it cannot blow up: no quantified group holding a quantifier or an
 * alternative, no back-reference or look-around (RE2 has neither), and few
 * enough quantifiers for the length of the string (the work grows as
 * length^(quantifiers+1)). Returns why it is refused, or undefined.
 */
export function regexRisk(pattern: string, subjectLength: number): string | undefined {
  type Group = { quant: boolean; alt: boolean };
  const groups: Group[] = [];
  let quantifiers = 0;
  let last: Group | undefined;
  const quantifier = /\{\d+(,\d*)?\}\??|[*+?]\??/y;
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (/[1-9k]/.test(n)) return 'back-references are not supported';
      i += 2;
      last = undefined;
      continue;
    }
    if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      i = j + 1;
      last = undefined;
      continue;
    }
    if (c === '(') {
      if (/^\(\?<?[=!]/.test(pattern.slice(i, i + 4))) return 'look-around is not supported';
      groups.push({ quant: false, alt: false });
      i += pattern[i + 1] === '?' ? 2 : 1;
      last = undefined;
      continue;
    }
    if (c === ')') {
      const g = groups.pop() ?? { quant: false, alt: false };
      const parent = groups[groups.length - 1];
      if (parent) {
        parent.quant ||= g.quant;
        parent.alt ||= g.alt;
      }
      last = g;
      i++;
      continue;
    }
    if (c === '|') {
      const top = groups[groups.length - 1];
      if (top) top.alt = true;
      i++;
      last = undefined;
      continue;
    }
    quantifier.lastIndex = i;
    const q = quantifier.exec(pattern);
    if (q) {
      if (last && (last.quant || last.alt)) return 'a repeated group that itself repeats or alternates can take exponential time';
      quantifiers++;
      const top = groups[groups.length - 1];
      if (top) top.quant = true;
      i += q[0].length;
      last = undefined;
      continue;
    }
    i++;
    last = undefined;
  }
  if (quantifiers > 0 && (quantifiers + 1) * Math.log10(Math.max(subjectLength, 1)) > Math.log10(REGEX_WORK)) {
    return `${quantifiers} quantifiers on a string of ${subjectLength} characters could take too long`;
  }
  return undefined;
}

const FUNCTIONS: Record<string, Fn> = {
  lower: (a) => { arity('lower', a, 1); return str(a[0], 'lower() argument').toLowerCase(); },
  upper: (a) => { arity('upper', a, 1); return str(a[0], 'upper() argument').toUpperCase(); },
  trimspace: (a) => { arity('trimspace', a, 1); return str(a[0], 'trimspace() argument').trim(); },
  trimprefix: (a) => {
    arity('trimprefix', a, 2);
    const s = str(a[0], 'string'); const p = str(a[1], 'prefix');
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (a) => {
    arity('trimsuffix', a, 2);
    const s = str(a[0], 'string'); const p = str(a[1], 'suffix');
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  startswith: (a) => { arity('startswith', a, 2); return str(a[0], 'string').startsWith(str(a[1], 'prefix')); },
  endswith: (a) => { arity('endswith', a, 2); return str(a[0], 'string').endsWith(str(a[1], 'suffix')); },
  tostring: (a) => { arity('tostring', a, 1); return a[0] === null ? null : str(a[0], 'tostring() argument'); },
  tonumber: (a) => { arity('tonumber', a, 1); return a[0] === null ? null : toNum(a[0]!, 'tonumber() argument'); },
  tobool: (a) => { arity('tobool', a, 1); return a[0] === null ? null : toBool(a[0]!, 'tobool() argument'); },
  tolist: (a) => { arity('tolist', a, 1); return list(a[0], 'tolist() argument'); },
  toset: (a) => { arity('toset', a, 1); return distinct(list(a[0], 'toset() argument')); },
  tomap: (a) => { arity('tomap', a, 1); return map(a[0], 'tomap() argument'); },
  length: (a) => {
    arity('length', a, 1);
    const v = a[0]!;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    throw new EvalError(`length() of a ${typeName(v)}`);
  },
  keys: (a) => { arity('keys', a, 1); return Object.keys(map(a[0], 'keys() argument')).sort(); },
  values: (a) => {
    arity('values', a, 1);
    const m = map(a[0], 'values() argument');
    return Object.keys(m).sort().map((k) => m[k]!);
  },
  contains: (a) => { arity('contains', a, 2); return list(a[0], 'contains() list').some((v) => equal(v, a[1]!)); },
  split: (a) => {
    arity('split', a, 2);
    const sep = str(a[0], 'separator');
    return checkItems(str(a[1], 'string').split(sep));
  },
  join: (a) => {
    if (a.length < 2) throw new EvalError('join() needs a separator and at least one list');
    const sep = str(a[0], 'separator');
    const items = a.slice(1).flatMap((l, i) => list(l, `join() list ${i + 1}`)).map((v) => str(v, 'join() element'));
    return checkString(items.join(sep));
  },
  concat: (a) => checkItems(a.flatMap((l, i) => list(l, `concat() argument ${i + 1}`))),
  element: (a) => {
    arity('element', a, 2);
    const l = list(a[0], 'element() list');
    if (l.length === 0) throw new EvalError('element() of an empty list');
    const i = toNum(a[1]!, 'element() index');
    if (!Number.isInteger(i) || i < 0) throw new EvalError('element() index must be a non-negative integer');
    return l[i % l.length]!;
  },
  lookup: (a) => {
    arity('lookup', a, 2, 3);
    const m = map(a[0], 'lookup() map');
    const k = str(a[1], 'lookup() key');
    if (hasKey(m, k)) return m[k]!;
    if (a.length === 3) return a[2]!;
    throw new EvalError(`lookup() found no key "${k}" and has no default`);
  },
  merge: (a) => {
    const out = makeObject();
    for (const [i, m] of a.entries()) {
      if (m === null) continue;
      const o = map(m, `merge() argument ${i + 1}`);
      for (const k of Object.keys(o)) out[k] = o[k]!;
    }
    return out;
  },
  coalesce: (a) => {
    for (const v of a) if (v !== null && v !== '') return v;
    throw new EvalError('no non-null, non-empty argument to coalesce()');
  },
  coalescelist: (a) => {
    for (const v of a) if (Array.isArray(v) && v.length > 0) return v;
    throw new EvalError('no non-empty list argument to coalescelist()');
  },
  replace: (a) => {
    arity('replace', a, 3);
    const s = str(a[0], 'string');
    const search = str(a[1], 'substring');
    const repl = str(a[2], 'replacement');
    if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
      const risk = regexRisk(search.slice(1, -1), s.length);
      if (risk) return new Unknown(`replace() with the regular expression ${search} is not evaluated by tfw: ${risk}`);
      let re: RegExp;
      try { re = new RegExp(search.slice(1, -1), 'g'); } catch { throw new EvalError(`invalid regular expression ${search}`); }
      return checkString(s.replace(re, repl.replace(/\$\{(\d+)\}/g, '$$$1')));
    }
    return checkString(search === '' ? s : s.split(search).join(repl));
  },
  format: (a) => {
    if (a.length < 1) throw new EvalError('format() needs a format string');
    return checkString(format(str(a[0], 'format string'), a.slice(1)));
  },
  // Sensitivity is terraform's display concern; the value is the same (role ARNs from SSM parameters).
  sensitive: (a) => { arity('sensitive', a, 1); return a[0]!; },
  nonsensitive: (a) => { arity('nonsensitive', a, 1); return a[0]!; },
  // Seen in role ARNs and profile names of organisation layouts:
  // `title(terraform.workspace)`, `substr(var.env, 0, 3)`, `one(var.roles)`.
  title: (a) => {
    arity('title', a, 1);
    // Go's strings.Title: a letter after a non-letter, non-digit, non-underscore starts a word.
    return str(a[0], 'title() argument').replace(/(^|[^\p{L}\p{N}_])(\p{L})/gu, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
  },
  substr: (a) => {
    arity('substr', a, 3);
    const chars = Array.from(str(a[0], 'substr() string'));
    let offset = toNum(a[1] ?? null, 'substr() offset');
    const length = toNum(a[2] ?? null, 'substr() length');
    if (offset < 0) offset += chars.length;
    if (!Number.isInteger(offset) || offset < 0 || offset > chars.length) throw new EvalError('substr() offset out of range');
    return chars.slice(offset, length < 0 ? undefined : offset + length).join('');
  },
  // Terraform's chomp drops every trailing \n, \r\n and \r.
  chomp: (a) => { arity('chomp', a, 1); return trimEnd(str(a[0], 'chomp() argument'), '\r\n'); },
  // `~` is expanded where a path is used (settings.ts: expandPath, from the run's HOME): the same result.
  pathexpand: (a) => { arity('pathexpand', a, 1); return str(a[0], 'pathexpand() argument'); },
  basename: (a) => { arity('basename', a, 1); const p = trimEnd(str(a[0], 'basename() argument'), '/'); return p.slice(p.lastIndexOf('/') + 1) || '/'; },
  dirname: (a) => {
    arity('dirname', a, 1);
    const p = trimEnd(str(a[0], 'dirname() argument'), '/');
    const i = p.lastIndexOf('/');
    return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
  },
  flatten: (a) => {
    arity('flatten', a, 1);
    const out: Value[] = [];
    const walk = (v: Value[]) => { for (const x of v) if (Array.isArray(x)) walk(x); else out.push(x); };
    walk(list(a[0], 'flatten() argument'));
    return checkItems(out);
  },
  distinct: (a) => { arity('distinct', a, 1); return distinct(list(a[0], 'distinct() argument')); },
  compact: (a) => { arity('compact', a, 1); return list(a[0], 'compact() argument').filter((v) => v !== null && v !== ''); },
  one: (a) => {
    arity('one', a, 1);
    const l = list(a[0], 'one() argument');
    if (l.length > 1) throw new EvalError('one() needs a list of at most one element');
    return l[0] ?? null;
  },
  zipmap: (a) => {
    arity('zipmap', a, 2);
    const ks = list(a[0], 'zipmap() keys');
    const vs = list(a[1], 'zipmap() values');
    if (ks.length !== vs.length) throw new EvalError('zipmap() needs as many keys as values');
    return makeObject(ks.map((k, i) => [str(k, 'zipmap() key'), vs[i]!]));
  },
};

/**
 * `s` without the trailing run of `chars`. A loop: `/\/+$/` and `/(\r?\n)+$/`
 * retry from every position of a long run, quadratic (a 40k-newline chomp took 6 s).
 */
function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

/** Go-style verbs as terraform's format(): %s %d %v %q %t %f %%, with width and precision. */
function format(spec: string, args: Value[]): string {
  let next = 0;
  // Flags take every 0, a width starts at 1-9: with `0` in both, a long run of zeros backtracked quadratically.
  return spec.replace(/%([-+ 0#]*)([1-9]\d*)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width?: string, prec?: string, verb?: string) => {
    if (verb === '%') return '%';
    if (next >= args.length) throw new EvalError('too few arguments for format()');
    const v = args[next++]!;
    let s: string;
    switch (verb) {
      case 's': s = toStr(v, 'format() argument'); break;
      case 'd': {
        const n = toNum(v, 'format() argument');
        if (!Number.isInteger(n)) throw new EvalError('%d needs an integer');
        s = formatNumber(n);
        break;
      }
      case 'f':
        if (prec !== undefined && Number(prec) > 100) throw new EvalError('format precision too large');
        s = toNum(v, 'format() argument').toFixed(prec === undefined ? 6 : Number(prec)); break;
      case 't': s = toBool(v, 'format() argument') ? 'true' : 'false'; break;
      case 'q': s = JSON.stringify(toStr(v, 'format() argument')); break;
      case 'v': s = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? toStr(v) : JSON.stringify(v); break;
      default: throw new EvalError(`unsupported format verb %${verb}`);
    }
    const w = width === undefined ? 0 : Number(width);
    if (w > 4096) throw new EvalError('format width too large');
    if (s.length < w) s = flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && verb !== 's' ? '0' : ' ');
    return s;
  });
}

export function callFunction(name: string, args: Value[]): Value {
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
  if (!fn) return new Unknown(`function ${name}() is not evaluated by tfw`);
  const u = findUnknown(args);
  if (u) return u;
  return fn(args);
}
