// The auth plan: for each provider/backend, the profile terraform will use,
// its chain, and what tfw decided for it (decisions.ts: mfa with its root,
// serial and how it was found; none or unmanaged with a cause); and the MFA
// devices that makes (one per long-term profile and serial). Pure: the files
// are loaded first (files.ts: loadFilesForTargets), planned after. Plans tfw
// cannot carry out (a loop, two devices, no long-term root) are values too;
// the words for all of it are the presenter's (decisions.ts).
import { isDeepStrictEqual } from 'node:util';
import { ConfigError } from '../errors.ts';
import type { AuthTarget } from '../model.ts';
import { chainRoot, chainSerials, walkChain } from './chains.ts';
import { hasOwnSharedFiles, profileSection, type Env } from './files.ts';
import { ENVIRONMENT_PROFILE, environmentKeys, profileFromEnv, serialFromEnv } from './environment.ts';
import { mfaRootOf, type Hop, type KeySource } from './kinds/index.ts';
import { describeDecision, describeImpossible, type Decision, type Impossible, type NoneCause, type UnmanagedCause } from './decisions.ts';
import type { AuthPlan, AwsFiles, MfaDevice, TargetPlan } from './types.ts';

export { describeNoRoot } from './decisions.ts';

export const deviceId = (rootProfile: string, serial: string): string => `${rootProfile}|${serial}`;

/** Profile name shown for targets that use keys exported in the environment. */
export const ENVIRONMENT_KEYS = '(environment keys)';

const searched = (files: AwsFiles): string[] => [...files.configPaths, ...files.credentialsPaths];

function regionFor(root: Hop, chain: Hop[], t: AuthTarget, env: Env): string {
  return (
    root.region ??
    chain.find((h) => h.region)?.region ??
    t.region ??
    (env.AWS_REGION || undefined) ??
    (env.AWS_DEFAULT_REGION || undefined) ??
    'us-east-1'
  );
}

/** Why a chain with no device needs nothing from tfw. */
function noMfaCause(t: AuthTarget, chain: Hop[], files: AwsFiles): NoneCause {
  const root = chainRoot(chain);
  if (t.assumeRoles.length > 0) return { cause: 'no-device-for-role' };
  if (root.kind === 'missing') {
    return root.missingReason === 'not found'
      ? { cause: 'profile-not-found', profile: root.profile, searched: searched(files) }
      : { cause: 'no-credentials', profile: root.profile, reason: root.missingReason };
  }
  return { cause: 'no-mfa', root };
}

/** One target: what was decided, or why it cannot be; and, for an MFA target tfw serves, what its device needs. */
type Planned =
  | { ok: true; profile: string; chain: Hop[]; decision: Decision; need?: { root: Hop; source: KeySource; serial: string; mfaProcess?: string; region: string } }
  | { ok: false; impossible: Impossible };

/**
 * A target with its own shared files: terraform ignores AWS_CONFIG_FILE for
 * it, so the per-run files cannot reach it. Its chain is still resolved (from
 * its own files) so explain can say what it would need; a problem in those
 * files is terraform's to report, not a reason to stop the run.
 */
function planOwnFiles(t: AuthTarget, profile: string, files: AwsFiles): Planned {
  const walk = walkChain(files, profile);
  if (!walk.ok) return { ok: true, profile, chain: [], decision: { action: 'unmanaged', cause: { cause: 'own-files-broken', broken: walk.broken } } };
  const chain = walk.chain;
  const serials = chainSerials(chain);
  if (serials.length === 0) {
    return { ok: true, profile, chain, decision: { action: 'unmanaged', cause: { cause: 'own-files-no-mfa', inner: noMfaCause(t, chain, files) } } };
  }
  return { ok: true, profile, chain, decision: { action: 'unmanaged', cause: { cause: 'own-files-need-mfa', serials, root: chainRoot(chain).profile }, serial: serials[0]! } };
}

/**
 * A target that names no profile while keys are exported: terraform's SDK
 * takes them before AWS_PROFILE and the files. Undefined when the exported
 * keys became ENVIRONMENT_PROFILE (they have a device) and are planned like
 * any profile.
 */
function planEnvironmentKeys(files: AwsFiles, env: Env): Planned | undefined {
  const keys = environmentKeys(env);
  if (keys.kind === 'session') return { ok: true, profile: ENVIRONMENT_KEYS, chain: [], decision: { action: 'none', cause: { cause: 'exported-session' } } };
  if (keys.kind === 'none') return undefined;
  // With a device they joined the files as ENVIRONMENT_PROFILE (environment.ts): planned like any profile.
  if (files.credentials[ENVIRONMENT_PROFILE]?.aws_access_key_id === keys.accessKeyId) return undefined;
  return { ok: true, profile: ENVIRONMENT_KEYS, chain: [], decision: { action: 'none', cause: { cause: 'exported-long-term' } } };
}

/** The profile under which the per-run config holds a root's MFA session for blocks with their own credentials files. */
export const sessionProfileFor = (root: string): string => `tfw-session-${root}`;

/**
 * A target with its own shared_credentials_files but no shared_config_files:
 * terraform reads those credentials files instead of the per-run ones, but
 * still the per-run config (AWS_CONFIG_FILE). It is served when its chain,
 * planned as terraform would plan it without those files, needs a session
 * and the user's credentials files cannot get in the way: the block's
 * profile is a role (the long-term profile's keys would win over a session
 * under its name), no role on the chain is in those files (their settings
 * would join the per-run ones), the root has the same keys there as in the
 * files tfw read (the same identity, the same device), and the session's own
 * profile in the per-run config (sessionProfileFor) is in none of them.
 * Otherwise it is what it was: its own files, unmanaged, saying why.
 */
function planOwnCredentials(t: AuthTarget, own: AwsFiles, defaults: AwsFiles, env: Env, defaultRoot: string | undefined): Planned {
  const asIfPlain: AuthTarget = { ...t };
  delete asIfPlain.sharedCredentialsFiles;
  const plain = planTarget(asIfPlain, defaults, defaults, env, defaultRoot);
  const profile = t.profile ?? profileFromEnv(env);
  if (!plain.ok || plain.decision.action !== 'mfa') return planOwnFiles(t, profile, own);
  const { chain, decision } = plain;
  const unmanaged = (cause: UnmanagedCause): Planned => ({ ok: true, profile: plain.profile, chain, decision: { action: 'unmanaged', cause, serial: decision.serial } });
  const root = chainRoot(chain);
  if (chain.length < 2) return unmanaged({ cause: 'own-credentials-root', root: root.profile });
  const shadowing = chain.slice(0, -1).find((h) => Object.hasOwn(own.credentials, h.profile));
  if (shadowing) return unmanaged({ cause: 'own-credentials-shadow', profile: shadowing.profile });
  if (!isDeepStrictEqual(profileSection(own, root.profile), profileSection(defaults, root.profile))) return unmanaged({ cause: 'own-credentials-other-keys', root: root.profile });
  const session = sessionProfileFor(root.profile);
  if (profileSection(own, session) !== undefined || profileSection(defaults, session) !== undefined) return unmanaged({ cause: 'own-credentials-shadow', profile: session });
  return plain;
}

function planTarget(t: AuthTarget, files: AwsFiles, defaults: AwsFiles, env: Env, defaultRoot: string | undefined): Planned {
  const rootOf = (hop: Hop) => mfaRootOf(hop, { section: profileSection(files, hop.profile), env });
  if (t.profile === undefined && !t.staticCredentials && !t.webIdentity) {
    const fromEnvironment = planEnvironmentKeys(files, env);
    if (fromEnvironment) return fromEnvironment;
  }
  const converted = t.profile === undefined && environmentKeys(env).kind === 'long-term';
  const profile = t.profile ?? (converted ? ENVIRONMENT_PROFILE : profileFromEnv(env));
  const decided = (chain: Hop[], decision: Decision): Planned => ({ ok: true, profile, chain, decision });

  if (t.staticCredentials) return decided([], { action: 'unmanaged', cause: { cause: 'keys-in-block' } });
  if (t.webIdentity) return decided([], { action: 'unmanaged', cause: { cause: 'web-identity-block' } });
  if (hasOwnSharedFiles(t)) {
    if (converted) return decided([], { action: 'unmanaged', cause: { cause: 'own-files-with-exported-keys' } });
    if (!t.sharedConfigFiles?.length) return planOwnCredentials(t, files, defaults, env, defaultRoot);
    return planOwnFiles(t, profile, files);
  }

  const walk = walkChain(files, profile);
  if (!walk.ok) return { ok: false, impossible: { cause: 'broken-chain', target: t, broken: walk.broken, files: searched(files) } };
  const chain = walk.chain;
  const serials = chainSerials(chain);
  if (serials.length > 1) return { ok: false, impossible: { cause: 'two-devices-in-chain', target: t, profile, chain, serials } };
  const root = chainRoot(chain);
  // No device on the chain: TFW_MFA_SERIAL names the one of the default identity's long-term keys.
  const envSerial = serials.length === 0 && root.profile === defaultRoot && rootOf(root).ok ? serialFromEnv(env) : undefined;
  const serial = serials[0] ?? envSerial;
  if (serial === undefined) return decided(chain, { action: 'none', cause: noMfaCause(t, chain, files) });

  const answers = rootOf(root);
  if (!answers.ok) return { ok: false, impossible: { cause: 'no-long-term-root', target: t, profile, chain, serial, why: answers.why, files: searched(files) } };
  const withSerial = chain.filter((h) => h.mfaSerial === serial);
  const mfaProcess = withSerial.find((h) => h.mfaProcess)?.mfaProcess ?? root.mfaProcess;
  const found = root.profile === ENVIRONMENT_PROFILE ? { from: 'exported-keys' as const } : envSerial !== undefined ? { from: 'TFW_MFA_SERIAL' as const } : { from: 'chain' as const, on: withSerial.map((h) => h.profile) };
  return {
    ...(decided(chain, { action: 'mfa', root: root.profile, serial, found }) as Extract<Planned, { ok: true }>),
    need: { root, source: answers.source, serial, region: regionFor(root, chain, t, env), ...(mfaProcess ? { mfaProcess } : {}) },
  };
}

/**
 * The long-term profile behind the identity terraform uses when a block names
 * no profile: the exported keys (as ENVIRONMENT_PROFILE), else the root of
 * AWS_PROFILE / default. TFW_MFA_SERIAL is that identity's device: another
 * IAM user's keys have a device of their own (mfa_serial on their profile).
 */
/** The files terraform reads for a block that names no files of its own. */
function defaultFiles(filesFor: (t: AuthTarget) => AwsFiles): AwsFiles {
  return filesFor({ kind: 'provider', name: '', source: { file: '', line: 0 }, assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [] });
}

function defaultIdentityRoot(filesFor: (t: AuthTarget) => AwsFiles, env: Env): string | undefined {
  const files = defaultFiles(filesFor);
  const keys = environmentKeys(env);
  if (keys.kind === 'long-term') return files.credentials[ENVIRONMENT_PROFILE] ? ENVIRONMENT_PROFILE : undefined;
  if (keys.kind === 'session') return undefined;
  const walk = walkChain(files, profileFromEnv(env));
  // A loop is reported where a target uses it.
  return walk.ok ? chainRoot(walk.chain).profile : undefined;
}

export interface Decisions {
  /** The plan of every target tfw can plan. */
  plan: AuthPlan;
  /** What cannot be carried out, in the order of the targets (then devices sharing a root). */
  impossible: Impossible[];
}

/**
 * Decides every target. `filesFor` gives the files terraform reads for a
 * target (the defaults, or its own shared files). Nothing is thrown for a
 * plan tfw cannot carry out: it is in `impossible`.
 */
export function decideAuth(targets: AuthTarget[], filesFor: (t: AuthTarget) => AwsFiles, env: Env): Decisions {
  const keys = environmentKeys(env).kind;
  const defaultRoot = defaultIdentityRoot(filesFor, env);
  const defaults = defaultFiles(filesFor);
  const impossible: Impossible[] = [];
  const planned: Array<{ target: AuthTarget; p: Extract<Planned, { ok: true }> }> = [];
  for (const target of targets) {
    const p = planTarget(target, filesFor(target), defaults, env, defaultRoot);
    if (p.ok) planned.push({ target, p });
    else impossible.push(p.impossible);
  }
  const devices = new Map<string, MfaDevice>();
  const byRoot = new Map<string, MfaDevice>();
  const conflicted = new Set<AuthTarget>();
  for (const { target, p } of planned) {
    const need = p.need;
    if (!need) continue;
    const id = deviceId(need.root.profile, need.serial);
    let device = devices.get(id);
    if (!device) {
      const other = byRoot.get(need.root.profile);
      if (other) {
        // The per-run files hold one session per profile.
        impossible.push({ cause: 'two-devices-one-root', root: need.root.profile, first: { serial: other.serial, targets: [...other.targets] }, second: { serial: need.serial, target: target.name } });
        conflicted.add(target);
        continue;
      }
      device = { id, serial: need.serial, rootProfile: need.root.profile, source: need.source, region: need.region, ...(need.mfaProcess ? { mfaProcess: need.mfaProcess } : {}), targets: [] };
      devices.set(id, device);
      byRoot.set(need.root.profile, device);
    }
    device.targets.push(target.name);
  }
  const targetPlans = planned.filter(({ target }) => !conflicted.has(target)).map(({ target, p }): TargetPlan => {
    let decision = p.decision;
    // A target that needs no MFA but whose chain ends in a root this run
    // replaces with a session (the per-run files hold it) gets the session too.
    if (decision.action === 'none' && p.chain.length > 0 && !hasOwnSharedFiles(target)) {
      const root = chainRoot(p.chain);
      const device = root.kind === 'missing' || root.kind === 'role' ? undefined : byRoot.get(root.profile);
      if (device) {
        device.targets.push(target.name);
        decision = { action: 'mfa', root: root.profile, serial: device.serial, found: { from: 'shared-root' } };
      }
    }
    const device = decision.action === 'mfa' ? byRoot.get(decision.root) : undefined;
    const tp: TargetPlan = {
      target,
      profile: p.profile,
      chain: p.chain,
      action: decision.action,
      decision,
      ...(device ? { deviceId: device.id } : {}),
      // The device its own chain names (also when tfw cannot serve it).
      ...((decision.action === 'mfa' && decision.found.from !== 'shared-root') || (decision.action === 'unmanaged' && decision.serial) ? { mfaSerial: decision.serial! } : {}),
      reason: '',
    };
    return { ...tp, reason: describeDecision(tp) };
  });
  const devicesList = [...devices.values()];
  // Exported keys stay in terraform's environment when a target uses them as
  // they are; they go when the run replaced them with their MFA session, or
  // when no target uses them (then they could only shadow the profiles).
  const converted = devicesList.some((d) => d.rootProfile === ENVIRONMENT_PROFILE);
  // A chain that ends in credential_source = Environment and is not served by a session reads them too.
  const readsExported = (t: TargetPlan): boolean => {
    const root = t.chain[t.chain.length - 1];
    return t.action === 'none' && root?.kind === 'credential-source' && root.credentialSource === 'Environment';
  };
  const keepKeyVariables = keys !== 'none' && !converted && targetPlans.some((t) => t.profile === ENVIRONMENT_KEYS || readsExported(t));
  return {
    plan: { targets: targetPlans, devices: devicesList, childEnvironment: { keepKeyVariables, ...(converted ? { profile: ENVIRONMENT_PROFILE } : {}) } },
    impossible,
  };
}

/** decideAuth, with the first plan tfw cannot carry out as a ConfigError (one line, the presenter's). */
export function planAuth(targets: AuthTarget[], filesFor: (t: AuthTarget) => AwsFiles, env: Env): AuthPlan {
  const { plan, impossible } = decideAuth(targets, filesFor, env);
  if (impossible.length > 0) throw new ConfigError(describeImpossible(impossible[0]!));
  return plan;
}
