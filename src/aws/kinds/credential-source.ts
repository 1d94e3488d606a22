// credential_source: the role's (or the profile's) credentials come from the
// environment, EC2 instance metadata or the ECS container endpoint. Exported
// long-term keys (Environment) can call GetSessionToken; metadata credentials
// are temporary and cannot.
import type { ProfileSection } from '../types.ts';
import { environmentKeys } from '../environment.ts';
import { hopBase, setting, type HopBase, type ProfileKind } from './kind.ts';

export interface CredentialSourceHop extends HopBase {
  kind: 'credential-source';
  credentialSource: string;
}

type CredentialSourceSection = ProfileSection & { credential_source: string };

export const credentialSourceHop = (profile: string, s: ProfileSection, credentialSource: string): CredentialSourceHop => ({
  ...hopBase(profile, s),
  kind: 'credential-source',
  credentialSource,
});

export const credentialSourceKind: ProfileKind<'credential-source', CredentialSourceHop, CredentialSourceSection> = {
  kind: 'credential-source',
  // On its own (no role_arn): valid as a source profile.
  matches: (s, _asSource): s is CredentialSourceSection => setting(s, 'role_arn') === undefined && setting(s, 'credential_source') !== undefined,
  resolve: (profile, s) => ({ hops: [credentialSourceHop(profile, s, s.credential_source)] }),
  mfaRoot: (hop, { env }) => {
    if (hop.credentialSource !== 'Environment') return { ok: false, why: { cause: 'credential-source', credentialSource: hop.credentialSource } };
    const keys = environmentKeys(env);
    if (keys.kind !== 'long-term') return { ok: false, why: { cause: 'credential-source', credentialSource: hop.credentialSource, environment: keys.kind } };
    return { ok: true, source: { type: 'keys', from: 'environment', keys: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey } } };
  },
  describe: (hop) => `credential_source ${hop.credentialSource}`,
};
