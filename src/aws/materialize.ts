// The per-run config + credentials text: every profile the run uses works
// without MFA. Pure: plan + files + sessions in, text out (runfiles.ts writes it).
//
// What goes in, and why:
// - Every profile on the chain of a target tfw serves (action mfa/none):
//   terraform needs them, and AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE
//   now point here. Long-term keys of a root that needs no MFA are copied
//   (terraform needs them); the root of an MFA device gets the session keys
//   instead of its long-term keys, which are never copied.
// - Role profiles keep role_arn + source_profile (+ external_id,
//   role_session_name, duration_seconds, region…): terraform's SDK assumes
//   the role itself from the session and re-assumes it when the 1 h
//   role-chaining cap runs out. A role's temporary keys are never written.
// - mfa_serial and mfa_process are dropped from every profile whose chain is
//   served by a session (kept, they re-create the very error tfw removes);
//   profiles not served keep them.
// - Every other profile that holds no keys itself and whose chain does not
//   end in keys the run does not use (sso, credential_process,
//   credential_source, web identity, roles rooted in a session or in keys the
//   run uses, and chains ending nowhere): `local-exec` tools and
//   `tfw auth exec` keep working with them, and they hold no secret.
// - Left out: profiles holding keys the run does not use, profiles whose
//   chain ends in such keys, and profiles whose chain is broken (a loop): the
//   per-run files carry no secret the run does not need.
// - `[sso-session x]` and `[services x]` sections the written profiles name.
// Keys go to the credentials file; every other setting to the config file
// (every SDK reads settings there; the credentials file still wins for keys).
import { ConfigError } from '../errors.ts';
import { chainRoot, resolveChain, type ResolvedHop } from './chains.ts';
import { hasOwnSharedFiles, profileNames, profileSection } from './files.ts';
import { sessionProfileFor } from './plan.ts';
import type { AuthPlan, AwsFiles, GeneratedFiles, MfaDevice, ProfileSection, SessionCredentials, TargetPlan } from './types.ts';
import type { AuthTarget } from '../model.ts';

const KEY_FIELDS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token'] as const;
const MFA_FIELDS = ['mfa_serial', 'mfa_process'];
/** What a replaced root used to get its credentials from. */
const SOURCE_FIELDS = ['credential_process', 'credential_source'];

/** Names the SDK reads back as written in `[profile x]` (its own section-name pattern). */
const WRITABLE_NAME = /^[\w\-@+.%:/]+$/;

function checkName(name: string, kind: string): void {
  if (!WRITABLE_NAME.test(name) || name === '__proto__') {
    throw new ConfigError(`${kind} "${name.replace(/[\r\n]/g, ' ')}" cannot be written to the per-run AWS config: use letters, digits and - _ @ + . % : /`);
  }
}

/** A key or value that would not read back the same (a newline, a comment, padding) is refused, never written. */
function checkKey(section: string, key: string): void {
  if (key === '' || /[=\r\n]/.test(key) || /^[\s[;#]/.test(key) || /\s$/.test(key) || /\s[;#]/.test(key) || key === '__proto__') {
    throw new ConfigError(`section "${section}": setting "${key.replace(/[\r\n]/g, ' ')}" cannot be written to the per-run AWS files`);
  }
}

function checkValue(section: string, key: string, value: string): void {
  // The message names the setting, never the value: it may be a secret.
  if (/[\r\n]/.test(value) || /(^|\s)[;#]/.test(value) || value.trim() !== value) {
    throw new ConfigError(`section "${section}": the value of "${key}" cannot be written to the per-run AWS files (newline, comment or padding)`);
  }
}

/** One INI section; dotted keys become sub-sections (`s3 =` then indented `max_concurrent_requests = 10`). */
function sectionText(header: string, label: string, entries: [string, string][]): string {
  const top: string[] = [];
  const subs = new Map<string, string[]>();
  for (const [key, value] of entries) {
    if (value === '') continue; // the SDK never yields one: an empty value opens a sub-section
    checkValue(label, key, value);
    const dot = key.indexOf('.');
    if (dot > 0 && dot < key.length - 1) {
      const sub = key.slice(0, dot);
      const rest = key.slice(dot + 1);
      checkKey(label, sub);
      checkKey(label, rest);
      subs.set(sub, [...(subs.get(sub) ?? []), `  ${rest} = ${value}`]);
    } else {
      checkKey(label, key);
      top.push(`${key} = ${value}`);
    }
  }
  const lines = [`[${header}]`, ...top];
  for (const [sub, subLines] of subs) lines.push(`${sub} =`, ...subLines);
  return lines.join('\n') + '\n';
}

const hasKeys = (s: ProfileSection): boolean => KEY_FIELDS.some((k) => Object.hasOwn(s, k));

function safeChain(files: AwsFiles, profile: string): ResolvedHop[] | undefined {
  try {
    return resolveChain(files, profile);
  } catch (e) {
    if (e instanceof ConfigError) return undefined; // a loop: left out, terraform does not use it
    throw e;
  }
}

/** Which profiles go in (see the header comment), in the order of the user's files. */
export function selectProfiles(plan: MaterialPlan, files: AwsFiles): { profiles: string[]; keyRoots: Set<string> } {
  // A 'missing' hop may still be a section (a profile with only a region): it goes in if it exists.
  const exists = (p: string) => profileSection(files, p) !== undefined;
  const used = new Set<string>();
  /** Static roots whose keys (or session) the run uses. */
  const keyRoots = new Set<string>(plan.devices.map((d) => d.rootProfile));
  for (const tp of plan.targets) {
    // A block with its own files is in only when served (own credentials files: its profiles come from the per-run config).
    if (tp.action === 'unmanaged' || (hasOwnSharedFiles(tp.target) && tp.action !== 'mfa')) continue;
    for (const hop of tp.chain) if (exists(hop.profile)) used.add(hop.profile);
    const root = tp.chain[tp.chain.length - 1];
    if (root?.kind === 'static') keyRoots.add(root.profile);
  }
  const include = new Set(used);
  for (const name of profileNames(files)) {
    if (include.has(name)) continue;
    const section = profileSection(files, name)!;
    if (hasKeys(section)) continue;
    const chain = safeChain(files, name);
    if (!chain) continue;
    const root = chainRoot(chain);
    if (root.kind === 'static' && !keyRoots.has(root.profile)) continue;
    for (const hop of chain) if (exists(hop.profile)) include.add(hop.profile);
  }
  return { profiles: profileNames(files).filter((n) => include.has(n)), keyRoots };
}

/**
 * What of a plan the files are made from, and all the plan memo keeps of one
 * (memo.ts): each target's action, chain and own shared files; each device's
 * id and root profile (not its key source, which may hold a secret key).
 */
export interface MaterialPlan {
  targets: readonly (Pick<TargetPlan, 'action' | 'chain'> & { target: Pick<AuthTarget, 'sharedConfigFiles' | 'sharedCredentialsFiles'> })[];
  devices: readonly Pick<MfaDevice, 'id' | 'rootProfile'>[];
  childEnvironment: AuthPlan['childEnvironment'];
}

export function generateFiles(
  plan: MaterialPlan,
  files: AwsFiles,
  sessions: Map<string, SessionCredentials>,
): GeneratedFiles {
  const sessionOf = new Map<string, SessionCredentials>();
  for (const device of plan.devices) {
    const session = sessions.get(device.id);
    if (!session) throw new Error(`no session for MFA device ${device.id}`);
    sessionOf.set(device.rootProfile, session);
  }
  const { profiles } = selectProfiles(plan, files);
  // Roots whose session a block with its own credentials files needs: it reads the per-run config only, so the
  // session is also there, under a profile of its own that those files do not have (plan.ts: planOwnCredentials),
  // and the roles sourced from the root take it from there.
  const inConfig = new Set(plan.targets.filter((tp) => tp.action === 'mfa' && hasOwnSharedFiles(tp.target)).map((tp) => chainRoot(tp.chain).profile));

  const served = (name: string): boolean => {
    if (sessionOf.has(name)) return true;
    const chain = safeChain(files, name);
    const root = chain && chainRoot(chain);
    return root !== undefined && sessionOf.has(root.profile);
  };

  const config: string[] = [];
  const credentials: string[] = [];
  const ssoSessions = new Set<string>();
  const services = new Set<string>();
  for (const name of profiles) {
    checkName(name, 'profile');
    const section: ProfileSection = { ...profileSection(files, name)! };
    const session = sessionOf.get(name);
    if (session) {
      // The session replaces whatever answered for the device: keys, a
      // credential_process (never run by terraform), a credential_source.
      const fromCredentialSource = Boolean(section.credential_source);
      for (const k of [...KEY_FIELDS, ...SOURCE_FIELDS]) delete section[k];
      // A role that took its credentials from credential_source now takes them from the session on itself.
      if (fromCredentialSource && section.role_arn) section.source_profile = name;
      section.aws_access_key_id = session.accessKeyId;
      section.aws_secret_access_key = session.secretAccessKey;
      section.aws_session_token = session.sessionToken;
    }
    if (served(name)) for (const k of MFA_FIELDS) delete section[k];
    if (section.source_profile !== undefined && section.source_profile !== name && inConfig.has(section.source_profile) && sessionOf.has(section.source_profile)) {
      section.source_profile = sessionProfileFor(section.source_profile);
    }
    if (section.sso_session) ssoSessions.add(section.sso_session);
    if (section.services) services.add(section.services);

    const keys = Object.entries(section).filter(([k]) => (KEY_FIELDS as readonly string[]).includes(k));
    const settings = Object.entries(section).filter(([k]) => !(KEY_FIELDS as readonly string[]).includes(k));
    if (settings.length > 0) {
      config.push(sectionText(name === 'default' ? 'default' : `profile ${name}`, `profile ${name}`, settings));
    }
    if (keys.length > 0) credentials.push(sectionText(name, name, keys));
  }
  for (const root of inConfig) {
    const session = sessionOf.get(root);
    if (!session) continue;
    const name = sessionProfileFor(root);
    checkName(name, 'profile');
    config.push(sectionText(`profile ${name}`, `profile ${name}`, [['aws_access_key_id', session.accessKeyId], ['aws_secret_access_key', session.secretAccessKey], ['aws_session_token', session.sessionToken]]));
  }
  for (const name of ssoSessions) {
    if (!Object.hasOwn(files.ssoSessions, name)) continue;
    checkName(name, 'sso-session');
    config.push(sectionText(`sso-session ${name}`, `sso-session ${name}`, Object.entries(files.ssoSessions[name]!)));
  }
  for (const name of services) {
    const header = `services ${name}`;
    if (!Object.hasOwn(files.otherSections, header)) continue;
    checkName(name, 'services');
    config.push(sectionText(header, header, Object.entries(files.otherSections[header]!)));
  }
  const head = '# Written by tfw for one run; removed when the run ends.\n';
  return { config: head + config.join('\n'), credentials: head + credentials.join('\n'), environment: plan.childEnvironment };
}
