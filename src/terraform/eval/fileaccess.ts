// The file functions' one window on the file system (file, fileexists,
// filebase64, filemd5…, templatefile): handed to the evaluator in its Scope by
// the module reader, never imported by the evaluator itself. Regular files
// only (a FIFO would block the reader), at most MAX_READ bytes; whatever it
// cannot read as terraform would is a reason, not an exception.
import { readFileSync, statSync } from 'node:fs';

export type FileKind = 'file' | 'directory' | 'missing' | 'other';

export type FileRead =
  | { ok: true; bytes: Buffer }
  /** missing, directory: terraform fails too; other: tfw does not know what terraform would read. */
  | { ok: false; reason: 'missing' | 'directory' | 'other' };

export interface FileAccess {
  /** Terraform's working directory, against which the file functions resolve relative paths. */
  readonly base: string;
  /** HOME of the run, for `~/…` (homedir.Expand); undefined: unknown. */
  readonly home: string | undefined;
  kind(path: string): FileKind;
  read(path: string): FileRead;
}

/** Bigger than any file a provider or backend setting plausibly reads. */
export const MAX_READ = 4 * 1024 * 1024;

export function nodeFileAccess(base: string, home: string | undefined): FileAccess {
  const kind = (path: string): FileKind => {
    try {
      const st = statSync(path);
      return st.isFile() ? 'file' : st.isDirectory() ? 'directory' : 'other';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'missing' : 'other';
    }
  };
  return {
    base,
    home,
    kind,
    read(path: string): FileRead {
      const k = kind(path);
      if (k !== 'file') return { ok: false, reason: k === 'missing' ? 'missing' : k === 'directory' ? 'directory' : 'other' };
      try {
        if (statSync(path).size > MAX_READ) return { ok: false, reason: 'other' };
        const bytes = readFileSync(path);
        return bytes.length > MAX_READ ? { ok: false, reason: 'other' } : { ok: true, bytes };
      } catch {
        return { ok: false, reason: 'other' };
      }
    },
  };
}
