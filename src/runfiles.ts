// The per-run AWS config/credentials pair: a private directory that lives as
// long as the run, and the child environment that points at it.
import { chmod, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
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

/** $XDG_RUNTIME_DIR (a per-user tmpfs on most desktops) if set, else the OS temp dir. */
export function runFilesBase(env: Env): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg !== undefined && xdg !== '') return xdg;
  const tmp = env.TMPDIR;
  return tmp !== undefined && tmp !== '' ? tmp : tmpdir();
}

/** Creates the 0700 directory and writes both files 0600 (created with that mode: never readable by others, not even briefly). */
export async function writeRunFiles(base: string, files: Pick<GeneratedFiles, 'config' | 'credentials'>, pid = process.pid): Promise<RunFiles> {
  const dir = await mkdtemp(join(base, `${PREFIX}${pid}-`));
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
 * Removes the run directories of tfw runs that died without cleaning up
 * (SIGKILL, power loss): ours by name and owner, whose pid is gone.
 * Returns what it removed.
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
      if (!name.startsWith(PREFIX)) return;
      const pid = Number.parseInt(name.slice(PREFIX.length), 10);
      if (!Number.isInteger(pid) || pid <= 0 || isAlive(pid)) return;
      const dir = join(base, name);
      try {
        const info = await stat(dir);
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
