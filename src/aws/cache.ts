// The MFA session cache: one file per (long-term key, device, endpoint), 0600
// in a 0700 directory, written atomically, guarded by an inter-process lock so
// concurrent runs on a cold cache ask for one code.
import { crypto, fsp } from '../builtins.ts';
import { closeSync, constants as fsConstants, fchmodSync, fstatSync, openSync, readFileSync, statSync } from 'node:fs';
import { withDirLock, type LockOptions } from './lock.ts';
import { userInfo } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { cacheDirFromEnv } from '../cachedir.ts';
import { TfwError } from '../errors.ts';
import type { Env } from '../model.ts';
import type { SessionCredentials } from './types.ts';


/** The account's home directory from the password database (not $HOME), or undefined. */
function accountHome(): string | undefined {
  try {
    const home = userInfo().homedir;
    return home !== '' && isAbsolute(home) ? home : undefined;
  } catch {
    return undefined;
  }
}

/**
 * TFW_CACHE_DIR, else $XDG_CACHE_HOME/tfw, else ~/.cache/tfw. The home is
 * $HOME when it is an absolute path, else the account's home from the
 * password database; never the working directory (a session written to
 * `./.cache` would land in a git checkout). Relative XDG_CACHE_HOME is
 * ignored, as the XDG spec says.
 */
export function cacheDir(env: Env, home: () => string | undefined = accountHome): string {
  const fromEnv = cacheDirFromEnv(env);
  if (fromEnv !== undefined) return fromEnv;
  const h = home();
  if (h === undefined) {
    throw new TfwError('no home directory for the session cache: HOME is not set (or not absolute) and the account has none; set HOME or TFW_CACHE_DIR (TFW_NO_CACHE=1 runs without a cache)');
  }
  return join(h, '.cache', 'tfw');
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
  /** The identity already made (the plan memo keeps it instead of `source`, which may hold a secret key). */
  fingerprint?: string;
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
/** A session file is a few kilobytes: anything much larger is not one. */
const MAX_SESSION_FILE = 1024 * 1024;
const FILE_PREFIX = 'session-';

export function fingerprint(key: SessionKey): string {
  if (key.fingerprint !== undefined) return key.fingerprint;
  // A secret at hand is hashed into the key so a rotated secret under the same id is a miss, without storing it.
  return crypto().createHash('sha256')
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

/** The stored form of a session, the same in a file and in a keyring item. */
export function encodeSession(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): FileShape {
  return {
    format: FORMAT,
    fingerprint: fingerprint(key),
    serial: key.serial,
    profile: key.profile,
    endpoint: key.endpoint,
    obtainedAt: obtainedAt.toISOString(),
    credentials: { ...credentials, expiration: credentials.expiration.toISOString() },
  };
}

/** A stored session read back: a hit only when it parses and belongs to `key`; `where` names it in a 'corrupt' answer. */
export function decodeSession(text: string, key: SessionKey, where: string): CacheRead {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { state: 'corrupt', file: where };
  }
  if (!isFileShape(parsed) || parsed.fingerprint !== fingerprint(key)) return { state: 'corrupt', file: where };
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

/**
 * Refuses a cache directory someone else could read from or write into:
 * owned by another user, or writable by group or others (they could remove,
 * swap or plant session files). Missing is fine: it is created 0700.
 * One stat, so the warm path stays cheap.
 */
export async function checkCacheDir(dir: string, uid = process.getuid?.(), repaired?: (message: string) => void): Promise<void> {
  let info;
  try {
    // Synchronous, as every read of the warm path: one call, faster than a thread-pool round trip.
    info = statSync(dir);
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
  // Ours, but others may list it (after chmod -R, a restore): made private, and said.
  if (repaired && (mode & 0o055) !== 0) {
    await fsp().chmod(dir, 0o700);
    repaired(`the session cache ${dir} was readable by others (mode ${mode.toString(8).padStart(4, '0')}): made it 0700`);
  }
}

async function ensureDir(dir: string): Promise<void> {
  await checkCacheDir(dir);
  // Created 0700 (umask can only narrow it); parents too, when missing.
  await fsp().mkdir(dir, { recursive: true, mode: 0o700 });
  // An existing dir of ours that others may read (0755): make it private.
  await fsp().chmod(dir, 0o700);
}

export class SessionCache {
  private checked: Promise<void> | undefined;
  constructor(
    readonly dir: string,
    /** Says what was repaired (modes others could read). */
    private readonly warn: (message: string) => void = () => {},
    private readonly lockOptions: Omit<LockOptions, 'onWait'> = {},
  ) {}

  /** The ownership/mode check, once per cache object. */
  private check(): Promise<void> {
    return (this.checked ??= checkCacheDir(this.dir, undefined, this.warn));
  }

  /** A session file's text, or why there is none: never blocks on a FIFO, never follows a link, never reads more than a session's size. */
  private async readSessionFile(file: string): Promise<{ text: string } | { state: 'missing' } | { state: 'corrupt'; file: string }> {
    let fd: number;
    try {
      fd = openSync(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW);
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'missing' } : { state: 'corrupt', file };
    }
    try {
      const info = fstatSync(fd);
      const uid = process.getuid?.();
      if (!info.isFile() || (uid !== undefined && info.uid !== uid) || info.size > MAX_SESSION_FILE) return { state: 'corrupt', file };
      if ((info.mode & 0o077) !== 0) {
        fchmodSync(fd, 0o600);
        this.warn(`the session file ${file} was readable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')}): made it 0600`);
      }
      return { text: readFileSync(fd, 'utf8') };
    } finally {
      closeSync(fd);
    }
  }

  async read(key: SessionKey): Promise<CacheRead> {
    await this.check();
    const file = cacheFileFor(this.dir, key);
    const got = await this.readSessionFile(file);
    if (!('text' in got)) return got;
    const text = got.text;
    return decodeSession(text, key, file);
  }

  /** Write to a private temp file, then rename: a reader never sees half a file. */
  async write(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): Promise<void> {
    await ensureDir(this.dir);
    const file = cacheFileFor(this.dir, key);
    const shape = encodeSession(key, credentials, obtainedAt);
    const tmp = `${file}.${process.pid}.${crypto().randomBytes(4).toString('hex')}.tmp`;
    try {
      await fsp().writeFile(tmp, `${JSON.stringify(shape)}\n`, { mode: 0o600, flag: 'wx' });
      await fsp().rename(tmp, file);
    } catch (error) {
      await fsp().rm(tmp, { force: true });
      throw error;
    }
  }

  /**
   * Runs fn holding the lock of this key's file. A second run waits here while
   * the first one prompts, then finds the session the first one wrote.
   */
  async withLock<T>(key: SessionKey, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    await ensureDir(this.dir);
    // A prompt can take minutes: a live holder is waited for (up to 30 min), a dead one's lock broken at once (lock.ts).
    return withDirLock(`${cacheFileFor(this.dir, key)}.lock`, fn, { onWait, ...this.lockOptions });
  }

  async list(): Promise<CacheEntryInfo[]> {
    await this.check();
    let names: string[];
    try {
      names = await fsp().readdir(this.dir);
    } catch {
      return [];
    }
    const out: CacheEntryInfo[] = [];
    for (const name of names.sort()) {
      if (!name.startsWith(FILE_PREFIX) || !name.endsWith('.json')) continue;
      const file = join(this.dir, name);
      try {
        const got = await this.readSessionFile(file);
        if (!('text' in got)) continue;
        const parsed: unknown = JSON.parse(got.text);
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
    await Promise.all(entries.map((e) => fsp().rm(e.file, { force: true })));
    return entries;
  }

  async remove(file: string): Promise<void> {
    await fsp().rm(file, { force: true });
  }
}
