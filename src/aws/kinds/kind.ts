// What a profile kind is (granted's "assumers", the JS SDK's per-kind
// resolvers): a narrowing guard, its resolution into chain hops, and what it
// can do as the root of an MFA chain. The registry (index.ts) lists the kinds
// in the order the SDKs try them; resolution walks that list.
//
// Hops carry no secrets (plans are shown by `tfw auth explain --json`): keys
// stay in the files or the environment and are looked up when a device needs them.
import type { Env } from '../../model.ts';
import type { LongTermKeys, ProfileSection } from '../types.ts';
import type { Hop } from './index.ts';

/** What every hop has: the profile, and the settings the planner and the writer read. */
export interface HopBase {
  profile: string;
  region?: string;
  /** mfa_serial, where the SDKs (role) or aws-vault (long-term keys) honour it. */
  mfaSerial?: string;
  /** mfa_process (aws-vault convention): the root's one answers for a serial named higher up. */
  mfaProcess?: string;
}

/** The end of a chain that has no credentials: not found, or nothing usable in the profile. */
export interface MissingHop extends HopBase {
  kind: 'missing';
  /** Why ("not found", "no credentials in the profile", …). */
  missingReason: string;
}

/**
 * The source that answers for an MFA device: what calls sts:GetSessionToken.
 * - keys: long-term keys at hand (a profile in the files, or exported);
 * - process: a credential_process that prints long-term keys (aws-vault
 *   `export --no-session`, 1Password, pass), run at most once per run and only
 *   when no cached session serves.
 * Its `identity` is what the session cache keys on: never a secret tfw does not hold.
 */
export type KeySource =
  | { type: 'keys'; from: 'file' | 'environment'; keys: LongTermKeys }
  | { type: 'process'; command: string };

/** Why a chain's root cannot call sts:GetSessionToken, as a value (the presenter says it in words). */
export type NoRootCause =
  | { cause: 'temporary-keys' }
  | { cause: 'sso' }
  | { cause: 'web-identity' }
  | { cause: 'credential-source'; credentialSource: string; environment?: 'none' | 'session' }
  | { cause: 'role' }
  | { cause: 'missing'; reason: string };

/** What a chain's root can do for an MFA device. */
export type MfaRoot = { ok: true; source: KeySource } | { ok: false; why: NoRootCause };

/** What a kind's root decision may read: the profile's section and the run's environment. */
export interface RootContext {
  section: ProfileSection | undefined;
  env: Env;
}

/** One resolution step: the hops a profile stands for, and the profile it takes its credentials from. */
export interface Step {
  hops: Hop[];
  next?: string;
}

/**
 * A profile kind. `S` is the section shape its guard proves, so the resolver
 * reads its settings without `!`; `H` is the hop it yields as a chain's root.
 */
export interface ProfileKind<K extends string, H extends HopBase & { kind: K }, S extends ProfileSection = ProfileSection> {
  readonly kind: K;
  /** The guard. `asSource`: reached through another profile's source_profile. */
  matches(section: ProfileSection, asSource: boolean): section is S;
  resolve(profile: string, section: S): Step;
  /** As the root of an MFA chain: the source that answers for the device, or why there is none. */
  mfaRoot(hop: H, context: RootContext): MfaRoot;
  /** A few words for explain: "static keys", "AWS SSO". */
  describe(hop: H): string;
}

/** A setting, undefined when absent or empty (the SDK treats both alike). */
export const setting = (s: ProfileSection, k: string): string | undefined => {
  const v = Object.hasOwn(s, k) ? s[k] : undefined;
  return v === undefined || v === '' ? undefined : v;
};

/** profile + region: what every hop starts from. */
export function hopBase(profile: string, s: ProfileSection): HopBase {
  const region = setting(s, 'region');
  return region ? { profile, region } : { profile };
}

/**
 * mfa_serial counts on a role (the SDK's MFA) and on long-term keys
 * (aws-vault's habit); mfa_process is kept on its own too.
 */
export function withMfa<H extends HopBase>(hop: H, s: ProfileSection): H {
  const serial = setting(s, 'mfa_serial');
  const mfaProcess = setting(s, 'mfa_process');
  return { ...hop, ...(serial ? { mfaSerial: serial } : {}), ...(mfaProcess ? { mfaProcess } : {}) };
}

export const missingHop = (profile: string, missingReason: string): MissingHop => ({ profile, kind: 'missing', missingReason });
