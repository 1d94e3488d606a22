// The registry of profile kinds, in the order the SDKs try them
// (credential-provider-ini; terraform's Go SDK agrees on every case that
// matters here). Adding a kind: one file in this directory, one line in KINDS.
// Its hop type joins `Hop` by itself, and `mfaRoot`/`describe` are required
// members, so a kind cannot be silently treated as "has long-term keys".
import type { ProfileSection } from '../types.ts';
import type { HopBase, MfaRoot, MissingHop, ProfileKind, RootContext, Step } from './kind.ts';
import { roleKind } from './role.ts';
import { staticKind } from './static.ts';
import { credentialSourceKind } from './credential-source.ts';
import { webIdentityKind } from './web-identity.ts';
import { processKind } from './process.ts';
import { ssoKind } from './sso.ts';

export const KINDS = [roleKind, staticKind, credentialSourceKind, webIdentityKind, processKind, ssoKind] as const;

type AnyKind = (typeof KINDS)[number];
type HopOf<K> = K extends ProfileKind<string, infer H, infer _S> ? H : never;

/** One step of a profile chain: one of the registry's hops, or the end of a chain with no credentials. */
export type Hop = HopOf<AnyKind> | MissingHop;
export type HopKind = Hop['kind'];

/**
 * The profile resolved by the first kind whose guard accepts its section;
 * undefined when none does (no way to get credentials).
 */
export function resolveProfile(profile: string, section: ProfileSection, asSource: boolean): Step | undefined {
  for (const kind of KINDS) {
    // The guard proves the section's shape for the kind's own resolver.
    if (kind.matches(section, asSource)) return (kind.resolve as (p: string, s: ProfileSection) => Step)(profile, section);
  }
  return undefined;
}

// The registry's entry for a hop: its kind is the hop's own by construction.
const entryFor = (hop: Exclude<Hop, MissingHop>): ProfileKind<string, HopBase & { kind: string }> =>
  KINDS.find((k) => k.kind === hop.kind) as unknown as ProfileKind<string, HopBase & { kind: string }>;

/** What a chain's root can do for an MFA device. */
export function mfaRootOf(hop: Hop, context: RootContext): MfaRoot {
  if (hop.kind === 'missing') return { ok: false, why: { cause: 'missing', reason: hop.missingReason } };
  return entryFor(hop).mfaRoot(hop, context);
}

/** A few words for what a hop is ("static keys", "AWS SSO", "nothing"). */
export function describeHop(hop: Hop): string {
  if (hop.kind === 'missing') return 'nothing';
  return entryFor(hop).describe(hop);
}

export type { HopBase, KeySource, MfaRoot, MissingHop, NoRootCause, RootContext } from './kind.ts';
