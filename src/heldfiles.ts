// The per-run files of a run terraform takes over (replace.ts): two unnamed
// files (O_TMPFILE: never a name on disk, so nothing a crash or a SIGKILL
// could leave) held open by a keeper, a tiny /bin/sh whose fds 3 and 4 they
// are; terraform reads them as /proc/KEEPER/fd/3 and /4. The keeper ignores
// stop requests (terraform's graceful stop may still need the session) and
// leaves within a second of the process it was started for; the files go
// with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, fchmodSync, openSync, readFileSync, writeSync } from 'node:fs';
import type { GeneratedFiles } from './aws/types.ts';

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
