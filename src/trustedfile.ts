// Files tfw keeps for itself under the session cache directory (the code
// cache, the plan memo): read only when they are yours and nobody else can
// write them, written 0600 in a 0700 directory through a private temporary
// file renamed over, so that concurrent runs each write a whole file.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** A directory or file tfw may trust: yours (when uids exist), not writable by group or others. */
function trusted(info: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
}

function usableDir(dir: string): boolean {
  try {
    const info = statSync(dir);
    return info.isDirectory() && trusted(info);
  } catch {
    return false;
  }
}

/** The file's bytes, when it and the two directories above it are yours and others cannot write them (a symlink is not followed). */
export function readTrustedFile(file: string): Buffer | undefined {
  if (!usableDir(dirname(dirname(file))) || !usableDir(dirname(file))) return undefined;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    return info.isFile() && trusted(info) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` as `file`, in a directory made 0700 under the session cache
 * directory, which must exist and be usable (tfw does not create it for these).
 * False when it could not.
 */
export function writeTrustedFile(file: string, data: Buffer | string): boolean {
  const dir = dirname(file);
  if (!usableDir(dirname(dir))) return false;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // there already (vetted below)
  }
  if (!usableDir(dir)) return false;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
    return true;
  } catch {
    rmSync(tmp, { force: true });
    return false;
  }
}
