// Finding terraform, spawning it with the terminal's stdio, relaying signals,
// and turning its end into an exit status. Knows paths and env, no credentials.
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { accessSync, closeSync, constants as fsConstants, readFileSync, statSync } from 'node:fs';
import { isatty } from 'node:tty';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { TfwError } from './errors.ts';

import type { Env } from './model.ts';

/**
 * The children a run started and that have not ended yet, in the run context
 * (context.ts): after an internal error tfw still waits for terraform, which
 * may hold a state lock.
 */
export class Children {
  private readonly running = new Set<ChildProcess>();

  track(child: ChildProcess): void {
    this.running.add(child);
    const done = (): void => {
      this.running.delete(child);
    };
    child.once('exit', done);
    child.once('error', done);
  }

  /** Resolves when every child tracked here has ended. */
  ended(): Promise<void> {
    return Promise.all(
      [...this.running].map((c) => new Promise<void>((resolvePromise) => {
        if (c.exitCode !== null || c.signalCode !== null) resolvePromise();
        else c.once('exit', () => resolvePromise()).once('error', () => resolvePromise());
      })),
    ).then(() => undefined);
  }
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

/** The stop requests tfw hears and, when they were meant for it alone, passes on (docs/signals.md). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/**
 * How long tfw waits, after a stop signal, before deciding whether terraform
 * got it too. A group's or a cgroup's senders signal each process in a loop
 * (the kernel for a group: microseconds; systemd, timeout(1): one kill(2) per
 * process); the witness shows the signal as pending in /proc at once, or
 * reports it when it runs. Only a signal meant for tfw alone waits this long
 * before reaching terraform.
 */
export const DECIDE_AFTER_MS = 250;

/**
 * The witness: a shell in tfw's (and terraform's) process group that traps
 * the stop signals and reports each on stdout. A signal sent to the group, to
 * the cgroup, or by the terminal reaches it as it reaches terraform; a signal
 * sent to tfw alone does not. It ends when tfw closes its stdin (tfw's exit,
 * however it happens).
 */
const WITNESS_SCRIPT = [
  ...STOP_SIGNALS.map((s) => `trap 'got=1; echo ${s}' ${s.slice(3)}`),
  'while :; do got=; read -r _ || [ -n "$got" ] || exit 0; done',
].join('\n');

const SIGNAL_BITS: Record<StopSignal, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15 };

/** Whether /proc/PID/status shows `signal` pending (queued, not yet handled) for that process. */
export function signalPending(pid: number, signal: StopSignal): boolean | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const bit = 1n << BigInt(SIGNAL_BITS[signal] - 1);
  for (const field of ['SigPnd', 'ShdPnd']) {
    const m = new RegExp(`^${field}:\\s*([0-9a-f]+)$`, 'm').exec(status);
    if (m && (BigInt(`0x${m[1]}`) & bit) !== 0n) return true;
  }
  return false;
}

class Witness {
  private readonly child: ChildProcess | undefined;
  private readonly seen = new Map<StopSignal, number>();
  private alive = false;

  constructor(private readonly now: () => number) {
    try {
      const child = spawn('/bin/sh', ['-c', WITNESS_SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'] });
      this.child = child;
      this.alive = child.pid !== undefined;
      child.once('error', () => (this.alive = false));
      child.once('exit', () => (this.alive = false));
      child.stdin?.on('error', () => {});
      let buffered = '';
      // Signal names are ASCII: no setEncoding, whose StringDecoder costs ~4 ms to load on every run.
      child.stdout?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if ((STOP_SIGNALS as readonly string[]).includes(line)) this.seen.set(line as StopSignal, this.now());
        }
      });
      child.unref();
      (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    } catch {
      this.child = undefined;
    }
  }

  get working(): boolean {
    return this.alive;
  }

  /** Whether the group got `signal` since `since` (reported, or still pending in the kernel). */
  got(signal: StopSignal, since: number): boolean {
    if (this.child?.pid !== undefined && signalPending(this.child.pid, signal)) {
      this.seen.set(signal, this.now());
      return true;
    }
    return (this.seen.get(signal) ?? -Infinity) >= since;
  }

  end(): void {
    this.alive = false;
    try {
      this.child?.stdin?.destroy();
      this.child?.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * Signal handling around the child (docs/signals.md). terraform stays in
 * tfw's process group, so a terminal's Ctrl-C (and its job control, and its
 * prompts) reach it as they would without tfw. A signal that reaches the
 * whole group (the terminal, `kill -- -PGID`, a CI cancel, timeout(1), a
 * cgroup-wide stop) has reached terraform already: tfw must not add a second
 * one, which terraform reads as "abandon the graceful stop". A signal sent to
 * tfw alone (`kill PID`, a supervisor, `timeout --foreground`) must be passed
 * on, once. Which of the two it was, tfw learns from a witness process in the
 * same group: if the witness got the signal too, so did terraform.
 * Repeats of one signal within the decision window are one request (timeout(1)
 * sends to tfw and then to the group). A signal that arrives before the child
 * exists is remembered so the caller can clean up and stop instead of spawning.
 */
export class SignalRelay {
  private child: Killable | undefined;
  private witness: Witness | undefined;
  private pendingSignal: StopSignal | undefined;
  private firstReceived: StopSignal | undefined;
  private readonly deciding = new Map<StopSignal, ReturnType<typeof setTimeout>>();
  private readonly handlers = new Map<StopSignal, () => void>();

  constructor(
    private readonly options: { decideAfterMs?: number; now?: () => number; isTerminal?: () => boolean } = {},
  ) {}

  private now(): number {
    return (this.options.now ?? Date.now)();
  }

  start(): this {
    for (const signal of STOP_SIGNALS) {
      const handler = (): void => this.received(signal);
      this.handlers.set(signal, handler);
      process.on(signal, handler);
    }
    return this;
  }

  stop(): void {
    for (const [signal, handler] of this.handlers) process.off(signal, handler);
    this.handlers.clear();
    for (const timer of this.deciding.values()) clearTimeout(timer);
    this.deciding.clear();
    this.witness?.end();
    this.witness = undefined;
  }

  /** A signal received while there was no child yet. */
  get pending(): StopSignal | undefined {
    return this.pendingSignal;
  }

  /** The first stop signal tfw itself received, if any. */
  get receivedSignal(): StopSignal | undefined {
    return this.firstReceived;
  }

  /** Starts the witness: call just before spawning the child, so every group signal that reaches the child reaches it too. */
  watchGroup(): void {
    this.witness ??= new Witness(() => this.now());
  }

  attach(child: Killable): void {
    this.child = child;
  }

  /** The child ended: nothing more to pass on, the witness can go. */
  detach(): void {
    this.child = undefined;
    for (const timer of this.deciding.values()) clearTimeout(timer);
    this.deciding.clear();
    this.witness?.end();
    this.witness = undefined;
  }

  private received(signal: StopSignal): void {
    this.firstReceived ??= signal;
    if (this.child === undefined) {
      this.pendingSignal ??= signal;
      return;
    }
    if (this.deciding.has(signal)) return; // the same request, seen twice (timeout(1): tfw, then the group)
    const since = this.now() - (this.options.decideAfterMs ?? DECIDE_AFTER_MS);
    const timer = setTimeout(() => {
      this.deciding.delete(signal);
      if (!this.groupGot(signal, since)) this.relay(signal);
    }, this.options.decideAfterMs ?? DECIDE_AFTER_MS);
    this.deciding.set(signal, timer);
  }

  /** Whether terraform got `signal` as well (from the terminal, its group or its cgroup). */
  private groupGot(signal: StopSignal, since: number): boolean {
    if (this.witness?.working) return this.witness.got(signal, since);
    // No witness (it could not start, or was killed): a Ctrl-C at a terminal is the likely sender of
    // SIGINT; anything else is more likely meant for tfw alone.
    return signal === 'SIGINT' && (this.options.isTerminal ?? (() => isatty(0)))();
  }

  private relay(signal: StopSignal): void {
    if (this.child === undefined) return;
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
  /** The run's children (context.ts): the child is tracked there until it ends. */
  children: Children;
}

/**
 * Runs `file args` with the terminal's stdio and waits for it, whatever
 * happens to tfw meanwhile. Node's own spawn, not execa: this is the path of
 * every terraform command, and importing execa costs ~35 ms here for nothing
 * this call uses (docs/startup.md has the numbers).
 */
export function runChild(file: string, args: readonly string[], { cwd, env, relay, children }: SpawnOptions): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    relay.watchGroup();
    const child = spawn(file, [...args], { cwd, env: env as NodeJS.ProcessEnv, stdio: 'inherit' });
    children.track(child);
    relay.attach(child);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const code = error.code ?? 'failed';
      reject(new TfwError(`cannot run ${file}: ${code}`, code === 'ENOENT' ? 127 : 126));
      relay.detach();
    });
    child.once('exit', (exitCode, signal) => {
      relay.detach();
      resolvePromise(exitCode !== null ? { exitCode } : { signal: signal ?? 'SIGKILL' });
    });
  });
}

/** Starts a child and waits for it: runChild, or a test's stand-in (Deps.spawn). */
export type Spawner = (file: string, args: readonly string[], options: SpawnOptions) => Promise<ChildResult>;

/** Runs `file args` untouched: same environment, same arguments, terraform's exit status. */
export async function runUntouched(file: string, args: readonly string[], options: { cwd: string; env: Env; children: Children }, spawner: Spawner = runChild): Promise<number> {
  const relay = new SignalRelay().start();
  try {
    return exitStatus(await spawner(file, args, { ...options, relay }));
  } finally {
    relay.stop();
  }
}

/** Which of stdin, stdout and stderr are terminals (taken at start, to compare at exit). */
export function terminalFds(): number[] {
  return [0, 1, 2].filter((fd) => isatty(fd));
}

/**
 * Before exiting after the terminal hung up (SIGHUP, the window closed): Node
 * restores each stdio terminal's modes on exit and, on Node 20, aborts (a core
 * dump) when that fails with EIO on a terminal that is gone. A descriptor
 * that is closed is skipped, so the ones whose terminal is gone are closed.
 */
export function releaseHungUpTerminals(terminalsAtStart: readonly number[]): void {
  for (const fd of terminalsAtStart) {
    if (isatty(fd)) continue; // still a working terminal
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}
