// The one session API that runs and every `tfw auth` command use: read,
// inspect, drop, list, clear, with one freshness rule. Which store holds the
// sessions (keyring or files) is store.ts's business.
import type { Env } from '../model.ts';
import { sessionSettings, stsEndpoint } from '../settings.ts';
import type { CacheEntryInfo } from './cache.ts';
import { freshness, sessionKeyFor, type Freshness } from './sessions.ts';
import type { SecretSink } from '../redact.ts';
import { openSessionStore, sessionStores, type Backend, type SessionStore } from './store.ts';
import type { MfaDevice, SessionCredentials } from './types.ts';

export { freshness, type Freshness } from './sessions.ts';

export type SessionState =
  | { state: Freshness; expiresAt: Date; credentials: SessionCredentials }
  | { state: 'missing' }
  | { state: 'disabled' };

export interface StoredSession extends CacheEntryInfo {
  backend: Backend;
}

export interface SessionApi {
  /** The store sessions are read from and written to (undefined with TFW_NO_CACHE). */
  readonly store: SessionStore | undefined;
  readonly marginSeconds: number;
  /** What the store holds for a device, judged by the one rule. */
  inspect(device: MfaDevice): Promise<SessionState>;
  /** Drops a device's session (STS rejected it, or `login --force`). */
  drop(device: MfaDevice): Promise<void>;
}

export interface SessionApiOptions {
  env: Env;
  /** The terraform command (long ones renew earlier) or the auth command. */
  command: string | undefined;
  now: () => Date;
  /** The run's secrets (context.ts): a cached session read here is remembered, so no line tfw prints can carry it. */
  secrets: SecretSink;
  onFallback?: (why: string) => void;
  /** Says what the file cache repaired (modes others could read). */
  onWarn?: (message: string) => void;
}

export async function openSessions(options: SessionApiOptions): Promise<SessionApi> {
  const settings = sessionSettings(options.env, options.command);
  const endpoint = stsEndpoint(options.env);
  const store = settings.useCache ? await openSessionStore(options.env, options.onFallback, options.onWarn) : undefined;
  return {
    store,
    marginSeconds: settings.marginSeconds,
    async inspect(device) {
      if (!store) return { state: 'disabled' };
      const r = await store.read(sessionKeyFor(device, endpoint));
      if (r.state !== 'hit') return { state: 'missing' };
      const c = r.session.credentials;
      // Whatever path prints an error next (credential-process, exec) cuts these out.
      options.secrets.remember(c.secretAccessKey);
      options.secrets.remember(c.sessionToken);
      return { state: freshness(c.expiration, options.now(), settings.marginSeconds), expiresAt: c.expiration, credentials: c };
    },
    async drop(device) {
      await store?.drop(sessionKeyFor(device, endpoint));
    },
  };
}

/** Every stored session, in every store (keyring and files). */
export async function listSessions(env: Env): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for (const store of await sessionStores(env)) for (const e of await store.list()) out.push({ ...e, backend: store.backend });
  return out;
}

/** Removes stored sessions (all, or one device's) from every store. */
export async function clearSessions(env: Env, serial?: string): Promise<StoredSession[]> {
  const out: StoredSession[] = [];
  for (const store of await sessionStores(env)) for (const e of await store.clear(serial)) out.push({ ...e, backend: store.backend });
  return out;
}
