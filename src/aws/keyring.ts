// The MFA session cache in the OS keyring: the Secret Service on Linux
// (GNOME Keyring, KWallet), the Keychain on macOS, through @napi-rs/keyring
// (a maintained binding of the keyring crate, shipped as prebuilt npm
// packages: nothing is compiled or downloaded at install). One item per
// session, service "tfw", account `session-<fingerprint>`, holding the same
// JSON the file cache writes. The lock stays a file in the cache directory
// (cache.ts), so concurrent runs still ask for one code.
//
// Loaded only on the credentialed path, and only when a cache is used.
import { decodeSession, encodeSession, fingerprint, isFileShape, type CacheEntryInfo, type CacheRead, type FileShape, type SessionCache, type SessionKey } from './cache.ts';
import type { SessionCredentials } from './types.ts';

type KeyringModule = typeof import('@napi-rs/keyring');

export const KEYRING_SERVICE = 'tfw';
const ACCOUNT_PREFIX = 'session-';
/** How `file` names a keyring item in CacheRead/CacheEntryInfo (never a path). */
const ITEM = 'keyring:';

/** Linux: pin the Secret Service (the binding would otherwise fall back to the kernel keyring, which a logout empties). */
const ENTRY_OPTIONS = { linux: { store: 'secret-service' as const } };

/** A keyring failure (locked, gone, refused): an E-code so callers treat it as "the cache is unusable", like a file error. */
export class KeyringError extends Error {
  readonly code = 'EKEYRING';
  constructor(what: string, cause: unknown) {
    // The binding's message names the store and the reason; it never holds the item's secret.
    super(`OS keyring: cannot ${what}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'KeyringError';
  }
}

export const accountFor = (key: SessionKey): string => `${ACCOUNT_PREFIX}${fingerprint(key).slice(0, 32)}`;

function entryInfo(item: string, shape: FileShape): CacheEntryInfo {
  return {
    file: item,
    serial: shape.serial,
    profile: shape.profile,
    endpoint: shape.endpoint,
    expiration: new Date(shape.credentials.expiration),
    obtainedAt: new Date(shape.obtainedAt),
  };
}

export class KeyringSessions {
  readonly backend = 'keyring' as const;
  constructor(
    private readonly keyring: KeyringModule,
    /** The file cache: only its lock is used. */
    private readonly lock: SessionCache,
    /** For messages: "the OS keyring (Secret Service)". */
    readonly where: string,
  ) {}

  /** The lock's directory. */
  get dir(): string {
    return this.lock.dir;
  }

  // The synchronous calls: one D-Bus round trip each (~10 ms), where the
  // async ones went through a thread pool and cost more on a loaded machine.
  private entry(account: string) {
    return new this.keyring.Entry(KEYRING_SERVICE, account, ENTRY_OPTIONS);
  }

  async read(key: SessionKey): Promise<CacheRead> {
    const account = accountFor(key);
    let text: string | null;
    try {
      text = this.entry(account).getPassword();
    } catch (error) {
      throw new KeyringError('read a session', error);
    }
    if (text === null) return { state: 'missing' };
    return decodeSession(text, key, `${ITEM}${account}`);
  }

  async write(key: SessionKey, credentials: SessionCredentials, obtainedAt: Date): Promise<void> {
    const shape = encodeSession(key, credentials, obtainedAt);
    try {
      this.entry(accountFor(key)).setPassword(JSON.stringify(shape));
    } catch (error) {
      throw new KeyringError('store a session', error);
    }
  }

  withLock<T>(key: SessionKey, fn: () => Promise<T>, onWait?: () => void): Promise<T> {
    return this.lock.withLock(key, fn, onWait);
  }

  async list(): Promise<CacheEntryInfo[]> {
    let found: Array<{ account: string; password: string }>;
    try {
      found = this.keyring.findCredentials(KEYRING_SERVICE);
    } catch (error) {
      throw new KeyringError('list sessions', error);
    }
    const out: CacheEntryInfo[] = [];
    for (const { account, password } of found.sort((a, b) => a.account.localeCompare(b.account))) {
      if (!account.startsWith(ACCOUNT_PREFIX)) continue;
      try {
        const parsed: unknown = JSON.parse(password);
        if (isFileShape(parsed)) out.push(entryInfo(`${ITEM}${account}`, parsed));
      } catch {
        // not a session of ours
      }
    }
    return out;
  }

  async clear(serial?: string): Promise<CacheEntryInfo[]> {
    const entries = (await this.list()).filter((e) => serial === undefined || e.serial === serial);
    for (const e of entries) await this.remove(e.file);
    return entries;
  }

  drop(key: SessionKey): Promise<void> {
    return this.remove(`${ITEM}${accountFor(key)}`);
  }

  /** Removes one item, named as `read`/`list` name it (`keyring:session-…`). */
  async remove(item: string): Promise<void> {
    if (!item.startsWith(ITEM)) return;
    try {
      this.entry(item.slice(ITEM.length)).deleteCredential();
    } catch (error) {
      throw new KeyringError('remove a session', error);
    }
  }
}

/**
 * The OS keyring when there is one: loads the binding and, with `probe`, makes
 * one call (a lookup of a probe item). The reason when there is none: no
 * binding for this platform, no D-Bus session (Linux), no Secret Service.
 */
export async function openKeyring(lock: SessionCache, env: Record<string, string | undefined>, probe: boolean): Promise<{ store: KeyringSessions } | { reason: string }> {
  const where = process.platform === 'darwin' ? 'the macOS Keychain' : process.platform === 'linux' ? 'the Secret Service' : undefined;
  if (where === undefined) return { reason: `no OS keyring tfw uses on ${process.platform}` };
  // Without a session bus the D-Bus library would try to autolaunch one: no Secret Service to be had.
  if (process.platform === 'linux' && !env.DBUS_SESSION_BUS_ADDRESS) return { reason: 'no D-Bus session (DBUS_SESSION_BUS_ADDRESS is not set)' };
  let keyring: KeyringModule;
  try {
    // require, not import(): the ESM loader's pass over this CommonJS loader cost ~100 ms more (measured).
    const { createRequire } = await import('node:module');
    keyring = createRequire(import.meta.url)('@napi-rs/keyring') as KeyringModule;
  } catch (error) {
    return { reason: `the keyring binding does not load here (${(error as Error).message.split('\n')[0]})` };
  }
  try {
    if (probe) new keyring.Entry(KEYRING_SERVICE, 'probe', ENTRY_OPTIONS).getPassword();
  } catch (error) {
    return { reason: `${where} does not answer (${(error as Error).message.split('\n')[0]})` };
  }
  return { store: new KeyringSessions(keyring, lock, where) };
}
