// AWS SSO (IAM Identity Center): the provider does SSO itself; its role
// credentials are temporary and cannot call GetSessionToken.
import type { ProfileSection } from '../types.ts';
import { hopBase, setting, type HopBase, type ProfileKind } from './kind.ts';

export interface SsoHop extends HopBase {
  kind: 'sso';
}

const SSO_SETTINGS = ['sso_start_url', 'sso_account_id', 'sso_session', 'sso_region', 'sso_role_name'];

export const ssoKind: ProfileKind<'sso', SsoHop> = {
  kind: 'sso',
  matches: (s, _asSource): s is ProfileSection => SSO_SETTINGS.some((k) => setting(s, k) !== undefined),
  resolve: (profile, s) => ({ hops: [{ ...hopBase(profile, s), kind: 'sso' }] }),
  mfaRoot: () => ({ ok: false, why: { cause: 'sso' } }),
  describe: () => 'AWS SSO',
};
