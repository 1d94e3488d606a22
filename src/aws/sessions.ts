// MFA sessions: one sts:GetSessionToken per (long-term identity, device).
// The STS call with its code loop is one provider; the cache wraps it as a
// decorator, so neither knows about the other's concerns.
import { TfwError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { SecretSink } from '../redact.ts';
import type { SessionKey } from './cache.ts';
import type { SessionStore } from './store.ts';
import { deviceLabel, type CodeSource } from './codes.ts';
import { keySources, sourceIdentity, type KeysFor } from './sources.ts';
import type { StsApi, StsCallError } from './sts.ts';
import type { MfaDevice, SessionCredentials } from './types.ts';

export type SessionProvider = (device: MfaDevice) => Promise<SessionCredentials>;

const MAX_ATTEMPTS = 3;

function isStsError(error: unknown): error is StsCallError {
  return error instanceof Error && error.name === 'StsCallError' && typeof (error as StsCallError).kind === 'string';
}

/** What to check when STS keeps refusing codes. */
const CODE_CHECKS = "check that the device ARN is the one the authenticator shows codes for (`tfw auth explain --find-device` lists the caller's devices) and that this machine's clock is right (codes are time-based)";

/** STS's answer as the one line the user reads: what failed, for whom, what to do. */
export function describeStsFailure(error: StsCallError, device: MfaDevice): string {
  const who = `profile ${device.rootProfile}, device ${device.serial}`;
  switch (error.kind) {
    case 'invalid-code':
      return `STS refused the MFA code (${who}): wrong, expired or already used; ${CODE_CHECKS}`;
    case 'access-denied':
      return `STS denied GetSessionToken (${who}): ${error.message}`;
    case 'invalid-key':
      return `STS does not know the access key of profile ${device.rootProfile} (invalid or deleted long-term key): check its aws_access_key_id/aws_secret_access_key`;
    case 'expired-token':
      return `the credentials of profile ${device.rootProfile} have expired: GetSessionToken needs long-term keys`;
    case 'unreachable':
      // error.message already names the endpoint and the reason.
      return `${error.message} (${who})`;
    case 'throttled':
      return `STS kept throttling GetSessionToken (${who}) after retries; try again in a moment`;
    case 'server-error':
      // Not retried: the code may have been used before STS failed.
      return `STS failed with a server error (${who}): ${error.awsCode ? `${error.awsCode}: ` : ''}${error.message}; try again with the next code`;
    case 'clock-skew':
      return `${error.message} (${who}): check this machine's clock (NTP)`;
    case 'validation':
      return `STS rejected the request (${who}): ${error.message}${/duration/i.test(error.message) ? ' (see TFW_SESSION_DURATION)' : ''}`;
    default:
      return `GetSessionToken failed (${who}): ${error.message}`;
  }
}

export interface MfaSessionOptions {
  sts: () => Promise<StsApi>;
  /** The long-term keys of a device's source (sources.ts); default: keys at hand only, no process. */
  keys?: KeysFor;
  codes: CodeSource;
  durationSeconds: number;
  log: Logger;
  /** The run's secrets (context.ts): each code sent is remembered there, so no line tfw prints can carry it. */
  secrets: SecretSink;
  /** Called once per device before its first STS call (progress line). */
  onCall?: (device: MfaDevice) => void;
}

const noRunner = async (): Promise<never> => {
  throw new TfwError('no runner for credential_process');
};

/** Ask for a code, call GetSessionToken; on "invalid code" ask again (never the same code twice), up to 3 times. */
export function mfaSessionProvider(options: MfaSessionOptions): SessionProvider {
  return async (device) => {
    // Load the AWS SDK while the code is being typed (or produced): it is ready by the time it is needed.
    options.sts().catch(() => undefined);
    // The source first (a credential_process may ask for a password): a failure there costs no code.
    const keys = await (options.keys ?? keySources(noRunner, options.secrets))(device);
    const sent = new Set<string>();
    for (let attempt = 1; ; attempt++) {
      const code = await options.codes.next({ device, attempt, sent });
      if (code === undefined) {
        if (attempt > 1) throw new TfwError(`STS refused the MFA code for device ${device.serial} and no other code source is left (profile ${device.rootProfile}); ${CODE_CHECKS}`);
        throw new TfwError(
          `MFA code needed for ${deviceLabel(device)} but there is no terminal to ask on: set TFW_MFA_CODE, add mfa_process to profile ${device.rootProfile}, or run \`tfw auth login\` first`,
        );
      }
      sent.add(code);
      options.secrets.remember(code);
      options.onCall?.(device);
      options.log.debug(`GetSessionToken for ${device.serial} (profile ${device.rootProfile}, attempt ${attempt})`);
      try {
        const sts = await options.sts();
        return await sts.getSessionToken({
          keys,
          serial: device.serial,
          code,
          durationSeconds: options.durationSeconds,
          region: device.region,
        });
      } catch (error) {
        if (!isStsError(error)) throw error;
        if (error.kind === 'invalid-code' && attempt < MAX_ATTEMPTS) continue;
        throw new TfwError(describeStsFailure(error, device));
      }
    }
  };
}

export type Freshness = 'valid' | 'expiring' | 'expired';

/** The one freshness rule (runs and every `tfw auth` command): valid while more than the margin is left. */
export function freshness(expiration: Date, now: Date, marginSeconds: number): Freshness {
  const left = expiration.getTime() - now.getTime();
  return left <= 0 ? 'expired' : left <= marginSeconds * 1000 ? 'expiring' : 'valid';
}

export interface CacheOptions {
  cache: Pick<SessionStore, 'read' | 'write' | 'withLock' | 'remove' | 'dir'> & { where?: string };
  endpoint: string;
  marginSeconds: number;
  now: () => Date;
  log: Logger;
}

export function sessionKeyFor(device: MfaDevice, endpoint: string): SessionKey {
  return { serial: device.serial, source: sourceIdentity(device.source), endpoint, profile: device.rootProfile };
}

/** Serves a session from the cache while it has more than the margin left; else asks `inner` under the lock and stores the result. */
export function cachedSessionProvider(inner: SessionProvider, options: CacheOptions): SessionProvider {
  const fresh = (s: SessionCredentials): boolean => freshness(s.expiration, options.now(), options.marginSeconds) === 'valid';
  return async (device) => {
    const key = sessionKeyFor(device, options.endpoint);
    // Lock-free look first: the warm path takes no lock.
    const first = await options.cache.read(key);
    if (first.state === 'hit' && fresh(first.session.credentials)) {
      options.log.debug(`cached session for ${device.serial} valid until ${first.session.credentials.expiration.toISOString()}`);
      return first.session.credentials;
    }
    let obtained: SessionCredentials | undefined;
    try {
      return await options.cache.withLock(
        key,
        async () => {
          const again = await options.cache.read(key);
          if (again.state === 'hit' && fresh(again.session.credentials)) return again.session.credentials;
          if (again.state === 'corrupt') {
            options.log.warn(`ignoring unreadable session cache file ${again.file}; it will be replaced`);
            await options.cache.remove(again.file);
          }
          if (again.state === 'hit') options.log.debug(`cached session for ${device.serial} expires within the margin: renewing`);
          obtained = await inner(device);
          await options.cache.write(key, obtained, options.now());
          return obtained;
        },
        () => options.log.note(`waiting for another tfw run to get the MFA session for ${device.serial}…`),
      );
    } catch (error) {
      // A cache tfw cannot write (read-only home, full disk) must not cost the run: go on without it.
      const code = (error as NodeJS.ErrnoException).code;
      if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code)) throw error;
      options.log.warn(`cannot use the session cache in ${options.cache.where ?? options.cache.dir} (${code}); continuing without it`);
      return obtained ?? inner(device);
    }
  };
}

/**
 * STS refused a session itself (not the call): expired by STS's clock, or
 * unknown to it (revoked, its key deleted). A cache that still calls it
 * valid is wrong about it.
 */
export function isRejectedSession(error: unknown): error is StsCallError {
  return isStsError(error) && (error.kind === 'expired-token' || error.kind === 'invalid-key');
}

/** One session per device; devices are served concurrently (their prompts take turns on the terminal). */
export async function obtainSessions(devices: readonly MfaDevice[], provider: SessionProvider, secrets: SecretSink): Promise<Map<string, SessionCredentials>> {
  const entries = await Promise.all(
    devices.map(async (d) => {
      // From here on, no line tfw prints can carry them (redact.ts).
      if (d.source.type === 'keys') secrets.remember(d.source.keys.secretAccessKey);
      const session = await provider(d);
      secrets.remember(session.secretAccessKey);
      secrets.remember(session.sessionToken);
      return [d.id, session] as const;
    }),
  );
  return new Map(entries);
}
