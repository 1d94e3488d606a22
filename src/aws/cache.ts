// The MFA session cache: one file per (long-term key, device, endpoint), 0600
// in a 0700 directory, written atomically, guarded by an inter-process lock so
// concurrent runs on a cold cache ask for one code.
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Env } from '../model.ts';
import type { LongTermKeys, SessionCredentials } from './types.ts';


/** TFW_CACHE_DIR, else $XDG_CACHE_HOME/tfw, else ~/.cache/tfw. */
export function cacheDir(env: Env): string {
  if (env.TFW_CACHE_DIR) return env.TFW_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'tfw');
  return join(env.HOME ?? '.', '.cache', 'tfw');
}

/** What identifies a session: a changed key, device or endpoint is another session. */
export interface SessionKey {
  serial: string;
  keys: LongTermKeys;
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

const FORMAT = 'tfw-session-v1';
const FILE_PREFIX = 'session-';

function fingerprint(key: SessionKey): string {
  // The secret is hashed into the key so a rotated secret under the same id is a miss, without storing it.
  return createHash('sha256')
    .update(JSON.stringify([key.serial, key.keys.accessKeyId, key.keys.secretAccessKey, key.endpoint]))
    .digest('hex');
}

export function cacheFileFor(dir: string, key: SessionKey): string {
  return join(dir, `${FILE_PREFIX}${fingerprint(key).slice(0, 32)}.json`);
}

interface FileShape {
  format: string;
  fingerprint: string;
  serial: string;
  profile: string;
  endpoint: string;
  obtainedAt: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: string };
}

function isFileShape(value: unknown): value is FileShape {
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

async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode is masked by umask and ignored for an existing dir: make it so.
  await chmod(dir, 0o700);
}

export class SessionCache {
  constructor(readonly dir: string) {}

  async read(key: SessionKey): Promise<CacheRead> {
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
