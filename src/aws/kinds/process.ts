// credential_process: a command that prints credentials as JSON (Version 1).
// Returning long-term keys (aws-vault `export --no-session`, 1Password, pass),
// it answers for an MFA device: tfw runs it (once per run, only on a cache
// miss), then calls GetSessionToken. Whether it returns long-term keys is only
// known when it runs (sources.ts says so then).
import type { ProfileSection } from '../types.ts';
import { hopBase, setting, withMfa, type HopBase, type ProfileKind } from './kind.ts';

export interface ProcessHop extends HopBase {
  kind: 'credential-process';
  /** The command (not a secret: it is in the user's config). */
  command: string;
}

type ProcessSection = ProfileSection & { credential_process: string };

export const processKind: ProfileKind<'credential-process', ProcessHop, ProcessSection> = {
  kind: 'credential-process',
  matches: (s, _asSource): s is ProcessSection => setting(s, 'credential_process') !== undefined,
  // mfa_serial on it is aws-vault's habit, as on static keys.
  resolve: (profile, s) => ({ hops: [withMfa<ProcessHop>({ ...hopBase(profile, s), kind: 'credential-process', command: s.credential_process }, s)] }),
  mfaRoot: (hop) => ({ ok: true, source: { type: 'process', command: hop.command } }),
  describe: () => 'credential_process',
};
