// Which process is which, for deciding whether a run that left something
// behind (a per-run dir, a cache lock) is over: pid, start time, boot and PID
// namespace. Linux reads /proc; elsewhere only the pid is known, and what
// cannot be proved dead is left alone (or judged by age).
import { readFileSync, readlinkSync } from 'node:fs';

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

/** Whether a process with this pid exists (in our PID namespace). */
export function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This boot (Linux: /proc/sys/kernel/random/boot_id), or undefined. */
export function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Our PID namespace (Linux: the inode in /proc/self/ns/pid, e.g. "pid:[4026531836]"), or undefined. */
export function pidNamespace(): string | undefined {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return undefined;
  }
}

/** Who we are, as written into what we leave behind. */
export interface ProcessIdentity {
  pid: number;
  start?: string;
  boot?: string;
  pidns?: string;
}

export function selfIdentity(pid = process.pid): ProcessIdentity {
  return { pid, start: processStartTime(pid), boot: bootId(), pidns: pidNamespace() };
}

/**
 * Whether the process that wrote `owner` has ended, as far as can be proved:
 * 'over' (another boot; or our namespace and the pid is gone or now another
 * process), 'running', or 'unknown' (another PID namespace, or nothing to
 * compare: its pid means nothing here).
 */
export function ownerState(owner: ProcessIdentity): 'over' | 'running' | 'unknown' {
  const boot = bootId();
  if (owner.boot !== undefined && boot !== undefined && owner.boot !== boot) return 'over';
  const ns = pidNamespace();
  if (owner.pidns === undefined || ns === undefined || owner.pidns !== ns) return 'unknown';
  if (!pidExists(owner.pid)) return 'over';
  if (owner.start === undefined) return 'running';
  const now = processStartTime(owner.pid);
  return now !== undefined && now !== owner.start ? 'over' : 'running';
}
