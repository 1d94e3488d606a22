// The per-run AWS config/credentials pair: a private directory that lives as
// long as the run, and the child environment that points at it.
import { fsp } from './builtins.ts';
import { chmodSync, lstatSync, readdirSync, mkdtempSync, rmdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { TfwError } from './errors.ts';
import { ownerState, pidExists, processStartTime, selfIdentity, type ProcessIdentity } from './proc.ts';
import type { ChildEnvironment, GeneratedFiles } from './aws/types.ts';
import type { Env } from './model.ts';
import type { RunDirs } from './context.ts';

/** Where a run keeps its live directories (the run context's): removed on exit if the run's own cleanup is not reached. */
export type RunDirTracker = Pick<RunDirs, 'add' | 'delete'>;

export interface RunFiles {
  dir: string;
  configFile: string;
  credentialsFile: string;
}

const PREFIX = 'tfw-run-';
const OWNER = 'owner';
const CONFIG = 'config';
const CREDENTIALS = 'credentials';
/** What a run directory holds: all of it tfw's. */
const RUN_FILE_NAMES = [CONFIG, CREDENTIALS, OWNER] as const;
/** `tfw-run-<pid>-s<start time>-XXXXXX`, or `tfw-run-<pid>-XXXXXX` where the start time is unknown. */
const NAME = /^tfw-run-(\d+)-(?:s(\d+)-)?/;

export { processStartTime } from './proc.ts';

/** Why a directory cannot hold the per-run dirs, or undefined when it can. */
export function unsafeBase(dir: string, uid = process.getuid?.()): string | undefined {
  let info;
  try {
    info = statSync(dir);
  } catch (error) {
    return `it cannot be used (${(error as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  if (!info.isDirectory()) return 'it is not a directory';
  if (uid === undefined) return undefined;
  const mode = info.mode & 0o7777;
  const writableByOthers = (mode & 0o022) !== 0;
  const sticky = (mode & 0o1000) !== 0;
  // Whoever owns the directory (or may write to it without the sticky bit) can rename or remove our entry in it.
  if (info.uid !== uid && info.uid !== 0) return `it is owned by uid ${info.uid}, not by you (uid ${uid}) or root`;
  if (writableByOthers && !sticky) return `others can write to it without the sticky bit (mode ${mode.toString(8).padStart(4, '0')})`;
  return undefined;
}

/**
 * Where the per-run dirs may go, best first: $XDG_RUNTIME_DIR (a per-user
 * tmpfs: secrets never reach a disk) if set; else $TMPDIR if set; else the
 * user's runtime dir /run/user/UID when it exists and is private to them (a
 * session without the variable: sudo, cron, ssh without logind); else the OS
 * temp dir. Relative values are taken from `cwd` (terraform's -chdir must
 * not change what the paths mean).
 */
export function runFilesBases(env: Env, uid = process.getuid?.(), runUser = '/run/user', cwd = process.cwd()): string[] {
  const out: string[] = [];
  const add = (dir: string | undefined): void => {
    if (dir === undefined || dir === '') return;
    const abs = isAbsolute(dir) ? dir : resolve(cwd, dir);
    if (!out.includes(abs)) out.push(abs);
  };
  add(env.XDG_RUNTIME_DIR);
  add(env.TMPDIR);
  if (uid !== undefined) {
    const own = join(runUser, String(uid));
    try {
      const info = lstatSync(own);
      if (info.isDirectory() && info.uid === uid && (info.mode & 0o077) === 0) add(own);
    } catch {
      // none here
    }
  }
  add(tmpdir());
  add('/tmp');
  return out;
}

/** The first of runFilesBases. */
export function runFilesBase(env: Env, uid = process.getuid?.(), runUser = '/run/user', cwd = process.cwd()): string {
  return runFilesBases(env, uid, runUser, cwd)[0]!;
}

/**
 * The first base that is safe to hold the per-run dirs (unsafeBase), with a
 * line for each one passed over; none safe → a TfwError saying why.
 */
export function chooseRunFilesBase(env: Env, warn: (message: string) => void, uid = process.getuid?.(), cwd = process.cwd()): string {
  const passed: Array<[string, string]> = [];
  for (const base of runFilesBases(env, uid, '/run/user', cwd)) {
    const why = unsafeBase(base, uid);
    if (why === undefined) {
      for (const [b, w] of passed) warn(`not using ${b} for the per-run files: ${w}`);
      return base;
    }
    passed.push([base, why]);
  }
  throw new TfwError(`no safe directory for the per-run files: ${passed.map(([b, w]) => `${b}: ${w}`).join('; ')}; set TMPDIR to a directory only you can write to`);
}

/** Creates the 0700 directory and writes both files 0600 (created with that mode: never readable by others, not even briefly). */
export async function writeRunFiles(base: string, files: Pick<GeneratedFiles, 'config' | 'credentials'>, runDirs: RunDirTracker, pid = process.pid): Promise<RunFiles> {
  const start = processStartTime(pid);
  // mkdtemp creates it 0700.
  // Synchronous: a few small files, written faster than a thread-pool round trip each.
  const dir = mkdtempSync(join(base, `${PREFIX}${pid}-${start !== undefined ? `s${start}-` : ''}`));
  runDirs.add(dir);
  const runFiles: RunFiles = { dir, configFile: join(dir, CONFIG), credentialsFile: join(dir, CREDENTIALS) };
  try {
    chmodSync(dir, 0o700);
    // Who made it (pid, start time, boot, PID namespace): the sweep removes it only once that run is provably over.
    writeFileSync(join(dir, OWNER), `${JSON.stringify(selfIdentity(pid))}\n`, { mode: 0o600, flag: 'wx' });
    writeFileSync(runFiles.configFile, files.config, { mode: 0o600, flag: 'wx' });
    writeFileSync(runFiles.credentialsFile, files.credentials, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await removeRunFiles(runFiles, runDirs);
    throw error;
  }
  return runFiles;
}

/** A failure to write the per-run files as one tfw line (a full disk is the user's to fix, not an internal error). */
export function runFilesCannotBeWritten(base: string, error: NodeJS.ErrnoException): Error {
  const what: Record<string, string> = {
    ENOSPC: 'no space (or no inodes) left on that filesystem',
    EDQUOT: 'your disk quota is exhausted',
    EROFS: 'it is on a read-only filesystem',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    ENOENT: 'it does not exist',
    ENOTDIR: 'it is not a directory',
    EMFILE: 'too many open files',
  };
  const why = error.code !== undefined ? what[error.code] : undefined;
  if (why === undefined) return error;
  return new TfwError(`cannot write the per-run files under ${base}: ${why} (${error.code}); free some space or point TMPDIR at another directory`);
}

/**
 * Removes the run directory: the files tfw wrote by name, then the directory
 * (synchronous calls on known names: no recursive walk, no thread-pool round
 * trip, after terraform every millisecond is the user's). Anything else in it
 * (nothing of terraform's, but someone may have put it there) falls to the
 * recursive remove.
 */
export async function removeRunFiles(runFiles: Pick<RunFiles, 'dir'>, runDirs: RunDirTracker): Promise<void> {
  for (const name of RUN_FILE_NAMES) {
    try {
      unlinkSync(join(runFiles.dir, name));
    } catch {
      // not written (a failed write), or already gone
    }
  }
  try {
    rmdirSync(runFiles.dir);
  } catch {
    rmSync(runFiles.dir, { recursive: true, force: true });
  }
  runDirs.delete(runFiles.dir);
}

/** A dir without an owner file (an older tfw, or one being created) is judged by name only once it is this old. */
const UNOWNED_GRACE_MS = 10 * 60_000;

async function readOwner(dir: string): Promise<ProcessIdentity | undefined> {
  try {
    const value: unknown = JSON.parse(await fsp().readFile(join(dir, OWNER), 'utf8'));
    const v = value as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof v.pid !== 'number') return undefined;
    const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    return { pid: v.pid, start: str(v.start), boot: str(v.boot), pidns: str(v.pidns) };
  } catch {
    return undefined;
  }
}

/**
 * Whether the run that made a dir is over: its pid is gone, or (where start
 * times can be read) the pid now belongs to a process that started at
 * another time, i.e. the pid was reused. A live pid with no start time to
 * compare is left alone: it may be the run.
 */
function runIsOver(pid: number, start: string | undefined): boolean {
  if (!pidExists(pid)) return true;
  if (start === undefined) return false;
  const now = processStartTime(pid);
  return now !== undefined && now !== start;
}

/**
 * Removes the run directories of tfw runs that died without cleaning up
 * (SIGKILL, power loss): ours by name and owner (a real directory, not a
 * link), whose run is over. Returns what it removed.
 */
export async function sweepStaleRunFiles(base: string, uid = process.getuid?.()): Promise<string[]> {
  let names: string[];
  try {
    // Synchronous: nearly always a short listing with nothing of tfw's in it.
    names = readdirSync(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const m = NAME.exec(name);
      if (!m) return;
      const pid = Number(m[1]);
      if (!Number.isSafeInteger(pid) || pid <= 0) return;
      const dir = join(base, name);
      try {
        const info = await fsp().lstat(dir);
        if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) return;
        const owner = await readOwner(dir);
        if (owner !== undefined) {
          // Another boot's run is over; another PID namespace's pid means nothing here: left alone.
          if (ownerState(owner) !== 'over') return;
        } else if (Date.now() - info.mtimeMs < UNOWNED_GRACE_MS || !runIsOver(pid, m[2])) {
          return;
        }
        await fsp().rm(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        // gone meanwhile, or not ours to remove
      }
    }),
  );
  return removed;
}

/** Variables that would shadow the profiles in the per-run files, or carry a secret the child has no use for. */
export const SHADOWING_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'TFW_MFA_CODE',
] as const;

/**
 * The child's environment: the parent's, pointed at the per-run files. Key
 * variables go unless the plan keeps the user's own (a session exported by
 * another tool, or keys tfw had no device for); TFW_MFA_CODE always goes.
 */
export function buildChildEnv(parentEnv: Env, runFiles: Pick<RunFiles, 'configFile' | 'credentialsFile'>, keep: ChildEnvironment = { keepKeyVariables: false }): Record<string, string> {
  const env: Record<string, string> = {};
  const drop = new Set<string>(keep.keepKeyVariables ? ['TFW_MFA_CODE'] : SHADOWING_VARIABLES);
  for (const [name, value] of Object.entries(parentEnv)) {
    if (value === undefined || drop.has(name)) continue;
    env[name] = value;
  }
  env.AWS_CONFIG_FILE = runFiles.configFile;
  env.AWS_SHARED_CREDENTIALS_FILE = runFiles.credentialsFile;
  if (keep.profile !== undefined) {
    env.AWS_PROFILE = keep.profile;
    delete env.AWS_DEFAULT_PROFILE;
  }
  return env;
}
