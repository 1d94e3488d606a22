// The MFA session cache: one file per (long-term key, device, endpoint), 0600
// in a 0700 directory, written atomically, guarded by an inter-process lock so
// concurrent runs on a cold cache ask for one code.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TfwError } from '../errors.ts';
import type { Env } from '../model.ts';
import type { SessionCredentials } from './types.ts';


/** TFW_CACHE_DIR, else $XDG_CACHE_HOME/tfw, else ~/.cache/tfw. */
export function cacheDir(env: Env): string {
  if (env.TFW_CACHE_DIR) return env.TFW_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tfw');
  return join(env.HOME ?? '.', '.cache', 'tfw');
}

/** What identifies a session: a changed key, device or endpoint is another session. */
export interface SessionKey {
  serial: string;
  /** What answers for the device (sources.ts: sourceIdentity): the key pair, or a credential_process command. */
  source: readonly string[];
  /** The STS endpoint ('' for AWS's own). */
  endpoint: string;
  /** The long-term profile, for status output (not part of the identity). */
  profile: string;
}

export interface CachedSession {
  serial: string;
  profile: string;
  endpoint: string;
  credentials: SessionCredentials;
  obtainedAt: Date;
}

/** A cache file's non-secret summary, for `tfw auth status` and `clear`. */
export interface CacheEntryInfo {
  file: string;
  serial: string;
  profile: string;
  endpoint: string;
  expiration: Date;
  obtainedAt: Date;
}

export type CacheRead =
  | { state: 'hit'; session: CachedSession }
  | { state: 'missing' }
  | { state: 'corrupt'; file: string };

export const FORMAT = 'tfw-session-v1';
const FILE_PREFIX = 'session-';

export function fingerprint(key: SessionKey): string {
  // A secret at hand is hashed into the key so a rotated secret under the same id is a miss, without storing it.
  return createHash('sha256')
    .update(JSON.stringify([key.serial, ...key.source, key.endpoint]))
    .digest('hex');
}

export function cacheFileFor(dir: string, key: SessionKey): string {
  return join(dir, `${FILE_PREFIX}${fingerprint(key).slice(0, 32)}.json`);
}

export interface FileShape {
  format: string;
  fingerprint: string;
  serial: string;
  profile: string;
  endpoint: string;
  obtainedAt: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
}

export function isFileShape(value: unknown): value is FileShape {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const c = v.credentials as Record<string, unknown> | undefined;
  return (
    v.format === FORMAT &&
    typeof v.fingerprint === 'string' &&
    typeof v.serial === 'string' &&
    typeof v.profile === 'string' &&
    typeof v.endpoint === 'string' &&
    typeof v.obtainedAt === 'string' &&
    typeof c === 'object' && c !== null &&
    typeof c.accessKeyId === 'string' &&
    typeof c.secretAccessKey === 'string' &&
    typeof c.sessionToken === 'string' &&
    typeof c.expiration === 'string' &&
    !Number.isNaN(Date.parse(c.expiration))
  );
}

/**
 * Refuses a cache directory someone else could read from or write into:
 * owned by another user, or writable by group or others (they could remove,
 * swap or plant session files). Missing is fine: it is created 0700.
 * One stat, so the warm path stays cheap.
 */
export async function checkCacheDir(dir: string, uid = process.getuid?.()): Promise<void> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    // Missing (created 0700 when needed) or unreachable (using it fails, with its own message).
    return;
  }
  const fix = `fix it or set TFW_CACHE_DIR (TFW_NO_CACHE=1 runs without a cache)`;
  if (!info.isDirectory()) throw new TfwError(`the session cache ${dir} is not a directory: ${fix}`);
  if (uid !== undefined && info.uid !== uid) {
    throw new TfwError(`refusing the session cache ${dir}: it is owned by uid ${info.uid}, not by you (uid ${uid}); ${fix}`);
  }
  const mode = info.mode & 0o777;
  if ((mode & 0o022) !== 0) {
    const who = [mode & 0o020 ? 'group' : '', mode & 0o002 ? 'others' : ''].filter(Boolean).join(' and ');
    throw new TfwError(`refusing the session cache ${dir}: it is writable by ${who} (mode ${mode.toString(8).padStart(4, '0')}); chmod 700 it, or set TFW_CACHE_DIR`);
  }
}

async function ensureDir(dir: string): Promise<void> {
  await checkCacheDir(dir);
  // Created 0700 (umask can only narrow it); parents too, when missing.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // An existing dir of ours that others may read (0755): make it private.
  await chmod(dir, 0o700);
}

export class SessionCache {
  private checked: Promise<void> | undefined;
  constructor(readonly dir: string) {}

  /** The ownership/mode check, once per cache object. */
  private check(): Promise<void> {
    return (this.checked ??= checkCacheDir(this.dir));
  }

  async read(key: SessionKey): Promise<CacheRead> {
    await this.check();
    const file = cacheFileFor(this.dir, key);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return { state: 'missing' };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { state: 'corrupt', file };
    }
    if (!isFileShape(parsed) || parsed.fingerprint !== fingerprint(key)) return { state: 'corrupt', file };
    return {
      state: 'hit',
      session: {
        serial: parsed.serial,
        profile: parsed.profile,
        endpoint: parsed.endpoint,
        obtainedAt: new Date(parsed.obtainedAt),
        credentials: { ...parsed.credentials, expiration: new Date(parsed.credentials.expiration) },
      },
    };
  }

  /** Write to a private temp file, then rename: a reader never sees half a file. */
  async write(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): Promise<void> {
    await ensureDir(this.dir);
    const file = cacheFileFor(this.dir, key);
    const shape: FileShape = {
      format: FORMAT,
      fingerprint: fingerprint(key),
      serial: key.serial,
      profile: key.profile,
      endpoint: key.endpoint,
      obtainedAt: obtainedAt.toISOString(),
      credentials: { ...credentials, expiration: credentials.expiration.toISOString() },
    };
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${JSON.stringify(shape)}\n`, { mode: 0o600, flag: 'wx' });
      await rename(tmp, file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  /**
   * Runs fn holding the lock of this key's file. A second run waits here while
   * the first one prompts, then finds the session the first one wrote.
   */
  async withLock<T>(key: SessionKey, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    await ensureDir(this.dir);
    // A CommonJS module: its functions are on the default export once bundled.
    const { default: lockfile } = await import('proper-lockfile');
    const file = cacheFileFor(this.dir, key);
    const options = { realpath: false, lockfilePath: `${file}.lock`, stale: 15_000, update: 5_000 };
    if (onWait && (await lockfile.check(file, options))) onWait();
    const release = await lockfile.lock(file, {
      ...options,
      // A prompt can take minutes: keep trying (about 30 min in all).
      retries: { retries: 2000, factor: 1.2, minTimeout: 50, maxTimeout: 1000 },
    });
    try {
      return await fn();
    } finally {
      await release().catch(() => undefined);
    }
  }

  async list(): Promise<CacheEntryInfo[]> {
    await this.check();
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: CacheEntryInfo[] = [];
    for (const name of names.sort()) {
      if (!name.startsWith(FILE_PREFIX) || !name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      try {
        const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
        if (!isFileShape(parsed)) continue;
        out.push({
          file,
          serial: parsed.serial,
          profile: parsed.profile,
          endpoint: parsed.endpoint,
          expiration: new Date(parsed.credentials.expiration),
          obtainedAt: new Date(parsed.obtainedAt),
        });
      } catch {
        // unreadable or foreign: not a session of ours
      }
    }
    return out;
  }

  /** Removes tfw's session files (all, or one device's); nothing else in the directory. */
  async clear(serial?: string): Promise<CacheEntryInfo[]> {
    const entries = (await this.list()).filter((e) => serial === undefined || e.serial === serial);
    await Promise.all(entries.map((e) => rm(e.file, { force: true })));
    return entries;
  }

  async remove(file: string): Promise<void> {
    await rm(file, { force: true });
  }
}
