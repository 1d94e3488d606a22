// The auth plan: for each provider/backend, the profile terraform will use,
// its chain, and whether tfw must get an MFA session for it; and the MFA
// devices that makes (one per long-term profile and serial). Pure: the files
// are loaded first (files.ts: loadFilesForTargets), planned after.
import { ConfigError } from '../errors.ts';
import type { AuthTarget } from '../model.ts';
import { chainRoot, chainSerials, resolveChain, type ResolvedHop } from './chains.ts';
import { hasOwnSharedFiles, profileSection, type Env } from './files.ts';
import { ENVIRONMENT_PROFILE, environmentKeys, profileFromEnv, serialFromEnv } from './environment.ts';
import { describeHop, mfaRootOf, type KeySource, type NoRootCause } from './kinds/index.ts';
import type { AuthPlan, AwsFiles, MfaDevice, TargetPlan } from './types.ts';

export const deviceId = (rootProfile: string, serial: string): string => `${rootProfile}|${serial}`;

const arrow = (chain: ResolvedHop[]): string => {
  // `x → x` (a profile that is its own source) reads better as one name.
  const names = chain.map((h) => h.profile).filter((p, i, all) => i === 0 || all[i - 1] !== p);
  return names.join(' → ');
};

const where = (t: AuthTarget): string => `${t.name} (${t.source.file}:${t.source.line})`;

/** The first assume_role hop, as people read it (an ARN known only during the plan says so). */
const firstRole = (t: AuthTarget): string => {
  const hop = t.assumeRoles[0]!;
  return hop.roleArn ?? `(role known only during the plan, ${hop.source.file}:${hop.source.line})`;
};

/** How to name a device when none is: said wherever a role may need MFA tfw cannot see. */
const NAME_A_DEVICE = 'if the role needs MFA, put mfa_serial on the profile or set TFW_MFA_SERIAL (tfw auth explain --find-device looks yours up)';

/** Profile name shown for targets that use keys exported in the environment. */
export const ENVIRONMENT_KEYS = '(environment keys)';

/** Why a root cannot call sts:GetSessionToken, in the user's terms. */
export function describeNoRoot(why: NoRootCause, files: AwsFiles): string {
  switch (why.cause) {
    case 'temporary-keys':
      return 'holds temporary keys (aws_session_token)';
    case 'sso':
      return 'uses AWS SSO (IAM Identity Center)';
    case 'credential-source':
      return why.environment === 'none'
        ? 'takes its credentials from credential_source = Environment, and no long-term keys are exported (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)'
        : why.environment === 'session'
          ? 'takes its credentials from credential_source = Environment, and the exported keys are a session (AWS_SESSION_TOKEN)'
          : `takes its credentials from credential_source = ${why.credentialSource}`;
    case 'web-identity':
      return 'uses a web identity token';
    case 'missing':
      return why.reason === 'not found'
        ? `is not in ${[...files.configPaths, ...files.credentialsPaths].join(', ') || 'any AWS config or credentials file'}`
        : `has no usable credentials (${why.reason})`;
    case 'role':
      return 'is a role';
    default:
      return unhandled(why);
  }
}

/** Compile-time exhaustiveness: a new case that is not handled above does not compile. */
function unhandled(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}

function regionFor(root: ResolvedHop, chain: ResolvedHop[], t: AuthTarget, env: Env): string {
  return (
    root.region ??
    chain.find((h) => h.region)?.region ??
    t.region ??
    (env.AWS_REGION || undefined) ??
    (env.AWS_DEFAULT_REGION || undefined) ??
    'us-east-1'
  );
}

function noMfaReason(t: AuthTarget, profile: string, chain: ResolvedHop[], files: AwsFiles): string {
  const root = chainRoot(chain);
  if (t.assumeRoles.length > 0) {
    return `assume_role ${firstRole(t)} on profile "${profile}": no MFA device named in ${arrow(chain)}, so terraform runs as it would without tfw; ${NAME_A_DEVICE}`;
  }
  if (root.kind === 'missing') {
    return root.missingReason === 'not found'
      ? `profile "${root.profile}" ${describeNoRoot({ cause: 'missing', reason: root.missingReason }, files)}: terraform will report it`
      : `profile "${root.profile}" has no credentials of its own (${root.missingReason}): terraform looks elsewhere`;
  }
  return `${arrow(chain)}: ${describeHop(root)}, no MFA needed`;
}

interface Planned {
  plan: TargetPlan;
  /** Set for targets that need a session and that tfw can serve. */
  need?: { root: ResolvedHop; source: KeySource; serial: string; mfaProcess?: string; region: string };
}

/**
 * A target with its own shared files: terraform ignores AWS_CONFIG_FILE for
 * it, so the per-run files cannot reach it. Its chain is still resolved (from
 * its own files) so explain can say what it would need; a problem in those
 * files is terraform's to report, not a reason to stop the run.
 */
function planOwnFiles(
  t: AuthTarget,
  profile: string,
  files: AwsFiles,
  plan: (p: Omit<TargetPlan, 'target' | 'profile'>) => TargetPlan,
): Planned {
  const own = 'own shared_config_files/shared_credentials_files';
  let chain: ResolvedHop[];
  try {
    chain = resolveChain(files, profile);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return { plan: plan({ chain: [], action: 'unmanaged', reason: `${own}: ${e.message}` }) };
  }
  const serials = chainSerials(chain);
  if (serials.length === 0) {
    return { plan: plan({ chain, action: 'unmanaged', reason: `${own}: left to terraform; ${noMfaReason(t, profile, chain, files)}` }) };
  }
  return {
    plan: plan({
      chain,
      action: 'unmanaged',
      mfaSerial: serials[0]!,
      reason: `${own}: tfw cannot hand it the MFA session it needs (${serials.join(', ')} for profile "${chainRoot(chain).profile}")`,
    }),
  };
}

/**
 * A target that names no profile while keys are exported: terraform's SDK
 * takes them before AWS_PROFILE and the files. Undefined when the exported
 * keys became ENVIRONMENT_PROFILE (they have a device) and are planned like
 * any profile.
 */
function planEnvironmentKeys(t: AuthTarget, files: AwsFiles, env: Env): Planned | undefined {
  const keys = environmentKeys(env);
  const plan = (p: Omit<TargetPlan, 'target' | 'profile' | 'chain'>): Planned => ({ plan: { target: t, profile: ENVIRONMENT_KEYS, chain: [], ...p } });
  if (keys.kind === 'session') {
    return plan({ action: 'none', reason: 'session keys exported in the environment (AWS_SESSION_TOKEN): terraform uses them as they are' });
  }
  if (keys.kind === 'none') return undefined;
  // With a device they joined the files as ENVIRONMENT_PROFILE (environment.ts): planned like any profile.
  if (files.credentials[ENVIRONMENT_PROFILE]?.aws_access_key_id === keys.accessKeyId) return undefined;
  const roles = t.assumeRoles.length > 0;
  return plan({
    action: 'none',
    reason: roles
      ? `long-term keys exported in AWS_ACCESS_KEY_ID, assume_role ${firstRole(t)}: no MFA device named for them (TFW_MFA_SERIAL), so terraform uses them as they are; ${NAME_A_DEVICE}`
      : 'long-term keys exported in AWS_ACCESS_KEY_ID: terraform uses them as they are (TFW_MFA_SERIAL would name their MFA device)',
  });
}

function planTarget(t: AuthTarget, files: AwsFiles, env: Env, defaultRoot: string | undefined): Planned {
  const rootOf = (hop: ResolvedHop) => mfaRootOf(hop, { section: profileSection(files, hop.profile), env });
  if (t.profile === undefined && !t.staticCredentials && !t.webIdentity) {
    const fromEnvironment = planEnvironmentKeys(t, files, env);
    if (fromEnvironment) return fromEnvironment;
  }
  const converted = t.profile === undefined && environmentKeys(env).kind === 'long-term';
  const profile = t.profile ?? (converted ? ENVIRONMENT_PROFILE : profileFromEnv(env));
  const unknownProfile = t.unknowns.find((u) => u.attribute === 'profile');
  const note = unknownProfile ? ` (profile could not be evaluated: ${unknownProfile.reason}; default used)` : '';
  const plan = (p: Omit<TargetPlan, 'target' | 'profile'>): TargetPlan => ({
    target: t,
    profile,
    ...p,
    reason: p.reason + note,
  });

  if (t.staticCredentials) {
    return { plan: plan({ chain: [], action: 'unmanaged', reason: 'access_key/secret_key in the block: terraform uses them' }) };
  }
  if (t.webIdentity) {
    return { plan: plan({ chain: [], action: 'unmanaged', reason: 'assume_role_with_web_identity: no MFA involved' }) };
  }

  if (hasOwnSharedFiles(t)) {
    if (converted) {
      return { plan: plan({ chain: [], action: 'unmanaged', reason: 'uses the exported AWS_ACCESS_KEY_ID, but reads its own shared_config_files/shared_credentials_files, which cannot hold the MFA session: name a profile in the block' }) };
    }
    return planOwnFiles(t, profile, files, plan);
  }

  let chain: ResolvedHop[];
  try {
    chain = resolveChain(files, profile);
  } catch (e) {
    if (e instanceof ConfigError) {
      const paths = [...files.configPaths, ...files.credentialsPaths].join(', ');
      throw new ConfigError(`${where(t)}: ${e.message}${paths ? ` (${paths})` : ''}`);
    }
    throw e;
  }
  const serials = chainSerials(chain);
  if (serials.length > 1) {
    throw new ConfigError(
      `${where(t)}: profile "${profile}" (${arrow(chain)}) names two MFA devices (${serials.join(', ')}); tfw can answer one per chain`,
    );
  }
  const root = chainRoot(chain);
  // No device on the chain: TFW_MFA_SERIAL names the one of the default identity's long-term keys.
  const envSerial = serials.length === 0 && root.profile === defaultRoot && rootOf(root).ok ? serialFromEnv(env) : undefined;
  const serial = serials[0] ?? envSerial;
  if (serial === undefined) {
    // A profile named in the block or in AWS_PROFILE, or a source_profile, that no file holds: the SDK refuses it ("failed to get shared config profile").
    const named = (t.profile !== undefined && !unknownProfile) || (t.profile === undefined && Boolean(env.AWS_PROFILE)) || chain.length > 1;
    const refusal = root.kind === 'missing' && root.missingReason === 'not found' && named ? { refusal: { kind: 'profile-not-found' as const, profile: root.profile } } : {};
    return { plan: plan({ chain, action: 'none', reason: noMfaReason(t, profile, chain, files), ...refusal }) };
  }

  const answers = rootOf(root);
  if (!answers.ok) {
    throw new ConfigError(
      `${where(t)}: profile "${profile}" needs MFA (${serial}) but its chain ${arrow(chain)} ends in profile "${root.profile}", which ${describeNoRoot(answers.why, files)}; tfw needs long-term keys there to call sts:GetSessionToken`,
    );
  }
  const withSerial = chain.filter((h) => h.mfaSerial === serial);
  const mfaProcess = withSerial.find((h) => h.mfaProcess)?.mfaProcess ?? root.mfaProcess;
  const named =
    root.profile === ENVIRONMENT_PROFILE
      ? 'the keys exported in AWS_ACCESS_KEY_ID, device from TFW_MFA_SERIAL'
      : envSerial !== undefined
        ? `"${root.profile}", device from TFW_MFA_SERIAL`
        : `"${root.profile}" (mfa_serial on ${withSerial.map((h) => `"${h.profile}"`).join(', ')})`;
  const reason =
    t.assumeRoles.length > 0
      ? `assume_role ${firstRole(t)} on ${t.profile === undefined ? 'the default identity' : `profile "${profile}"`}: MFA session for ${named}, so terraform's AssumeRole carries MFA`
      : `${arrow(chain)}: MFA session for ${named}`;
  return {
    plan: plan({ chain, action: 'mfa', deviceId: deviceId(root.profile, serial), mfaSerial: serial, reason }),
    need: { root, source: answers.source, serial, region: regionFor(root, chain, t, env), ...(mfaProcess ? { mfaProcess } : {}) },
  };
}

/**
 * The long-term profile behind the identity terraform uses when a block names
 * no profile: the exported keys (as ENVIRONMENT_PROFILE), else the root of
 * AWS_PROFILE / default. TFW_MFA_SERIAL is that identity's device: another
 * IAM user's keys have a device of their own (mfa_serial on their profile).
 */
function defaultIdentityRoot(filesFor: (t: AuthTarget) => AwsFiles, env: Env): string | undefined {
  const probe: AuthTarget = { kind: 'provider', name: '', source: { file: '', line: 0 }, assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [] };
  const files = filesFor(probe);
  const keys = environmentKeys(env);
  if (keys.kind === 'long-term') return files.credentials[ENVIRONMENT_PROFILE] ? ENVIRONMENT_PROFILE : undefined;
  if (keys.kind === 'session') return undefined;
  try {
    return chainRoot(resolveChain(files, profileFromEnv(env))).profile;
  } catch (e) {
    if (e instanceof ConfigError) return undefined; // a loop: reported where a target uses it
    throw e;
  }
}

/**
 * Plans every target. `filesFor` gives the files terraform reads for a target
 * (the defaults, or its own shared files). Throws ConfigError for a chain
 * that needs MFA tfw cannot give (a loop, two devices, no long-term root).
 */
export function planAuth(targets: AuthTarget[], filesFor: (t: AuthTarget) => AwsFiles, env: Env): AuthPlan {
  const keys = environmentKeys(env).kind;
  const defaultRoot = defaultIdentityRoot(filesFor, env);
  const planned = targets.map((t) => planTarget(t, filesFor(t), env, defaultRoot));
  const devices = new Map<string, MfaDevice>();
  const byRoot = new Map<string, MfaDevice>();
  for (const { plan, need } of planned) {
    if (!need) continue;
    const id = deviceId(need.root.profile, need.serial);
    let device = devices.get(id);
    if (!device) {
      const other = byRoot.get(need.root.profile);
      if (other) {
        // The per-run files hold one session per profile.
        throw new ConfigError(
          `profile "${need.root.profile}" is used with two MFA devices (${other.serial} by ${other.targets.join(', ')}; ${need.serial} by ${plan.target.name}); tfw can hold one session per profile: use one mfa_serial`,
        );
      }
      device = {
        id,
        serial: need.serial,
        rootProfile: need.root.profile,
        source: need.source,
        region: need.region,
        ...(need.mfaProcess ? { mfaProcess: need.mfaProcess } : {}),
        targets: [],
      };
      devices.set(id, device);
      byRoot.set(need.root.profile, device);
    }
    device.targets.push(plan.target.name);
  }
  // A target that needs no MFA but whose chain ends in the same long-term
  // keys gets the session too (the per-run files replace those keys): say so.
  const targetPlans = planned.map(({ plan }) => {
    if (plan.action !== 'none' || plan.chain.length === 0 || hasOwnSharedFiles(plan.target)) return plan;
    const root = chainRoot(plan.chain);
    // Any root the run replaces with a session (long-term keys, a credential_process, the environment's keys).
    const device = root.kind === 'missing' || root.kind === 'role' ? undefined : byRoot.get(root.profile);
    if (!device) return plan;
    device.targets.push(plan.target.name);
    return {
      ...plan,
      action: 'mfa' as const,
      deviceId: device.id,
      reason: `${arrow(plan.chain)}: uses the keys of "${root.profile}", which this run replaces with its MFA session`,
    };
  });
  const devicesList = [...devices.values()];
  // Exported keys stay in terraform's environment when a target uses them as
  // they are; they go when the run replaced them with their MFA session, or
  // when no target uses them (then they could only shadow the profiles).
  const converted = devicesList.some((d) => d.rootProfile === ENVIRONMENT_PROFILE);
  const keepKeyVariables = keys !== 'none' && !converted && targetPlans.some((t) => t.profile === ENVIRONMENT_KEYS);
  return {
    targets: targetPlans,
    devices: devicesList,
    childEnvironment: { keepKeyVariables, ...(converted ? { profile: ENVIRONMENT_PROFILE } : {}) },
  };
}
