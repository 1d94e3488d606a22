// The session cache's inter-process lock: a directory created atomically
// (mkdir), holding an `owner` file that says which process holds it (pid,
// start time, boot, PID namespace), its mtime refreshed while held.
//
// Stale when its holder provably ended (same boot and PID namespace: the
// process is gone or its pid is another process now; another boot), whatever
// the clock says: a lock dated in the future (clock stepped back, NFS skew)
// does not make a dead holder alive. A live holder keeps it however long it
// is stopped (Ctrl-Z at its prompt): the waiter goes on waiting instead of
// asking for a second code. Where the holder cannot be judged (another PID
// namespace, an older tfw without the owner file), by age: untouched for
// `staleMs`, in either direction of the clock.
//
// Something else where the lock goes (a plain file, a FIFO, a symlink,
// dangling or not) is not a lock: ours is removed and replaced; another
// user's is refused. Every wait is bounded.
import { crypto, fsp } from '../builtins.ts';
import { join } from 'node:path';
import { TfwError } from '../errors.ts';
import { ownerState, selfIdentity, type ProcessIdentity } from '../proc.ts';

export interface LockOptions {
  /** Age without a refresh after which a lock whose holder cannot be judged is stale. */
  staleMs?: number;
  /** How often the holder refreshes the mtime. */
  refreshMs?: number;
  /** The longest wait for another holder before giving up with a tfw line. */
  maxWaitMs?: number;
  /** Called once, when the lock is held by another run. */
  onWait?: () => void;
  uid?: number;
  now?: () => number;
}

const OWNER = 'owner';

async function readOwner(lockPath: string): Promise<ProcessIdentity | undefined> {
  try {
    const v = JSON.parse(await fsp().readFile(join(lockPath, OWNER), 'utf8')) as Record<string, unknown>;
    if (typeof v !== 'object' || v === null || typeof v.pid !== 'number') return undefined;
    const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
    return { pid: v.pid, start: str(v.start), boot: str(v.boot), pidns: str(v.pidns) };
  } catch {
    return undefined;
  }
}

const sameOwner = (a: ProcessIdentity | undefined, b: ProcessIdentity): boolean =>
  a !== undefined && a.pid === b.pid && a.start === b.start && a.boot === b.boot && a.pidns === b.pidns;

/** Whether the lock at `lockPath` (a directory, seen with `mtimeMs`) may be broken. */
async function isStale(lockPath: string, mtimeMs: number, staleMs: number, now: number): Promise<{ stale: boolean; holder?: number }> {
  const owner = await readOwner(lockPath);
  if (owner !== undefined) {
    const state = ownerState(owner);
    if (state === 'over') return { stale: true, holder: owner.pid };
    if (state === 'running') return { stale: false, holder: owner.pid };
  }
  // Cannot judge the holder: by age, whichever way the clock moved.
  return { stale: Math.abs(now - mtimeMs) > staleMs, holder: owner?.pid };
}

/** Moves a stale lock out of the way (rename first: two breakers cannot both remove a fresh lock taken meanwhile by a third). */
async function breakLock(lockPath: string): Promise<void> {
  const aside = `${lockPath}.stale-${process.pid}-${crypto().randomBytes(4).toString('hex')}`;
  try {
    await fsp().rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it first
  }
  await fsp().rm(aside, { recursive: true, force: true });
}

/** Holds the lock at `lockPath` while `fn` runs. */
export async function withDirLock<T>(lockPath: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const staleMs = options.staleMs ?? 15_000;
  const refreshMs = options.refreshMs ?? 5_000;
  const maxWaitMs = options.maxWaitMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const uid = options.uid ?? process.getuid?.();
  const me = selfIdentity();
  const started = now();
  let delay = 50;
  let waited = false;
  for (;;) {
    try {
      await fsp().mkdir(lockPath, { mode: 0o700 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let info;
    try {
      info = await fsp().lstat(lockPath);
    } catch {
      continue; // released meanwhile
    }
    if (!info.isDirectory()) {
      if (uid !== undefined && info.uid !== uid) {
        throw new TfwError(`${lockPath} is not tfw's lock and belongs to uid ${info.uid}: remove it, or set TFW_CACHE_DIR`);
      }
      // A plain file, FIFO, socket or symlink (dangling or not) where the lock goes: never opened, removed.
      await fsp().rm(lockPath, { force: true });
      continue;
    }
    const { stale, holder } = await isStale(lockPath, info.mtimeMs, staleMs, now());
    if (stale) {
      await breakLock(lockPath);
      continue;
    }
    if (!waited) {
      waited = true;
      options.onWait?.();
    }
    if (now() - started > maxWaitMs) {
      throw new TfwError(
        `another tfw run${holder !== undefined ? ` (pid ${holder})` : ''} has held the session lock ${lockPath} for over ${Math.round(maxWaitMs / 60_000)} minutes; stop it, or remove the lock if no tfw is running`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(1000, Math.round(delay * 1.5));
  }
  try {
    await fsp().writeFile(join(lockPath, OWNER), `${JSON.stringify(me)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    await fsp().rm(lockPath, { recursive: true, force: true });
    throw error;
  }
  // Refreshed while held, for waiters that judge by age; a lock broken meanwhile is not an error here.
  const timer = setInterval(() => {
    const t = new Date(now());
    fsp().utimes(lockPath, t, t).catch(() => {});
  }, refreshMs);
  timer.unref();
  try {
    return await fn();
  } finally {
    clearInterval(timer);
    // Released only if it is still ours: a holder judged stale by age (another namespace) and replaced must not remove the new holder's lock.
    if (sameOwner(await readOwner(lockPath), me)) await fsp().rm(lockPath, { recursive: true, force: true }).catch(() => {});
  }
}
