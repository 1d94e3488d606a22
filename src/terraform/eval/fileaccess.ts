// The file functions' one window on the file system (file, fileexists,
// filebase64, filemd5…, templatefile): handed to the evaluator in its Scope by
// the module reader, never imported by the evaluator itself; the system calls
// are the reader's own (files.ts). Regular files only (a FIFO would block the
// reader), at most MAX_READ bytes; whatever tfw cannot read as terraform
// would is a reason, not an exception.
import { fileKind, globStat, listDirectoryBytes, readFileBytes, type GlobKind } from '../files.ts';

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
  /**
   * Go's os.Getwd() in terraform's process: before its -chdir (`start`, what
   * path.cwd is) and after it (`now`, what abspath() joins); undefined where
   * tfw cannot know it. Worked out before interpretation (fileAccessFor).
   */
  readonly wd?: { readonly start: string | undefined; readonly now: string | undefined };
  /** fileset(): Lstat, then Stat of a symlink's target, of an absolute path; undefined when Lstat fails. */
  globStat?(path: string): { symlink: boolean; kind: GlobKind } | undefined;
  /** fileset(): the entry names of a directory (an absolute path), or undefined when it cannot be listed. */
  readDir?(path: string): Buffer[] | undefined;
}

export type { GlobKind };

/** Bigger than any file a provider or backend setting plausibly reads. */
export const MAX_READ = 4 * 1024 * 1024;

export function nodeFileAccess(base: string, home: string | undefined, wd?: FileAccess['wd']): FileAccess {
  return {
    base,
    home,
    ...(wd ? { wd } : {}),
    globStat,
    readDir(path: string): Buffer[] | undefined {
      const r = listDirectoryBytes(path);
      return r.ok ? r.names : undefined;
    },
    kind(path: string): FileKind {
      const r = fileKind(path);
      if (r.ok) return 'file';
      // ENOTDIR (a path through a file) is os.IsNotExist's false; terraform reports it: 'other' (unknown)
      return r.failure.reason === 'missing' ? 'missing' : r.failure.reason === 'a-directory' ? 'directory' : 'other';
    },
    read(path: string): FileRead {
      const r = readFileBytes(path, MAX_READ);
      if (r.ok) return r;
      return { ok: false, reason: r.failure.reason === 'missing' ? 'missing' : r.failure.reason === 'a-directory' ? 'directory' : 'other' };
    },
  };
}
