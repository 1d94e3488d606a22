// What the planner decided for each target, as values (plan.ts makes them),
// and the one presenter that turns them into what `tfw auth explain`, the
// logs and the errors say. Tests assert on decisions; the words live here.
import type { AuthTarget } from '../model.ts';
import type { Hop, NoRootCause } from './kinds/index.ts';
import { describeHop } from './kinds/index.ts';

/** A chain that cannot be walked. */
export type BrokenChain = { cause: 'loop'; profiles: string[] } | { cause: 'too-long'; first: string[]; last: string; max: number };

/** How the device of an MFA target was found. */
export type SerialSource =
  /** mfa_serial on these profiles of the chain. */
  | { from: 'chain'; on: string[] }
  /** TFW_MFA_SERIAL, the default identity's device. */
  | { from: 'TFW_MFA_SERIAL' }
  /** Exported long-term keys with TFW_MFA_SERIAL (the per-run profile tfw-environment). */
  | { from: 'exported-keys' }
  /** Its chain needs no MFA, but ends in a root this run replaces with a session. */
  | { from: 'shared-root' };

export type NoneCause =
  | { cause: 'exported-session' }
  | { cause: 'exported-long-term' }
  /** An assume_role with no device named anywhere on its chain. */
  | { cause: 'no-device-for-role' }
  | { cause: 'profile-not-found'; profile: string; searched: string[] }
  | { cause: 'no-credentials'; profile: string; reason: string }
  /** Its chain ends in a root of this kind, and nothing on it names a device. */
  | { cause: 'no-mfa'; root: Hop };

export type UnmanagedCause =
  | { cause: 'keys-in-block' }
  | { cause: 'web-identity-block' }
  | { cause: 'own-files-with-exported-keys' }
  | { cause: 'own-files-need-mfa'; serials: string[]; root: string }
  | { cause: 'own-files-no-mfa'; inner: NoneCause }
  | { cause: 'own-files-broken'; broken: BrokenChain }
  /** Own shared_credentials_files, and the block's profile is the long-term one: its keys there win over a session. */
  | { cause: 'own-credentials-root'; root: string }
  /** Own shared_credentials_files that hold a profile the per-run config must decide. */
  | { cause: 'own-credentials-shadow'; profile: string }
  /** Own shared_credentials_files that give the chain's long-term profile other keys than the AWS files tfw reads. */
  | { cause: 'own-credentials-other-keys'; root: string };

export type Decision =
  | { action: 'mfa'; root: string; serial: string; found: SerialSource }
  | { action: 'none'; cause: NoneCause }
  | { action: 'unmanaged'; cause: UnmanagedCause; serial?: string };

/** A plan tfw cannot carry out, as a value (planAuth throws it as one ConfigError line). */
export type Impossible =
  | { cause: 'broken-chain'; target: AuthTarget; broken: BrokenChain; files: string[] }
  | { cause: 'two-devices-in-chain'; target: AuthTarget; profile: string; chain: Hop[]; serials: string[] }
  | { cause: 'no-long-term-root'; target: AuthTarget; profile: string; chain: Hop[]; serial: string; why: NoRootCause; files: string[] }
  | { cause: 'two-devices-one-root'; root: string; first: { serial: string; targets: string[] }; second: { serial: string; target: string } };

// ─── the presenter ───────────────────────────────────────────────────────────

/** How to name a device when none is: said wherever a role may need MFA tfw cannot see. */
const NAME_A_DEVICE = 'if the role needs MFA, put mfa_serial on the profile or set TFW_MFA_SERIAL (tfw auth explain --find-device looks yours up)';

/** Compile-time exhaustiveness: a case not handled does not compile. */
function unhandled(value: never): never {
  throw new Error(`unhandled case ${JSON.stringify(value)}`);
}

export const arrow = (chain: readonly Hop[]): string => {
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

const notFoundIn = (files: string[]): string => `is not in ${files.join(', ') || 'any AWS config or credentials file'}`;

/** Why a root cannot call sts:GetSessionToken, in the user's terms. */
export function describeNoRoot(why: NoRootCause, files: string[]): string {
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
      return why.reason === 'not found' ? notFoundIn(files) : `has no usable credentials (${why.reason})`;
    case 'role':
      return 'is a role';
    default:
      return unhandled(why);
  }
}

export function describeBroken(broken: BrokenChain): string {
  switch (broken.cause) {
    case 'loop':
      return `profile loop in the AWS config: ${broken.profiles.join(' → ')}`;
    case 'too-long':
      return `source_profile chain longer than ${broken.max} profiles in the AWS config: ${broken.first.join(' → ')} → … → ${broken.last}`;
    default:
      return unhandled(broken);
  }
}

/** What one target's plan is about, for the presenter. */
export interface Decided {
  target: AuthTarget;
  profile: string;
  chain: Hop[];
  decision: Decision;
}

function describeNone(d: Decided, cause: NoneCause): string {
  const t = d.target;
  switch (cause.cause) {
    case 'exported-session':
      return 'session keys exported in the environment (AWS_SESSION_TOKEN): terraform uses them as they are';
    case 'exported-long-term':
      return t.assumeRoles.length > 0
        ? `long-term keys exported in AWS_ACCESS_KEY_ID, assume_role ${firstRole(t)}: no MFA device named for them (TFW_MFA_SERIAL), so terraform uses them as they are; ${NAME_A_DEVICE}`
        : 'long-term keys exported in AWS_ACCESS_KEY_ID: terraform uses them as they are (TFW_MFA_SERIAL would name their MFA device)';
    case 'no-device-for-role':
      return `assume_role ${firstRole(t)} on profile "${d.profile}": no MFA device named in ${arrow(d.chain)}, so terraform runs as it would without tfw; ${NAME_A_DEVICE}`;
    case 'profile-not-found':
      return `profile "${cause.profile}" ${notFoundIn(cause.searched)}: terraform will report it`;
    case 'no-credentials':
      return `profile "${cause.profile}" has no credentials of its own (${cause.reason}): terraform looks elsewhere`;
    case 'no-mfa':
      return `${arrow(d.chain)}: ${describeHop(cause.root)}, no MFA needed`;
    default:
      return unhandled(cause);
  }
}

const OWN = 'own shared_config_files/shared_credentials_files';

function describeUnmanaged(d: Decided, cause: UnmanagedCause): string {
  switch (cause.cause) {
    case 'keys-in-block':
      return 'access_key/secret_key in the block: terraform uses them';
    case 'web-identity-block':
      return 'assume_role_with_web_identity: no MFA involved';
    case 'own-files-with-exported-keys':
      return 'uses the exported AWS_ACCESS_KEY_ID, but reads its own shared_config_files/shared_credentials_files, which cannot hold the MFA session: name a profile in the block';
    case 'own-files-need-mfa':
      return `${OWN}: tfw cannot hand it the MFA session it needs (${cause.serials.join(', ')} for profile "${cause.root}")`;
    case 'own-files-no-mfa':
      return `${OWN}: left to terraform; ${describeNone(d, cause.inner)}`;
    case 'own-files-broken':
      return `${OWN}: ${describeBroken(cause.broken)}`;
    case 'own-credentials-root':
      return `its own shared_credentials_files hold the keys of "${cause.root}", which terraform takes over any session: name a role profile behind it, or drop shared_credentials_files`;
    case 'own-credentials-shadow':
      return `its own shared_credentials_files hold a profile "${cause.profile}", which would mix into the per-run config's: tfw cannot hand it the MFA session`;
    case 'own-credentials-other-keys':
      return `its own shared_credentials_files give "${cause.root}" other keys than the AWS files tfw reads: tfw cannot hand it the MFA session`;
    default:
      return unhandled(cause);
  }
}

function describeMfa(d: Decided, decision: Extract<Decision, { action: 'mfa' }>): string {
  const t = d.target;
  const found = decision.found;
  if (found.from === 'shared-root') return `${arrow(d.chain)}: uses the keys of "${decision.root}", which this run replaces with its MFA session`;
  const named =
    found.from === 'exported-keys'
      ? 'the keys exported in AWS_ACCESS_KEY_ID, device from TFW_MFA_SERIAL'
      : found.from === 'TFW_MFA_SERIAL'
        ? `"${decision.root}", device from TFW_MFA_SERIAL`
        : `"${decision.root}" (mfa_serial on ${found.on.map((p) => `"${p}"`).join(', ')})`;
  return t.assumeRoles.length > 0
    ? `assume_role ${firstRole(t)} on ${t.profile === undefined ? 'the default identity' : `profile "${d.profile}"`}: MFA session for ${named}, so terraform's AssumeRole carries MFA`
    : `${arrow(d.chain)}: MFA session for ${named}`;
}

/** The few words of explain's `reason`, of the debug log and of the warning for an unserved MFA target. */
export function describeDecision(d: Decided): string {
  const decision = d.decision;
  let text: string;
  switch (decision.action) {
    case 'mfa':
      text = describeMfa(d, decision);
      break;
    case 'none':
      // Keys exported in the environment: the profile attribute plays no part, no note about it.
      if (decision.cause.cause === 'exported-session' || decision.cause.cause === 'exported-long-term') return describeNone(d, decision.cause);
      text = describeNone(d, decision.cause);
      break;
    case 'unmanaged':
      text = describeUnmanaged(d, decision.cause);
      break;
    default:
      return unhandled(decision);
  }
  const unknownProfile = d.target.unknowns.find((u) => u.attribute === 'profile');
  return unknownProfile ? `${text} (profile could not be evaluated: ${unknownProfile.reason}; default used)` : text;
}

/** The one `tfw:` line for a plan tfw cannot carry out. */
export function describeImpossible(i: Impossible): string {
  switch (i.cause) {
    case 'broken-chain':
      return `${where(i.target)}: ${describeBroken(i.broken)}${i.files.length > 0 ? ` (${i.files.join(', ')})` : ''}`;
    case 'two-devices-in-chain':
      return `${where(i.target)}: profile "${i.profile}" (${arrow(i.chain)}) names two MFA devices (${i.serials.join(', ')}); tfw can answer one per chain`;
    case 'no-long-term-root':
      return `${where(i.target)}: profile "${i.profile}" needs MFA (${i.serial}) but its chain ${arrow(i.chain)} ends in profile "${i.chain[i.chain.length - 1]!.profile}", which ${describeNoRoot(i.why, i.files)}; tfw needs long-term keys there to call sts:GetSessionToken`;
    case 'two-devices-one-root':
      return `profile "${i.root}" is used with two MFA devices (${i.first.serial} by ${i.first.targets.join(', ')}; ${i.second.serial} by ${i.second.target}); tfw can hold one session per profile: use one mfa_serial`;
    default:
      return unhandled(i);
  }
}
