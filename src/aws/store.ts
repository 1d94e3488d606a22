// Where MFA sessions are kept, behind one interface: the OS keyring where
// there is one (keyring.ts), else 0600 files (cache.ts). The lock is always a
// file in the cache directory. TFW_CACHE_BACKEND=file|keyring chooses; unset,
// the keyring is tried and the files serve when it does not answer.
import { ConfigError } from '../errors.ts';
import type { Env } from '../model.ts';
import { cacheDir, cacheFileFor, SessionCache, type CacheEntryInfo, type CacheRead, type SessionKey } from './cache.ts';
import type { KeyringSessions } from './keyring.ts';
import type { SessionCredentials } from './types.ts';

export type Backend = 'file' | 'keyring';

export interface SessionStore {
  readonly backend: Backend;
  /** For messages: the cache directory, or "the Secret Service". */
  readonly where: string;
  /** The directory of the lock (and of the files, for the file backend). */
  readonly dir: string;
  read(key: SessionKey): Promise<CacheRead>;
  write(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): Promise<void>;
  withLock<T>(key: SessionKey, fn: () => Promise<T>, onWait?: () => void): Promise<T>;
  list(): Promise<CacheEntryInfo[]>;
  clear(serial?: string): Promise<CacheEntryInfo[]>;
  /** Removes one session, named as `read` (corrupt) and `list` name it. */
  remove(item: string): Promise<void>;
  /** Removes the session of one key, if there is one. */
  drop(key: SessionKey): Promise<void>;
}

export function fileSessions(dir: string, warn?: (message: string) => void): SessionStore {
  const files = new SessionCache(dir, warn);
  return {
    backend: 'file',
    where: dir,
    dir,
    read: (key) => files.read(key),
    write: (key, credentials, obtainedAt) => files.write(key, credentials, obtainedAt),
    withLock: (key, fn, onWait) => files.withLock(key, fn, onWait),
    list: () => files.list(),
    clear: (serial) => files.clear(serial),
    remove: (item) => files.remove(item),
    drop: (key) => files.remove(cacheFileFor(dir, key)),
  };
}

export type BackendChoice = 'auto' | Backend;

export function backendChoice(env: Env): BackendChoice {
  const v = env.TFW_CACHE_BACKEND?.trim().toLowerCase();
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'file' || v === 'keyring') return v;
  throw new ConfigError(`TFW_CACHE_BACKEND=${env.TFW_CACHE_BACKEND} is not one of keyring, file, auto`);
}

async function keyringOf(dir: string, env: Env, probe: boolean): Promise<{ store: KeyringSessions } | { reason: string }> {
  const { openKeyring } = await import('./keyring.ts');
  return openKeyring(new SessionCache(dir), env, probe);
}

const isKeyringError = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === 'EKEYRING';

/**
 * The keyring, falling back to the files for the rest of the run the first
 * time it does not answer (no Secret Service behind the session bus, a
 * locked store…): one call on the warm path, no separate probe. A session
 * found in the files while the keyring answers moves into the keyring.
 */
class KeyringFirst implements SessionStore {
  private active: SessionStore;
  constructor(
    private readonly keyring: SessionStore,
    private readonly files: SessionStore,
    private readonly onFallback: (why: string) => void,
  ) {
    this.active = keyring;
  }
  get backend(): Backend {
    return this.active.backend;
  }
  get where(): string {
    return this.active.where;
  }
  get dir(): string {
    return this.files.dir;
  }

  private async use<T>(op: (s: SessionStore) => Promise<T>): Promise<T> {
    if (this.active === this.files) return op(this.files);
    try {
      return await op(this.keyring);
    } catch (error) {
      if (!isKeyringError(error)) throw error;
      this.onFallback((error as Error).message);
      this.active = this.files;
      return op(this.files);
    }
  }

  read(key: SessionKey): Promise<CacheRead> {
    return this.use(async (s) => {
      const r = await s.read(key);
      if (s === this.files || r.state !== 'missing') return r;
      // From an earlier file cache: into the keyring, out of the files.
      const old = await this.files.read(key).catch(() => ({ state: 'missing' }) as const);
      if (old.state !== 'hit') return r;
      await s.write(key, old.session.credentials, old.session.obtainedAt);
      await this.files.remove(cacheFileFor(this.files.dir, key)).catch(() => undefined);
      return old;
    });
  }
  write(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): Promise<void> {
    return this.use((s) => s.write(key, credentials, obtainedAt));
  }
  withLock<T>(key: SessionKey, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    return this.files.withLock(key, fn, onWait);
  }
  list(): Promise<CacheEntryInfo[]> {
    return this.use((s) => s.list());
  }
  clear(serial?: string): Promise<CacheEntryInfo[]> {
    return this.use((s) => s.clear(serial));
  }
  remove(item: string): Promise<void> {
    return item.startsWith('keyring:') ? this.keyring.remove(item) : this.files.remove(item);
  }
  async drop(key: SessionKey): Promise<void> {
    await this.use((s) => s.drop(key));
    if (this.active !== this.files) await this.files.drop(key);
  }
}

/** The store a run reads and writes its sessions in. */
export async function openSessionStore(env: Env, onFallback: (why: string) => void = () => {}, warn?: (message: string) => void): Promise<SessionStore> {
  const dir = cacheDir(env);
  const files = fileSessions(dir, warn);
  const choice = backendChoice(env);
  if (choice === 'file') return files;
  // Chosen: asked at once, so a missing keyring is an error here. Automatic: the first read is the probe.
  const keyring = await keyringOf(dir, env, choice === 'keyring');
  if ('store' in keyring) return choice === 'keyring' ? keyring.store : new KeyringFirst(keyring.store, files, onFallback);
  if (choice === 'keyring') throw new ConfigError(`TFW_CACHE_BACKEND=keyring, but there is no OS keyring to use: ${keyring.reason}`);
  onFallback(keyring.reason);
  return files;
}

/** Every store that may hold sessions (for `tfw auth status` and `clear`): the files, and the keyring when it answers. */
export async function sessionStores(env: Env): Promise<SessionStore[]> {
  const dir = cacheDir(env);
  const files = fileSessions(dir);
  if (backendChoice(env) === 'file') return [files];
  const keyring = await keyringOf(dir, env, true);
  return 'store' in keyring ? [keyring.store, files] : [files];
}
