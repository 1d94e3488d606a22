// The only file-system access of the reader (used by gather.ts alone):
// listing a directory, reading a text file defensively (no FIFOs, no huge or
// binary files) and resolving a real path, with failures returned as typed
// values (problems.ts), never as message text.
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { FileFailure } from '../model.ts';
import { recording } from '../inputs.ts';

/** Bigger than any hand-written or generated .tf file seen in practice. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; failure: FileFailure };

/** What a path that is not a regular file is. */
function notAFile(st: Stats): FileFailure {
  if (st.isDirectory()) return { reason: 'a-directory' };
  if (st.isFIFO()) return { reason: 'special-file', what: 'pipe' };
  if (st.isCharacterDevice() || st.isBlockDevice()) return { reason: 'special-file', what: 'device' };
  if (st.isSocket()) return { reason: 'special-file', what: 'socket' };
  return { reason: 'special-file', what: 'other' };
}

/** A failed system call as a FileFailure, by its error code. */
export function failureOf(e: unknown): FileFailure {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT': return { reason: 'missing' };
    case 'ENOTDIR': return { reason: 'not-a-directory' };
    case 'EACCES':
    case 'EPERM': return { reason: 'permission-denied', code };
    case 'ELOOP': return { reason: 'symlink-loop' };
    case 'EISDIR': return { reason: 'a-directory', code };
    default: return { reason: 'io-error', code: code ?? String(e) };
  }
}

const decoder = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });

export function readTextFile(path: string): ReadResult {
  recording()?.stat(path);
  let size: number;
  try {
    const st = statSync(path);
    // Only regular files: reading a FIFO named x.tf would block forever.
    if (!st.isFile()) return { ok: false, failure: notAFile(st) };
    size = st.size;
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, failure: { reason: 'too-large', bytes: size } };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, failure: { reason: 'too-large', bytes: bytes.length } };
  if (bytes.includes(0)) return { ok: false, failure: { reason: 'binary' } };
  let text: string;
  try {
    text = decoder().decode(bytes);
  } catch {
    return { ok: false, failure: { reason: 'not-utf8' } };
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export type ListResult = { ok: true; names: string[] } | { ok: false; failure: FileFailure };

/** The names in a directory, unsorted. */
export function listDirectory(dir: string): ListResult {
  recording()?.list(dir);
  try {
    return { ok: true, names: readdirSync(dir) };
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
}

/** The real path, or the path itself when it cannot be resolved. */
export function realpathOr(p: string): string {
  recording()?.realpath(p);
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Byte-wise order, as Go's sort.Strings (terraform and tofu read files in this order). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether a file is an override file (`override.tf`, `x_override.tf`, and `.tf.json`). */
export function isOverrideFile(name: string): boolean {
  const base = name.replace(/\.tf(\.json)?$/, '');
  return base === 'override' || base.endsWith('_override');
}

/** A path given on the command line (-var-file, -backend-config): relative to the module dir, as terraform has already applied -chdir. */
export function argumentPath(rootDir: string, value: string): string {
  return resolve(rootDir, value);
}

/** A path as the user would recognise it: relative to cwd when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel;
}


/** The bytes of a regular file of at most `max` bytes, for terraform's file functions (file(), templatefile()…). */
export function readFileBytes(path: string, max: number): { ok: true; bytes: Buffer } | { ok: false; failure: FileFailure } {
  recording()?.stat(path);
  try {
    const st = statSync(path);
    if (!st.isFile()) return { ok: false, failure: notAFile(st) };
    if (st.size > max) return { ok: false, failure: { reason: 'too-large', bytes: st.size } };
    const bytes = readFileSync(path);
    return bytes.length > max ? { ok: false, failure: { reason: 'too-large', bytes: bytes.length } } : { ok: true, bytes };
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
}

/** What a path is, for fileexists(): a regular file, or why not. */
export function fileKind(path: string): { ok: true } | { ok: false; failure: FileFailure } {
  recording()?.node(path);
  try {
    const st = statSync(path);
    return st.isFile() ? { ok: true } : { ok: false, failure: notAFile(st) };
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
}

/**
 * Go's os.Getwd() in a process whose "." is `dir` and whose environment has
 * PWD = `pwd`: PWD when it is absolute and names the same file as "." (same
 * device and inode), else the kernel's getcwd (the real path). `dir` is
 * resolved by the kernel (realpath.native, stat), as os.Chdir resolves it:
 * `link/..` is the link target's parent, not the lexical one. undefined:
 * a failed call (terraform would fail too).
 */
export function goGetwd(dir: string, pwd: string | undefined): string | undefined {
  const rec = recording();
  rec?.node(dir);
  if (pwd !== undefined && pwd.startsWith('/')) rec?.node(pwd);
  rec?.realpath(dir, true);
  try {
    const dot = statSync(dir, { bigint: true });
    if (pwd !== undefined && pwd.startsWith('/')) {
      try {
        const d = statSync(pwd, { bigint: true });
        if (d.dev === dot.dev && d.ino === dot.ino) return pwd;
      } catch {
        // PWD names nothing: getcwd below
      }
    }
    return realpathSync.native(dir);
  } catch {
    return undefined;
  }
}

/** 'error': Stat failed (a dangling link, a loop): terraform's fileset fails on such a match. */
export type GlobKind = 'directory' | 'file' | 'other' | 'error';

/** What doublestar's Glob sees of a path: Lstat (undefined when it fails), and for a symlink Stat of its target. */
export function globStat(path: string): { symlink: boolean; kind: GlobKind } | undefined {
  recording()?.node(path, false);
  recording()?.node(path);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return undefined;
  }
  const kindOf = (s: Stats): GlobKind => (s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other');
  if (!st.isSymbolicLink()) return { symlink: false, kind: kindOf(st) };
  try {
    return { symlink: true, kind: kindOf(statSync(path)) };
  } catch {
    return { symlink: true, kind: 'error' };
  }
}

/** A directory's entry names as bytes (a name need not be UTF-8), unsorted. */
export function listDirectoryBytes(dir: string): { ok: true; names: Buffer[] } | { ok: false; failure: FileFailure } {
  recording()?.list(dir);
  try {
    return { ok: true, names: readdirSync(dir, { encoding: 'buffer' }) };
  } catch (e) {
    return { ok: false, failure: failureOf(e) };
  }
}
