// web_identity_token_file + role_arn: AssumeRoleWithWebIdentity, no MFA involved.
import type { ProfileSection } from '../types.ts';
import { hopBase, setting, type HopBase, type ProfileKind } from './kind.ts';

export interface WebIdentityHop extends HopBase {
  kind: 'web-identity';
  roleArn: string;
}

type WebIdentitySection = ProfileSection & { role_arn: string; web_identity_token_file: string };

export const webIdentityKind: ProfileKind<'web-identity', WebIdentityHop, WebIdentitySection> = {
  kind: 'web-identity',
  matches: (s, _asSource): s is WebIdentitySection => setting(s, 'web_identity_token_file') !== undefined && setting(s, 'role_arn') !== undefined,
  resolve: (profile, s) => ({ hops: [{ ...hopBase(profile, s), kind: 'web-identity', roleArn: s.role_arn }] }),
  mfaRoot: () => ({ ok: false, why: { cause: 'web-identity' } }),
  describe: () => 'web identity',
};
