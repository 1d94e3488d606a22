// role_arn, assumed with another profile's credentials (source_profile) or
// with a credential_source (the profile is then its own source: the role hop,
// then the environment/metadata root). A role is never a chain's root.
import type { ProfileSection } from '../types.ts';
import { hasStaticKeys } from './static.ts';
import { credentialSourceHop } from './credential-source.ts';
import { hopBase, missingHop, setting, withMfa, type HopBase, type ProfileKind } from './kind.ts';

export interface RoleHop extends HopBase {
  kind: 'role';
  roleArn: string;
  sourceProfile?: string;
  credentialSource?: string;
  /** The AssumeRole settings the SDKs honour on the profile. */
  externalId?: string;
  roleSessionName?: string;
  durationSeconds?: number;
}

/** One AssumeRole of a role hop, as the SDKs make it from the profile (tfw's own session name when it names none). */
export function roleAssumption(hop: RoleHop, now: Date): { roleArn: string; sessionName: string; externalId?: string; durationSeconds?: number } {
  return {
    roleArn: hop.roleArn,
    sessionName: hop.roleSessionName ?? `tfw-${now.getTime()}`,
    ...(hop.externalId !== undefined ? { externalId: hop.externalId } : {}),
    ...(hop.durationSeconds !== undefined ? { durationSeconds: hop.durationSeconds } : {}),
  };
}

function assumeSettings(s: ProfileSection): Pick<RoleHop, 'externalId' | 'roleSessionName' | 'durationSeconds'> {
  const externalId = setting(s, 'external_id');
  const roleSessionName = setting(s, 'role_session_name');
  const duration = Number(setting(s, 'duration_seconds'));
  return {
    ...(externalId ? { externalId } : {}),
    ...(roleSessionName ? { roleSessionName } : {}),
    ...(Number.isInteger(duration) && duration > 0 ? { durationSeconds: duration } : {}),
  };
}

type RoleSection = ProfileSection & { role_arn: string };

export const roleKind: ProfileKind<'role', RoleHop, RoleSection> = {
  kind: 'role',
  // As a source, a profile with keys is used for its keys even if it names a
  // role (so `source_profile = itself` is the common self-reference, not a
  // loop): both the JS and the Go SDK do this.
  matches: (s, asSource): s is RoleSection =>
    setting(s, 'role_arn') !== undefined &&
    (setting(s, 'source_profile') !== undefined || setting(s, 'credential_source') !== undefined) &&
    !(asSource && hasStaticKeys(s)),
  resolve: (profile, s) => {
    const sourceProfile = setting(s, 'source_profile');
    const credentialSource = setting(s, 'credential_source');
    // Terraform's SDK refuses both at once; it will say so itself.
    if (sourceProfile && credentialSource) return { hops: [missingHop(profile, 'sets both source_profile and credential_source')] };
    const hop = withMfa<RoleHop>({ ...hopBase(profile, s), kind: 'role', roleArn: s.role_arn, ...assumeSettings(s) }, s);
    if (sourceProfile) return { hops: [{ ...hop, sourceProfile }], next: sourceProfile };
    return { hops: [{ ...hop, credentialSource: credentialSource! }, credentialSourceHop(profile, s, credentialSource!)] };
  },
  mfaRoot: () => ({ ok: false, why: { cause: 'role' } }),
  describe: () => 'a role',
};
