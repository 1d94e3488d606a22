// A profile's chain: the profile a target names, then each `source_profile`
// down to the root that actually holds credentials. Each profile is matched
// against the registry of kinds (kinds/index.ts), in the SDKs' order, and a
// `visited` list makes a loop an error, never a stack overflow.
//
// Hops carry no secrets (plans are shown by `tfw auth explain --json`): the
// keys stay in the files and are looked up when a device needs them.
import { ConfigError } from '../errors.ts';
import { profileSection } from './files.ts';
import { resolveProfile, type Hop } from './kinds/index.ts';
import { missingHop, setting } from './kinds/kind.ts';
import type { AwsFiles, ChainHop } from './types.ts';
import { describeBroken, type BrokenChain } from './decisions.ts';

/** A hop with the non-secret settings the planner and the writer need. */
export type ResolvedHop = Hop;

/**
 * Longer than any real chain (they are a few hops): a file with a 100k-hop
 * chain made every profile's walk long, and the writer's walk per profile
 * quadratic (minutes). Beyond it the chain is refused like a loop.
 */
export const MAX_CHAIN = 64;

export type ChainWalk = { ok: true; chain: Hop[] } | { ok: false; broken: BrokenChain };

/**
 * Walks `profile` down to its root. A missing profile (or one with no
 * credentials) ends the chain with a 'missing' hop: whether that matters is
 * the planner's call. A loop, or a chain longer than MAX_CHAIN, is a value.
 */
export function walkChain(files: AwsFiles, profile: string): ChainWalk {
  const chain: Hop[] = [];
  // In order for the message; the Set keeps a 100k-profile chain linear (includes() made it minutes).
  const visited: string[] = [];
  const seen = new Set<string>();
  let name = profile;
  for (;;) {
    const section = profileSection(files, name);
    if (!section) {
      chain.push(missingHop(name, 'not found'));
      return { ok: true, chain };
    }
    const step = resolveProfile(name, section, visited.length > 0);
    if (!step) {
      chain.push(missingHop(name, setting(section, 'role_arn') ? 'role_arn without source_profile or credential_source' : 'no credentials in the profile'));
      return { ok: true, chain };
    }
    if (step.next === undefined) {
      chain.push(...step.hops);
      return { ok: true, chain };
    }
    if (seen.has(name)) return { ok: false, broken: { cause: 'loop', profiles: [...visited, name] } };
    if (visited.length >= MAX_CHAIN) return { ok: false, broken: { cause: 'too-long', first: visited.slice(0, 3), last: name, max: MAX_CHAIN } };
    visited.push(name);
    seen.add(name);
    chain.push(...step.hops);
    name = step.next;
  }
}

/** walkChain, with a broken chain as a ConfigError naming it: `a → b → a`. */
export function resolveChain(files: AwsFiles, profile: string): Hop[] {
  const walk = walkChain(files, profile);
  if (!walk.ok) throw new ConfigError(describeBroken(walk.broken));
  return walk.chain;
}

/** The distinct MFA serials along a chain, nearest the named profile first. */
export function chainSerials(chain: readonly ChainHop[]): string[] {
  return [...new Set(chain.flatMap((h) => (h.mfaSerial ? [h.mfaSerial] : [])))];
}

export const chainRoot = <H extends ChainHop>(chain: readonly H[]): H => chain[chain.length - 1]!;
