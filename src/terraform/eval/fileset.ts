// fileset(path, pattern) as terraform 1.11 computes it
// (internal/lang/funcs/filesystem.go): the pattern joined to the path
// (filepath.Join, so cleaned), globbed by doublestar v1.1.5's Glob, each
// match Stat-ed (an error fails the call; only regular files are kept) and
// made relative to the path (filepath.Rel), as a set of strings.
//
// doublestar v1.1.5 is emulated exactly, quirks included: `*` matches dot
// files, `**` follows symlinked directories, a component is matched on UTF-8
// bytes (after a `*` it steps by the byte length of the rune it started on,
// so it can start a match inside a rune), `\` escapes, `[...]` classes (`^`
// negates), `{a,b}` alternatives. The file system is reached only through
// the Scope's FileAccess. Bounded: a tree bigger than MAX_VISITS entries or
// deeper than MAX_DEPTH (a symlink loop makes terraform walk until the
// kernel's ELOOP, or for ever with two loops) is unknown.
import type { FileAccess } from './fileaccess.ts';
import { tag } from './types.ts';
import { EvalError, Unknown, type Value } from './value.ts';
import { goClean } from './functions.ts';

export const MAX_VISITS = 20_000;
export const MAX_DEPTH = 48;

class TooBig extends Error {}
class BadPattern extends Error {}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

/** utf8.DecodeRune: (RuneError, 1) for an invalid byte, (RuneError, 0) at the end. */
function decodeRune(b: Uint8Array, i: number): [number, number] {
  if (i >= b.length) return [0xfffd, 0];
  const c = b[i]!;
  if (c < 0x80) return [c, 1];
  const cont = (k: number): number => {
    const x = b[i + k];
    return x !== undefined && (x & 0xc0) === 0x80 ? x & 0x3f : -1;
  };
  if (c >= 0xc2 && c <= 0xdf) {
    const c1 = cont(1);
    if (c1 >= 0) return [((c & 0x1f) << 6) | c1, 2];
  } else if (c >= 0xe0 && c <= 0xef) {
    const c1 = cont(1);
    const c2 = cont(2);
    const lo = c === 0xe0 ? 0x20 : 0; // overlong
    const hi = c === 0xed ? 0x1f : 0x3f; // surrogates
    if (c1 >= lo && c1 <= hi && c2 >= 0) return [((c & 0x0f) << 12) | (c1 << 6) | c2, 3];
  } else if (c >= 0xf0 && c <= 0xf4) {
    const c1 = cont(1);
    const c2 = cont(2);
    const c3 = cont(3);
    const lo = c === 0xf0 ? 0x10 : 0;
    const hi = c === 0xf4 ? 0x0f : 0x3f;
    if (c1 >= lo && c1 <= hi && c2 >= 0 && c3 >= 0) return [((c & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

/** []rune(bytes). */
function runes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < b.length;) {
    const [r, n] = decodeRune(b, i);
    out.push(r);
    i += n;
  }
  return out;
}

/** doublestar's indexRuneWithEscaping for an ASCII separator: a separator right after `\` does not count (one level). */
function indexEscaping(s: Uint8Array, sep: number): number {
  const end = s.indexOf(sep);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === BACKSLASH) {
    const start = end + 1;
    const next = indexEscaping(s.subarray(start), sep);
    return next === -1 ? -1 : next + start;
  }
  return end;
}

/** doublestar's splitPathOnSeparator (a `/` or `,` separator). */
function splitEscaping(s: Uint8Array, sep: number): Uint8Array[] {
  let cnt = 0;
  for (const c of s) if (c === sep) cnt++;
  if (cnt === 0) return [s];
  const ret: Uint8Array[] = [];
  let emptyEnd = false;
  for (let start = 0; start < s.length;) {
    let end = indexEscaping(s.subarray(start), sep);
    if (end === -1) {
      emptyEnd = false;
      end = s.length;
    } else {
      emptyEnd = true;
      end += start;
    }
    ret.push(s.subarray(start, end));
    start = end + 1;
  }
  if (emptyEnd) ret.push(new Uint8Array(0));
  return ret.slice(0, cnt + 1);
}

const concat = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};
const isStarStar = (p: Uint8Array): boolean => p.length === 2 && p[0] === 0x2a && p[1] === 0x2a;

/** doublestar's matchComponent, on bytes. Throws BadPattern for ErrBadPattern. */
export function matchComponent(pattern: Uint8Array, name: Uint8Array): boolean {
  const patternLen = pattern.length;
  const nameLen = name.length;
  if (patternLen === 0 && nameLen === 0) return true;
  if (patternLen === 0) return false;
  if (nameLen === 0 && !(patternLen === 1 && pattern[0] === 0x2a)) return false;
  let patIdx = 0;
  let nameIdx = 0;
  while (patIdx < patternLen && nameIdx < nameLen) {
    let [patRune, patAdj] = decodeRune(pattern, patIdx);
    const [nameRune, nameAdj] = decodeRune(name, nameIdx);
    if (patRune === BACKSLASH) {
      patIdx += patAdj;
      [patRune, patAdj] = decodeRune(pattern, patIdx);
      if (patRune === 0xfffd) throw new BadPattern();
      if (patRune !== nameRune) return false;
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else if (patRune === 0x2a) {
      patIdx += patAdj;
      if (patIdx >= patternLen) return true;
      // nameAdj stays the byte length of the rune the star started on
      for (; nameIdx < nameLen; nameIdx += nameAdj) {
        let m = false;
        try {
          m = matchComponent(pattern.subarray(patIdx), name.subarray(nameIdx));
        } catch (e) {
          if (!(e instanceof BadPattern)) throw e; // `m, _ :=`: the error is dropped
        }
        if (m) return true;
      }
      return false;
    } else if (patRune === 0x5b) {
      patIdx += patAdj;
      let endClass = indexEscaping(pattern.subarray(patIdx), 0x5d);
      if (endClass === -1) throw new BadPattern();
      endClass += patIdx;
      const cls = runes(pattern.subarray(patIdx, endClass));
      if (cls.length === 0) throw new BadPattern();
      let i = cls[0] === 0x5e ? 1 : 0;
      let matched = false;
      while (i < cls.length) {
        let low = cls[i]!;
        if (low === 0x2d) throw new BadPattern();
        i++;
        if (low === BACKSLASH) {
          if (i >= cls.length) throw new BadPattern();
          low = cls[i++]!;
        }
        let high = low;
        if (i < cls.length && cls[i] === 0x2d) {
          if (++i >= cls.length) throw new BadPattern();
          high = cls[i]!;
          if (high === 0x2d) throw new BadPattern();
          i++;
          if (high === BACKSLASH) {
            if (i >= cls.length) throw new BadPattern();
            high = cls[i++]!;
          }
        }
        if (low <= nameRune && nameRune <= high) matched = true;
      }
      if (matched === (cls[0] === 0x5e)) return false;
      patIdx = endClass + 1;
      nameIdx += nameAdj;
    } else if (patRune === 0x7b) {
      patIdx += patAdj;
      let endOptions = indexEscaping(pattern.subarray(patIdx), 0x7d);
      if (endOptions === -1) throw new BadPattern();
      endOptions += patIdx;
      const options = splitEscaping(pattern.subarray(patIdx, endOptions), 0x2c);
      patIdx = endOptions + 1;
      for (const o of options) {
        if (matchComponent(concat(o, pattern.subarray(patIdx)), name.subarray(nameIdx))) return true;
      }
      return false;
    } else if (patRune === 0x3f || patRune === nameRune) {
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else {
      return false;
    }
  }
  if (patIdx >= patternLen && nameIdx >= nameLen) return true;
  const rest = pattern.subarray(patIdx);
  return (nameIdx >= nameLen && rest.length === 1 && rest[0] === 0x2a) || isStarStar(rest);
}

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const hasMeta = (b: Uint8Array): boolean => b.some((c) => c === 0x2a || c === 0x3f || c === 0x5b || c === 0x7b || c === BACKSLASH);

/** filepath.Join of a directory and a name (both Go strings, here as JavaScript strings of valid UTF-8). */
const join = (a: string, b: string): string => goClean(`${a}/${b}`);

interface Walk {
  files: FileAccess;
  /** terraform's "." as an absolute path. */
  base: string;
  visits: number;
}

// not cleaned: the kernel resolves `..` after a symlink physically, as it does for terraform's relative paths
const abs = (w: Walk, p: string): string => (p.startsWith('/') ? p : p === '.' ? w.base : `${w.base}/${p}`);

function visit(w: Walk): void {
  if (++w.visits > MAX_VISITS) throw new TooBig();
}

/** A directory's names; a name that is not UTF-8 makes the value unknown (tfw's strings cannot carry it). */
function readDir(w: Walk, dir: string): Uint8Array[] | undefined {
  const names = w.files.readDir!(abs(w, dir));
  if (!names) return undefined;
  for (const n of names) {
    visit(w);
    if (Buffer.compare(Buffer.from(n.toString('utf8')), n) !== 0) throw new Unknown('fileset(): a file name that is not UTF-8');
  }
  return names;
}

/** doublestar's doGlob. */
function doGlob(w: Walk, basedir: string, components: Uint8Array[], matches: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new TooBig();
  visit(w);
  let patIdx = 0;
  while (patIdx < components.length && !hasMeta(components[patIdx]!)) patIdx++;
  if (patIdx > 0) basedir = join(basedir, goClean(components.slice(0, patIdx).map(text).join('/')));
  const st = w.files.globStat!(abs(w, basedir));
  if (!st) return;
  if (patIdx >= components.length) {
    matches.push(basedir);
    return;
  }
  if (st.kind !== 'directory') return; // a symlink's Stat failing, or not a directory
  const names = readDir(w, basedir);
  if (!names) throw new Unknown(`fileset(): ${basedir} cannot be listed (terraform lists what it can)`);
  let last = patIdx + 1 >= components.length;
  if (isStarStar(components[patIdx]!)) {
    for (const n of names) {
      const child = join(basedir, text(n));
      const cs = w.files.globStat!(abs(w, child));
      if (!cs) continue; // gone between Readdir and Lstat: terraform would still see the entry; rare
      if (cs.symlink && cs.kind === 'error') continue;
      if (cs.kind === 'directory') {
        if (last) matches.push(child);
        doGlob(w, child, components.slice(patIdx), matches, depth + 1);
      } else if (last) matches.push(child);
    }
    if (last) return;
    patIdx++;
    last = patIdx + 1 >= components.length;
  }
  for (const n of names) {
    if (matchComponent(components[patIdx]!, n)) {
      const child = join(basedir, text(n));
      if (last) matches.push(child);
      else doGlob(w, child, components.slice(patIdx + 1), matches, depth + 1);
    }
  }
}

/** filepath.Rel for two clean paths of the same kind (both absolute or both relative). */
function goRel(base: string, targ: string): string | undefined {
  if (targ === base) return '.';
  if (base === '.') base = '';
  if (base.startsWith('/') !== targ.startsWith('/')) return undefined;
  const bl = base.length;
  const tl = targ.length;
  let b0 = 0;
  let bi = 0;
  let t0 = 0;
  let ti = 0;
  for (;;) {
    while (bi < bl && base[bi] !== '/') bi++;
    while (ti < tl && targ[ti] !== '/') ti++;
    if (targ.slice(t0, ti) !== base.slice(b0, bi)) break;
    if (bi < bl) bi++;
    if (ti < tl) ti++;
    b0 = bi;
    t0 = ti;
  }
  if (base.slice(b0, bi) === '..') return undefined;
  if (b0 !== bl) {
    const seps = base.slice(b0, bl).split('/').length - 1;
    return '..' + '/..'.repeat(seps) + (t0 !== tl ? `/${targ.slice(t0)}` : '');
  }
  return targ.slice(t0);
}

/** fileset(path, pattern); `files` must offer globStat and readDir. */
export function fileset(pathArg: string, patternArg: string, files: FileAccess): Value {
  if (!files.globStat || !files.readDir) return new Unknown('fileset() lists directories, which tfw does not do here');
  // baseDir is "." in terraform: a relative path stays relative to its working directory
  const path = pathArg.startsWith('/') ? goClean(pathArg) : join('.', pathArg);
  const pattern = join(path, patternArg);
  const w: Walk = { files, base: files.base, visits: 0 };
  const matches: string[] = [];
  try {
    const comps = splitEscaping(Buffer.from(pattern), SLASH);
    // Glob: a leading "/" makes the first component the (empty) volume name: start at the root
    if (comps.length > 0 && comps[0]!.length === 0) doGlob(w, '/', comps.slice(1), matches, 0);
    else if (comps.length > 0) doGlob(w, '.', comps, matches, 0);
  } catch (e) {
    if (e instanceof TooBig) return new Unknown(`fileset(): more than ${MAX_VISITS} entries or ${MAX_DEPTH} levels to walk (a huge tree or a symlink loop)`);
    // doublestar drops or keeps a pattern error depending on the directory order of the entries it meets
    if (e instanceof BadPattern) return new Unknown(`fileset(): a malformed pattern ${JSON.stringify(patternArg)} (terraform may fail or not, by directory order)`);
    throw e;
  }
  const out = new Set<string>();
  for (const m of matches) {
    const st = files.globStat(abs(w, m));
    if (!st || st.kind === 'error') throw new EvalError(`fileset(): failed to stat ${m}`);
    if (st.kind !== 'file') continue;
    const rel = goRel(path, m);
    if (rel === undefined) return new Unknown(`fileset(): ${m} relative to ${path}`);
    out.add(rel.normalize('NFC'));
  }
  // a set of strings: cty orders them by their bytes
  return tag([...out].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))), 'set');
}
