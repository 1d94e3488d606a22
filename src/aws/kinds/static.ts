// Keys in the profile (aws_access_key_id + aws_secret_access_key): long-term
// ones call GetSessionToken themselves; with aws_session_token they are
// somebody's temporary keys and cannot.
import type { ProfileSection } from '../types.ts';
import { hopBase, setting, withMfa, type HopBase, type ProfileKind } from './kind.ts';

export interface StaticHop extends HopBase {
  kind: 'static';
  /** The profile holds an aws_session_token (temporary keys, cannot call GetSessionToken). */
  temporaryKeys?: boolean;
}

type StaticSection = ProfileSection & { aws_access_key_id: string; aws_secret_access_key: string };

export const hasStaticKeys = (s: ProfileSection): s is StaticSection =>
  setting(s, 'aws_access_key_id') !== undefined && setting(s, 'aws_secret_access_key') !== undefined;

export const staticKind: ProfileKind<'static', StaticHop, StaticSection> = {
  kind: 'static',
  // Named, a profile with a role is the role (role.ts comes first); as a source, its keys win.
  matches: (s, _asSource): s is StaticSection => hasStaticKeys(s),
  resolve: (profile, s) => ({
    hops: [withMfa<StaticHop>({ ...hopBase(profile, s), kind: 'static', ...(setting(s, 'aws_session_token') ? { temporaryKeys: true } : {}) }, s)],
  }),
  mfaRoot: (hop, { section }) =>
    hop.temporaryKeys || !section || !hasStaticKeys(section)
      ? { ok: false, why: { cause: 'temporary-keys' } }
      : { ok: true, source: { type: 'keys', from: 'file', keys: { accessKeyId: section.aws_access_key_id, secretAccessKey: section.aws_secret_access_key } } },
  describe: (hop) => (hop.temporaryKeys ? 'temporary keys' : 'static keys'),
};
