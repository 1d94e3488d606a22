// Finding terraform, spawning it with the terminal's stdio, relaying signals,
// and turning its end into an exit status. Knows paths and env, no credentials.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { TfwError } from './errors.ts';

import type { Env } from './model.ts';

// Children still running, shared through the global registry (cli.js and
// the lazy bundle each hold a copy of this module): after an internal error
// tfw still waits for terraform, which may hold a state lock.
const RUNNING = Symbol.for('tfw.runningChildren');
function running(): Set<ChildProcess> {
  const g = globalThis as Record<symbol, Set<ChildProcess> | undefined>;
  return (g[RUNNING] ??= new Set());
}

function track(child: ChildProcess): void {
  running().add(child);
  const done = (): void => {
    running().delete(child);
  };
  child.once('exit', done);
  child.once('error', done);
}

/** Resolves when every child tfw started has ended. */
export function childrenEnded(): Promise<void> {
  return Promise.all(
    [...running()].map((c) => new Promise<void>((resolvePromise) => {
      if (c.exitCode !== null || c.signalCode !== null) resolvePromise();
      else c.once('exit', () => resolvePromise()).once('error', () => resolvePromise());
    })),
  ).then(() => undefined);
}

/** How a child ended: an exit code, or the signal that killed it. */
export interface ChildResult {
  exitCode?: number;
  signal?: string;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A file's identity: the same file under any name (symlink or hard link). */
function fileId(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** What PATH holds under a name: the first executable that is not tfw, and the first entry that cannot be run. */
function searchPath(name: string, env: Env, selfPaths: readonly string[]): { found?: string; notExecutable?: string } {
  const self = new Set(selfPaths.map(fileId).filter((id): id is string => id !== undefined));
  let notExecutable: string | undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (!isExecutableFile(candidate)) {
      notExecutable ??= exists(candidate) ? candidate : undefined;
      continue;
    }
    if (self.has(fileId(candidate) ?? '')) continue;
    return { found: candidate };
  }
  return notExecutable !== undefined ? { notExecutable } : {};
}

/**
 * The first executable called `name` on PATH that is not tfw itself (tfw may
 * be installed as `terraform` through a symlink, a hard link or a copy of
 * bin/, or reached through `alias terraform=tfw`: running itself would
 * recurse forever).
 */
export function findOnPath(name: string, env: Env, selfPaths: readonly string[]): string | undefined {
  return searchPath(name, env, selfPaths).found;
}

/** Like a shell: nothing to run is 127, something that cannot be run (no x bit, a directory) is 126. */
function lookUp(name: string, env: Env, selfPaths: readonly string[], missing: string): string {
  const { found, notExecutable } = searchPath(name, env, selfPaths);
  if (found !== undefined) return found;
  if (notExecutable !== undefined) throw new TfwError(`${notExecutable} is not an executable file (permission denied)`, 126);
  throw new TfwError(missing, 127);
}

/** TFW_TERRAFORM (a path, or a name such as `tofu`), else `terraform` on PATH. */
export function resolveTerraform(env: Env, cwd: string, selfPaths: readonly string[]): string {
  const wanted = env.TFW_TERRAFORM;
  if (wanted !== undefined && wanted !== '') {
    if (wanted.includes('/')) {
      const path = isAbsolute(wanted) ? wanted : resolve(cwd, wanted);
      if (!exists(path)) throw new TfwError(`TFW_TERRAFORM=${wanted}: no such file`, 127);
      if (!isExecutableFile(path)) throw new TfwError(`TFW_TERRAFORM=${wanted} is not an executable file (permission denied)`, 126);
      if (selfPaths.some((p) => fileId(p) !== undefined && fileId(p) === fileId(path))) {
        throw new TfwError(`TFW_TERRAFORM=${wanted} is tfw itself: point it at terraform`, 126);
      }
      return path;
    }
    return lookUp(wanted, env, selfPaths, `TFW_TERRAFORM=${wanted}: no such command on PATH (other than tfw itself)`);
  }
  return lookUp('terraform', env, selfPaths, 'no terraform binary on PATH (other than tfw itself); install terraform or set TFW_TERRAFORM');
}

/** A shell's convention: killed by signal N → 128+N. */
export function exitStatus(result: ChildResult): number {
  if (result.exitCode !== undefined) return result.exitCode;
  if (result.signal !== undefined) {
    const n = (osConstants.signals as Record<string, number>)[result.signal];
    return 128 + (n ?? 0);
  }
  return 1;
}

type Killable = { kill(signal: NodeJS.Signals): boolean };

/**
 * Signal handling around the child. Ctrl-C: the terminal sends SIGINT to the
 * whole foreground process group, terraform included, so tfw ignores it and
 * never sends a second one (to terraform a second SIGINT means "abandon the
 * graceful stop"). SIGTERM/SIGHUP sent to tfw alone are passed on. A signal
 * that arrives before the child exists is remembered so the caller can clean
 * up and stop instead of spawning.
 */
export class SignalRelay {
  private child: Killable | undefined;
  private pendingSignal: NodeJS.Signals | undefined;
  private readonly onInt = (): void => {
    // Remember it only before the child exists; afterwards the terminal already told terraform.
    if (this.child === undefined) this.pendingSignal ??= 'SIGINT';
  };
  private readonly onTerm = (): void => this.relay('SIGTERM');
  private readonly onHup = (): void => this.relay('SIGHUP');

  start(): this {
    process.on('SIGINT', this.onInt);
    process.on('SIGTERM', this.onTerm);
    process.on('SIGHUP', this.onHup);
    return this;
  }

  stop(): void {
    process.off('SIGINT', this.onInt);
    process.off('SIGTERM', this.onTerm);
    process.off('SIGHUP', this.onHup);
  }

  /** A signal received while there was no child yet. */
  get pending(): NodeJS.Signals | undefined {
    return this.pendingSignal;
  }

  attach(child: Killable): void {
    this.child = child;
  }

  private relay(signal: NodeJS.Signals): void {
    if (this.child === undefined) {
      this.pendingSignal ??= signal;
      return;
    }
    try {
      this.child.kill(signal);
    } catch {
      // the child already ended: nothing to pass on
    }
  }
}

export interface SpawnOptions {
  cwd: string;
  env: Env;
  relay: SignalRelay;
}

/**
 * Runs `file args` with the terminal's stdio and waits for it, whatever
 * happens to tfw meanwhile. Node's own spawn, not execa: this is the path of
 * every terraform command, and importing execa costs ~35 ms here for nothing
 * this call uses (docs/startup.md has the numbers).
 */
export function runChild(file: string, args: readonly string[], { cwd, env, relay }: SpawnOptions): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, [...args], { cwd, env: env as NodeJS.ProcessEnv, stdio: 'inherit' });
    track(child);
    relay.attach(child);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'failed';
      reject(new TfwError(`cannot run ${file}: ${code}`, code === 'ENOENT' ? 127 : 126));
    });
    child.once('exit', (exitCode, signal) => {
      resolvePromise(exitCode !== null ? { exitCode } : { signal: signal ?? 'SIGKILL' });
    });
  });
}

/** Runs `file args` untouched: same environment, same arguments, terraform's exit status. */
export async function runUntouched(file: string, args: readonly string[], options: { cwd: string; env: Env }): Promise<number> {
  const relay = new SignalRelay().start();
  try {
    return exitStatus(await runChild(file, args, { ...options, relay }));
  } finally {
    relay.stop();
  }
}
