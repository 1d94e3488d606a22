// terraform in tfw's place (Linux): terraform exec'd into tfw's own process,
// its per-run files held unnamed by a keeper (heldfiles.ts) (docs/signals.md
// "terraform in tfw's place").
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
import { accessSync, closeSync, constants, openSync, readFileSync, readSync } from 'node:fs';
import { truthy } from './log.ts';
import type { Env } from './model.ts';

/** process.execve: Node 22.15+ and 23.11+ (@types/node of the 22 line predates it). */
type Execve = (file: string, args: readonly string[], env: Record<string, string>) => never;
const execve = (): Execve | undefined => (process as unknown as { execve?: Execve }).execve;

/** The event emitted just before tfw's process becomes terraform: what would have run at exit runs now (codecache.ts). */
export const REPLACING = 'tfw:replacing';

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
