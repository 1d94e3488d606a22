// The per-run AWS config/credentials pair: a private directory that lives as
// long as the run, and the child environment that points at it.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { chmod, lstat, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildEnvironment, GeneratedFiles } from './aws/types.ts';
import type { Env } from './model.ts';

export interface RunFiles {
  dir: string;
  configFile: string;
  credentialsFile: string;
}

const PREFIX = 'tfw-run-';
/** `tfw-run-<pid>-s<start time>-XXXXXX`, or `tfw-run-<pid>-XXXXXX` where the start time is unknown. */
const NAME = /^tfw-run-(\d+)-(?:s(\d+)-)?/;

/**
 * When process `pid` started (Linux: clock ticks since boot, field 22 of
 * /proc/PID/stat), or undefined where that cannot be read. With the pid it
 * names one process for good: a pid reused by another process has another
 * start time.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start !== undefined && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

// Run dirs of this process not removed yet. An 'exit' hook removes them even
// when tfw ends without reaching its own cleanup (an uncaught exception,
// process.exit). Shared through the global registry: cli.js and the lazy
// bundle each hold a copy of this module.
const LIVE = Symbol.for('tfw.liveRunDirs');
function liveDirs(): Set<string> {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  let set = g[LIVE];
  if (set === undefined) {
    const created = new Set<string>();
    set = created;
    g[LIVE] = created;
    process.on('exit', () => {
      for (const dir of created) {
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // nothing more can be done while exiting
        }
      }
    });
  }
  return set;
}

/**
 * Where the per-run dirs go: $XDG_RUNTIME_DIR (a per-user tmpfs: secrets
 * never reach a disk) if set; else $TMPDIR if set; else the user's runtime
 * dir /run/user/UID when it exists and is private to them (a session
 * without the variable: sudo, cron, ssh without logind); else the OS temp dir.
 */
export function runFilesBase(env: Env, uid = process.getuid?.(), runUser = '/run/user'): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg !== undefined && xdg !== '') return xdg;
  const tmp = env.TMPDIR;
  if (tmp !== undefined && tmp !== '') return tmp;
  if (uid !== undefined) {
    const own = join(runUser, String(uid));
    try {
      const info = statSync(own);
      if (info.isDirectory() && info.uid === uid && (info.mode & 0o077) === 0) return own;
    } catch {
      // none here
    }
  }
  return tmpdir();
}

/** Creates the 0700 directory and writes both files 0600 (created with that mode: never readable by others, not even briefly). */
export async function writeRunFiles(base: string, files: Pick<GeneratedFiles, 'config' | 'credentials'>, pid = process.pid): Promise<RunFiles> {
  const start = processStartTime(pid);
  // mkdtemp creates it 0700.
  const dir = await mkdtemp(join(base, `${PREFIX}${pid}-${start !== undefined ? `s${start}-` : ''}`));
  liveDirs().add(dir);
  await chmod(dir, 0o700);
  const runFiles: RunFiles = { dir, configFile: join(dir, 'config'), credentialsFile: join(dir, 'credentials') };
  try {
    await writeFile(runFiles.configFile, files.config, { mode: 0o600, flag: 'wx' });
    await writeFile(runFiles.credentialsFile, files.credentials, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await removeRunFiles(runFiles);
    throw error;
  }
  return runFiles;
}

export async function removeRunFiles(runFiles: Pick<RunFiles, 'dir'>): Promise<void> {
  await rm(runFiles.dir, { recursive: true, force: true });
  liveDirs().delete(runFiles.dir);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the run that made a dir is over: its pid is gone, or (where start
 * times can be read) the pid now belongs to a process that started at
 * another time, i.e. the pid was reused. A live pid with no start time to
 * compare is left alone: it may be the run.
 */
function runIsOver(pid: number, start: string | undefined): boolean {
  if (!isAlive(pid)) return true;
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
    names = await readdir(base);
  } catch {
    return [];
  }
  const removed: string[] = [];
  await Promise.all(
    names.map(async (name) => {
      const m = NAME.exec(name);
      if (!m) return;
      const pid = Number(m[1]);
      if (!Number.isSafeInteger(pid) || pid <= 0 || !runIsOver(pid, m[2])) return;
      const dir = join(base, name);
      try {
        const info = await lstat(dir);
        if (!info.isDirectory() || (uid !== undefined && info.uid !== uid)) return;
        await rm(dir, { recursive: true, force: true });
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
export function buildChildEnv(parentEnv: Env, runFiles: RunFiles, keep: ChildEnvironment = { keepKeyVariables: false }): Record<string, string> {
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
