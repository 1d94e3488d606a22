// terraform in tfw's place (Linux): the per-run files as two unnamed files
// that a small keeper process holds open, and terraform exec'd into tfw's own
// process (docs/signals.md "terraform in tfw's place").
//
// Once terraform is tfw's process, every stop request reaches it the way it
// would reach terraform alone, from whoever sends it (no relay, no witness);
// its exit status is its own; nothing of tfw's runs after it. The files
// never have a name: nothing is left on disk by a crash or a SIGKILL, at any
// moment. The keeper ignores stop requests (terraform's graceful stop may
// still need the session) and leaves within a second of terraform's end;
// the files go with it.
//
// Everything here is checked before it is relied on; where something is not
// as needed, the caller runs terraform as a child instead (runwith.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, fchmodSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import type { GeneratedFiles } from './aws/types.ts';
import { truthy } from './log.ts';
import type { Env } from './model.ts';

/** process.execve: Node 22.15+ and 23.11+ (@types/node of the 22 line predates it). */
type Execve = (file: string, args: readonly string[], env: Record<string, string>) => never;
const execve = (): Execve | undefined => (process as unknown as { execve?: Execve }).execve;

/** The event emitted just before tfw's process becomes terraform: what would have run at exit runs now (codecache.ts). */
export const REPLACING = 'tfw:replacing';

/** Linux's O_TMPFILE (__O_TMPFILE | O_DIRECTORY; O_DIRECTORY differs between architectures, __O_TMPFILE does not). */
const O_TMPFILE = 0o20000000 | constants.O_DIRECTORY;

/**
 * The keeper: holds the files (its fds 3 and 4) while its parent is the
 * process it was started by (tfw, then terraform in its place); ignores the
 * stop requests that reach terraform's group. `sleep` leaves the ignored
 * signals ignored (exec keeps SIG_IGN).
 */
const KEEPER = `trap '' INT TERM HUP QUIT
while read -r _ _ _ p _ < /proc/$$/stat && [ "$p" = "$1" ]; do sleep 1; done`;

export interface HeldFiles {
  configFile: string;
  credentialsFile: string;
  /** The keeper's pid (for the debug line). */
  keeper: number;
  /** Ends the keeper: the files go with it (the run did not become terraform after all). */
  release(): void;
}

/** An unnamed 0600 file in `dir` holding `text`, or undefined where the filesystem (or kernel) has no O_TMPFILE. */
function unnamedFile(dir: string, text: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(dir, O_TMPFILE | constants.O_RDWR, 0o600);
  } catch {
    return undefined;
  }
  try {
    fchmodSync(fd, 0o600);
    const data = Buffer.from(text, 'utf8');
    for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at, at);
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * The per-run files as unnamed files in `base`, held by a keeper whose
 * /proc/PID/fd/3 and /4 are the paths terraform reads; undefined (nothing
 * left behind) when the filesystem has no unnamed files, the keeper cannot
 * start, or the paths do not read back what was written.
 */
export function holdRunFiles(base: string, files: Pick<GeneratedFiles, 'config' | 'credentials'>, pid = process.pid): HeldFiles | undefined {
  const fds: number[] = [];
  let keeper: ChildProcess | undefined;
  try {
    for (const text of [files.config, files.credentials]) {
      const fd = unnamedFile(base, text);
      if (fd === undefined) return undefined;
      fds.push(fd);
    }
    keeper = spawn('/bin/sh', ['-c', KEEPER, 'tfw-keeper', String(pid)], { stdio: ['ignore', 'ignore', 'ignore', fds[0]!, fds[1]!] });
    keeper.on('error', () => {});
    keeper.unref();
    const keeperPid = keeper.pid;
    if (keeperPid === undefined) return undefined;
    const started = keeper;
    const held: HeldFiles = {
      configFile: `/proc/${keeperPid}/fd/3`,
      credentialsFile: `/proc/${keeperPid}/fd/4`,
      keeper: keeperPid,
      release: () => void started.kill('SIGKILL'),
    };
    // The keeper ignores stop requests only once its shell has run `trap`: until then a Ctrl-C would end it (and
    // tfw with it, which has no listener on this path: the run just stops). terraform starts only after.
    // Then read back as terraform will: /proc mounted, this user allowed to open another process's fds.
    if (
      !ignoresStopRequests(keeperPid, Date.now() + KEEPER_START_MS) ||
      readFileSync(held.configFile, 'utf8') !== files.config ||
      readFileSync(held.credentialsFile, 'utf8') !== files.credentials
    ) {
      held.release();
      return undefined;
    }
    keeper = undefined;
    return held;
  } catch {
    return undefined;
  } finally {
    keeper?.kill('SIGKILL');
    for (const fd of fds) closeSync(fd);
  }
}

/** How long the keeper's shell may take to start and set its traps before tfw gives up on it (a loaded machine). */
const KEEPER_START_MS = 5000;

/** SigIgn's bits for SIGHUP, SIGINT, SIGQUIT and SIGTERM (signal N is bit N-1). */
const STOP_REQUESTS_IGNORED = (1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 14n);

/**
 * Waits until process `pid` ignores the stop requests (/proc/PID/status
 * SigIgn), yielding the CPU between looks (a machine with one core must run
 * the keeper meanwhile); false when it ended or the deadline passed.
 */
function ignoresStopRequests(pid: number, deadline: number): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'latin1');
    } catch {
      return false;
    }
    if (/^State:\s*Z/m.test(status)) return false;
    const ignored = /^SigIgn:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    if (ignored !== undefined && (BigInt(`0x${ignored}`) & STOP_REQUESTS_IGNORED) === STOP_REQUESTS_IGNORED) return true;
    if (Date.now() >= deadline) return false;
    Atomics.wait(pause, 0, 0, 0.2);
  }
}

/** Whether fd's open file is in non-blocking mode (/proc/self/fdinfo), undefined where that cannot be read. */
function nonBlocking(fd: number): boolean | undefined {
  try {
    const flags = /^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'))?.[1];
    return flags === undefined ? undefined : (parseInt(flags, 8) & constants.O_NONBLOCK) !== 0;
  } catch {
    return undefined;
  }
}

/** Whether this process blocks any signal (a child started by libuv would start with none blocked; an exec'd program keeps the mask). */
function blocksSignals(): boolean | undefined {
  try {
    const mask = /^SigBlk:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'))?.[1];
    return mask === undefined ? undefined : /[^0]/.test(mask);
  } catch {
    return undefined;
  }
}

/** ELF's e_machine for the architectures Node runs on here (a binary for another one fails with ENOEXEC). */
const ELF_MACHINE: Partial<Record<string, number>> = { x64: 62, arm64: 183, ia32: 3, arm: 40, ppc64: 21, s390x: 22, riscv64: 243, loong64: 258 };

/** The kernel follows at most this many `#!` interpreters (BINPRM_MAX_RECURSION). */
const MAX_INTERPRETERS = 4;

/**
 * Whether execve(2) itself runs `file`: an executable ELF of this machine's
 * architecture, or a `#!` script whose interpreter is one (followed as the
 * kernel follows them). A spawned child would also run a script without `#!`
 * (execvp hands it to /bin/sh on ENOEXEC), and its failure to start is an
 * error tfw reports in one line; a failed process.execve ends Node with an
 * abort instead. So anything else is left to a spawned child.
 */
export function execveRuns(file: string, depth = 0): boolean {
  let fd: number | undefined;
  try {
    accessSync(file, constants.X_OK);
    fd = openSync(file, constants.O_RDONLY);
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    if (n >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
      const machine = head.readUInt16LE(18);
      return head[5] === 1 && machine === ELF_MACHINE[process.arch];
    }
    if (n < 3 || head[0] !== 0x23 || head[1] !== 0x21 || depth >= MAX_INTERPRETERS) return false;
    const line = head.toString('latin1', 2, n).split('\n')[0]!;
    const interpreter = line.trim().split(/[ \t]/)[0];
    return interpreter !== undefined && interpreter.startsWith('/') && execveRuns(interpreter, depth + 1);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Why terraform may not take tfw's place here, or undefined when it may:
 * what a child started by Node would get fresh (blocking stdio, no blocked
 * signal) must already be so, since an exec'd program inherits it as it is.
 */
export function cannotReplace(env: Env, stdioInUse: boolean): string | undefined {
  if (process.platform !== 'linux') return 'not Linux';
  if (typeof execve() !== 'function') return `Node ${process.version} has no process.execve`;
  if (truthy(env.TFW_NO_EXEC)) return 'TFW_NO_EXEC is set';
  // tfw's stdio streams (a prompt, auth output) may leave a terminal or a pipe in a state terraform must not inherit.
  if (stdioInUse) return 'tfw used the terminal';
  for (const fd of [0, 1, 2]) if (nonBlocking(fd) !== false && !blockingAgain(fd)) return `fd ${fd} is non-blocking`;
  if (blocksSignals() !== false) return 'a signal is blocked';
  if (parentCommand() === 'timeout') return 'its parent is timeout(1), which signals its child and then the whole group: tfw stays between them to make the two one request';
  return undefined;
}

/**
 * Puts stdout or stderr back in blocking mode, as libuv does for a spawned
 * child's stdio (on the same shared open file): tfw has not written through
 * the stream (stdioInUse), but something built it (Node's stream.pipe()
 * looks at process.stdout, which builds it, and a pipe's stream is
 * non-blocking), or it came so. Where that does not take (a terminal's stream
 * works on a descriptor of its own), the exec is refused. Not stdin: only a
 * prompt builds that, and a prompt refuses the exec already.
 */
function blockingAgain(fd: number): boolean {
  if (fd !== 1 && fd !== 2) return false;
  try {
    const handle = (fd === 1 ? process.stdout : process.stderr) as unknown as { _handle?: { setBlocking?: (on: boolean) => number } };
    handle._handle?.setBlocking?.(true);
  } catch {
    return false;
  }
  return nonBlocking(fd) === false;
}

/**
 * The parent's command name (/proc/PPID/comm). coreutils' timeout(1), unless
 * --foreground, sends its signal to its child and then to its process group:
 * terraform alone would hear it twice whenever the two do not merge
 * (docs/signals.md), and the relay of a terraform child makes them one.
 */
function parentCommand(): string | undefined {
  try {
    return readFileSync(`/proc/${process.ppid}/comm`, 'latin1').trim();
  } catch {
    return undefined;
  }
}

/**
 * Replaces this process with `file args`: what was to run at exit runs
 * first, then SIGPIPE and SIGXFSZ (which Node ignores) go back to their
 * defaults, as a child started by Node would have them. Does not return.
 */
export function replaceWith(file: string, args: readonly string[], env: Record<string, string>): never {
  process.emit(REPLACING as 'exit', 0);
  for (const signal of ['SIGPIPE', 'SIGXFSZ'] as const) {
    // Node ignores both; a listener's removal sets the default action (libuv's uv_signal_stop).
    const noop = (): void => {};
    process.on(signal, noop);
    process.off(signal, noop);
  }
  execve()!(file, [file, ...args], env);
  throw new Error('process.execve returned');
}
