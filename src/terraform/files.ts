// The only file-system access of the reader: listing a module directory and
// reading a text file defensively (no FIFOs, no huge or binary files), with
// failures returned as values.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';

/** Bigger than any hand-written or generated .tf file seen in practice. */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; message: string; notAFile?: true };

/** What a path that is not a regular file is, for the message. */
function notAFile(st: Stats): string {
  if (st.isDirectory()) return 'a directory, not a file';
  // Reading a pipe (`-var-file=<(sops -d x)`) would block, or take its content from terraform.
  if (st.isFIFO()) return 'a pipe, not read by tfw (terraform gets its content)';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device, not a file';
  if (st.isSocket()) return 'a socket, not a file';
  return 'not a regular file';
}

const decoder = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });

export function readTextFile(path: string): ReadResult {
  let size: number;
  try {
    const st = statSync(path);
    // Only regular files: reading a FIFO named x.tf would block forever.
    if (!st.isFile()) return { ok: false, message: notAFile(st), notAFile: true };
    size = st.size;
  } catch (e) {
    return { ok: false, message: `cannot read: ${errorCode(e)}` };
  }
  if (size > MAX_FILE_BYTES) return { ok: false, message: `file too large to read (${size} bytes)` };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, message: `cannot read: ${errorCode(e)}` };
  }
  if (bytes.length > MAX_FILE_BYTES) return { ok: false, message: `file too large to read (${bytes.length} bytes)` };
  if (bytes.includes(0)) return { ok: false, message: 'binary file (contains NUL bytes), not text' };
  let text: string;
  try {
    text = decoder().decode(bytes);
  } catch {
    return { ok: false, message: 'not UTF-8 text' };
  }
  return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
}

export type ListResult = { ok: true; files: string[] } | { ok: false; message: string };

/** Configuration files of a module directory, sorted by name (terraform's order). */
export function listConfigFiles(dir: string): ListResult {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    return { ok: false, message: `cannot read the module directory: ${errorCode(e)}` };
  }
  const files = names
    .filter((n) => (n.endsWith('.tf') || n.endsWith('.tf.json')) && !n.startsWith('.'))
    .sort(compareNames)
    .map((n) => join(dir, n));
  return { ok: true, files };
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

/** A path as the user would recognise it: relative to cwd when inside it, else absolute. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel;
}

/** What a failed read means, in words, with the code (callers look for ENOENT). */
const MEANING: Record<string, string> = {
  ENOENT: 'no such file (or a dangling symlink)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a symlink loop',
  EISDIR: 'a directory',
  ENOTDIR: 'not a directory',
};

function errorCode(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === undefined) return String(e);
  return MEANING[code] ? `${MEANING[code]} (${code})` : code;
}

/**
 * A readTextFile failure terraform meets too (missing, unreadable, a
 * directory, not UTF-8): it stops before it needs credentials. A pipe or a
 * device it reads, and a file only too large for tfw, it reads too.
 */
export function terraformCannotRead(message: string): boolean {
  return /\((ENOENT|EACCES|EPERM|ELOOP|ENOTDIR|EISDIR)\)|^a directory|not UTF-8|binary/.test(message);
}
