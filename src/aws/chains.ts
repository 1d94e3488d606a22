// A profile's chain: the profile a target names, then each `source_profile`
// down to the root that actually holds credentials. One type guard per
// profile kind, checked in the order the SDKs use (credential-provider-ini;
// terraform's Go SDK agrees on every case that matters here), and a
// `visited` list so a loop is an error, never a stack overflow.
//
// Hops carry no secrets (plans are shown by `tfw auth explain --json`): the
// keys stay in the files and are looked up by profile name when needed.
import { ConfigError } from '../errors.ts';
import { profileSection } from './files.ts';
import type { AwsFiles, ChainHop, ProfileSection } from './types.ts';

/** A hop with the non-secret settings the planner and the writer need. */
export interface ResolvedHop extends ChainHop {
  sourceProfile?: string;
  credentialSource?: string;
  region?: string;
  mfaProcess?: string;
  /** static: the profile holds an aws_session_token (temporary keys, cannot call GetSessionToken). */
  temporaryKeys?: boolean;
  /** missing: why there are no credentials here ("not found", "no credentials in the profile", …). */
  missingReason?: string;
}

const str = (s: ProfileSection, k: string): string | undefined => {
  const v = Object.hasOwn(s, k) ? s[k] : undefined;
  return v === undefined || v === '' ? undefined : v;
};

export const isStaticProfile = (s: ProfileSection): boolean =>
  str(s, 'aws_access_key_id') !== undefined && str(s, 'aws_secret_access_key') !== undefined;

/** role_arn assumed with another profile's credentials. */
export const isAssumeRoleWithSourceProfile = (s: ProfileSection): boolean =>
  str(s, 'role_arn') !== undefined && str(s, 'source_profile') !== undefined && str(s, 'credential_source') === undefined;

/** role_arn assumed with credentials from the environment, EC2 or ECS metadata. */
export const isAssumeRoleWithCredentialSource = (s: ProfileSection): boolean =>
  str(s, 'role_arn') !== undefined && str(s, 'credential_source') !== undefined && str(s, 'source_profile') === undefined;

/** credential_source on its own (valid as a source profile). */
export const isCredentialSourceProfile = (s: ProfileSection): boolean =>
  str(s, 'role_arn') === undefined && str(s, 'credential_source') !== undefined;

export const isWebIdentityProfile = (s: ProfileSection): boolean =>
  str(s, 'web_identity_token_file') !== undefined && str(s, 'role_arn') !== undefined;

export const isProcessProfile = (s: ProfileSection): boolean => str(s, 'credential_process') !== undefined;

export const isSsoProfile = (s: ProfileSection): boolean =>
  ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'].some((k) => str(s, k) !== undefined);

function base(profile: string, s: ProfileSection): Omit<ResolvedHop, 'kind'> {
  const hop: Omit<ResolvedHop, 'kind'> = { profile };
  const region = str(s, 'region');
  if (region) hop.region = region;
  return hop;
}

/**
 * mfa_serial counts on a role (the SDK's MFA) and on static keys (aws-vault's
 * habit); elsewhere SDKs ignore it. mfa_process is kept on its own too: the
 * root's one answers for a serial named higher up the chain.
 */
function withMfa(hop: ResolvedHop, s: ProfileSection): ResolvedHop {
  const serial = str(s, 'mfa_serial');
  const mfaProcess = str(s, 'mfa_process');
  return { ...hop, ...(serial ? { mfaSerial: serial } : {}), ...(mfaProcess ? { mfaProcess } : {}) };
}

const resolveStatic = (p: string, s: ProfileSection): ResolvedHop =>
  withMfa({ ...base(p, s), kind: 'static', ...(str(s, 'aws_session_token') ? { temporaryKeys: true } : {}) }, s);

const resolveRole = (p: string, s: ProfileSection): ResolvedHop =>
  withMfa({ ...base(p, s), kind: 'role', roleArn: str(s, 'role_arn')!, sourceProfile: str(s, 'source_profile')! }, s);

function resolveRoleWithCredentialSource(p: string, s: ProfileSection): ResolvedHop[] {
  const credentialSource = str(s, 'credential_source')!;
  // The profile is its own source: the role hop, then the metadata/env root.
  return [
    withMfa({ ...base(p, s), kind: 'role', roleArn: str(s, 'role_arn')!, credentialSource }, s),
    { ...base(p, s), kind: 'credential-source', credentialSource },
  ];
}

const missing = (profile: string, missingReason: string): ResolvedHop => ({ profile, kind: 'missing', missingReason });

/**
 * The terminal kinds, in the SDK's order after assume-role. Returns
 * undefined for a profile that has no way to get credentials.
 */
function resolveTerminal(p: string, s: ProfileSection): ResolvedHop | undefined {
  if (isStaticProfile(s)) return resolveStatic(p, s);
  if (isCredentialSourceProfile(s)) {
    return { ...base(p, s), kind: 'credential-source', credentialSource: str(s, 'credential_source')! };
  }
  if (isWebIdentityProfile(s)) return { ...base(p, s), kind: 'web-identity', roleArn: str(s, 'role_arn')! };
  if (isProcessProfile(s)) return { ...base(p, s), kind: 'credential-process' };
  if (isSsoProfile(s)) return { ...base(p, s), kind: 'sso' };
  return undefined;
}

/**
 * Longer than any real chain (they are a few hops): a file with a 100k-hop
 * chain made every profile's walk long, and the writer's walk per profile
 * quadratic (minutes). Beyond it the chain is refused like a loop.
 */
export const MAX_CHAIN = 64;

/**
 * Walks `profile` down to its root. A missing profile (or one with no
 * credentials) ends the chain with a 'missing' hop: whether that matters is
 * the planner's call. A loop is a ConfigError naming it: `a → b → a`.
 */
export function resolveChain(files: AwsFiles, profile: string): ResolvedHop[] {
  const chain: ResolvedHop[] = [];
  // In order for the message; the Set keeps a 100k-profile chain linear (includes() made it minutes).
  const visited: string[] = [];
  const seen = new Set<string>();
  let name = profile;
  for (;;) {
    const section = profileSection(files, name);
    if (!section) {
      chain.push(missing(name, 'not found'));
      return chain;
    }
    // As a source, a profile with keys is used for its keys, even if it also
    // names a role (so `source_profile = itself` is the common self-reference,
    // not a loop): both the JS and the Go SDK do this.
    if (visited.length > 0 && isStaticProfile(section)) {
      chain.push(resolveStatic(name, section));
      return chain;
    }
    if (seen.has(name)) {
      throw new ConfigError(`profile loop in the AWS config: ${[...visited, name].join(' → ')}`);
    }
    if (visited.length >= MAX_CHAIN) {
      throw new ConfigError(`source_profile chain longer than ${MAX_CHAIN} profiles in the AWS config: ${visited.slice(0, 3).join(' → ')} → … → ${name}`);
    }
    visited.push(name);
    seen.add(name);
    if (str(section, 'role_arn') && str(section, 'source_profile') && str(section, 'credential_source')) {
      // Terraform's SDK refuses this; it will say so itself.
      chain.push(missing(name, 'sets both source_profile and credential_source'));
      return chain;
    }
    if (isAssumeRoleWithSourceProfile(section)) {
      const hop = resolveRole(name, section);
      chain.push(hop);
      name = hop.sourceProfile!;
      continue;
    }
    if (isAssumeRoleWithCredentialSource(section)) {
      chain.push(...resolveRoleWithCredentialSource(name, section));
      return chain;
    }
    const terminal = resolveTerminal(name, section);
    if (terminal) {
      chain.push(terminal);
      return chain;
    }
    chain.push(
      missing(name, str(section, 'role_arn') ? 'role_arn without source_profile or credential_source' : 'no credentials in the profile'),
    );
    return chain;
  }
}

/** The distinct MFA serials along a chain, nearest the named profile first. */
export function chainSerials(chain: ChainHop[]): string[] {
  return [...new Set(chain.flatMap((h) => (h.mfaSerial ? [h.mfaSerial] : [])))];
}

export const chainRoot = <H extends ChainHop>(chain: H[]): H => chain[chain.length - 1]!;
