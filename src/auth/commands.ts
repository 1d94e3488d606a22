// What each `tfw auth` command does, given its parsed options. yargs wiring
// lives in main.ts; the pipeline stages live in prepare.ts and run.ts.
import { quote } from 'shell-quote';
import { analyzeWithEnvironment } from '../env-args.ts';
import { cacheDir } from '../aws/cache.ts';
import { clearSessions, listSessions, openSessions } from '../aws/session-api.ts';
import type { StsCallError } from '../aws/sts.ts';
import { loadAwsFiles, loadFilesForTargets, profileNames, profileSection } from '../aws/files.ts';
import { decideAuth, planAuth } from '../aws/plan.ts';
import { describeImpossible } from '../aws/decisions.ts';
import { isRejectedSession } from '../aws/sessions.ts';
import type { AuthPlan, MfaDevice, SessionCredentials } from '../aws/types.ts';
import type { Deps } from '../deps.ts';
import { isTfwError, TfwError } from '../errors.ts';
import { closest } from './args.ts';
import type { AuthTarget } from '../model.ts';
import { formatLeft, materialize, obtainRunSessions, planRun, type RunPlan } from '../prepare.ts';
import { runWithFiles, passThrough } from '../run.ts';
import { explainJson, explainText, type CacheState, type DeviceLookup, type Style } from './explain.ts';
import { ENVIRONMENT_KEYS } from '../aws/plan.ts';
import { environmentKeys, profileFromEnv } from '../aws/environment.ts';
import { chainRoot, resolveChain } from '../aws/chains.ts';
import type { LongTermKeys } from '../aws/types.ts';
import { roleAssumption, type RoleHop } from '../aws/kinds/role.ts';

// Commands an auth command can be asked to read the module as (`tfw auth explain init -backend-config=…`).
const COMMANDS = new Set(['init', 'plan', 'apply', 'destroy', 'refresh', 'import', 'console', 'output', 'state', 'workspace', 'show', 'taint', 'untaint', 'force-unlock', 'test']);

/**
 * Terraform-style arguments given to an auth command, read as `terraform plan
 * ARGS` would be, or as `terraform CMD ARGS` when they start with a command.
 */
export function asPlanArgs(terraformArgs: readonly string[], env: Deps['env']) {
  // Global options (-chdir) go before the command, the rest after it.
  const globals = terraformArgs.filter((a) => a.startsWith('-chdir=') || a.startsWith('--chdir='));
  const rest = terraformArgs.filter((a) => !globals.includes(a));
  const command = rest[0] !== undefined && COMMANDS.has(rest[0]) ? [] : ['plan'];
  return analyzeWithEnvironment([...globals, ...command, ...rest], env);
}

/** The session API every auth command uses (the run's, session-api.ts). */
const sessionsFor = (command: string, deps: Deps) => openSessions({ env: deps.env, command, now: deps.now, secrets: deps.context.secrets });

async function cacheStates(plan: AuthPlan, deps: Deps): Promise<Map<string, CacheState>> {
  const api = await sessionsFor('plan', deps);
  const states = new Map<string, CacheState>();
  for (const d of plan.devices) {
    const s = await api.inspect(d);
    states.set(d.id, s.state === 'missing' || s.state === 'disabled' ? { state: s.state } : { state: s.state, expiresAt: s.expiresAt });
  }
  return states;
}

/**
 * The long-term identities worth a device lookup: those that run terraform
 * with no MFA device named (action none), else the default identity.
 */
function lookupCandidates(runPlan: RunPlan, env: Deps['env']): Array<{ identity: string; keys?: LongTermKeys; why?: string }> {
  const keysOf = (profile: string): LongTermKeys | undefined => {
    const s = profileSection(runPlan.awsFiles, profile);
    return s?.aws_access_key_id && s.aws_secret_access_key && !s.aws_session_token
      ? { accessKeyId: s.aws_access_key_id, secretAccessKey: s.aws_secret_access_key }
      : undefined;
  };
  const exported = environmentKeys(env);
  const fromEnvironment = () =>
    exported.kind === 'long-term'
      ? { identity: ENVIRONMENT_KEYS, keys: { accessKeyId: exported.accessKeyId, secretAccessKey: exported.secretAccessKey } }
      : { identity: ENVIRONMENT_KEYS, why: 'session keys exported in the environment have no MFA device of their own' };
  const found = new Map<string, { identity: string; keys?: LongTermKeys; why?: string }>();
  for (const t of runPlan.plan.targets) {
    if (t.action !== 'none') continue;
    if (t.profile === ENVIRONMENT_KEYS) found.set(ENVIRONMENT_KEYS, fromEnvironment());
    const root = t.chain[t.chain.length - 1];
    const keys = root?.kind === 'static' ? keysOf(root.profile) : undefined;
    if (root && keys) found.set(root.profile, { identity: root.profile, keys });
  }
  if (found.size > 0) return [...found.values()];
  if (exported.kind !== 'none') return [fromEnvironment()];
  const profile = profileFromEnv(env);
  let root: string | undefined;
  try {
    root = chainRoot(resolveChain(runPlan.awsFiles, profile)).profile;
  } catch {
    root = undefined;
  }
  const keys = root === undefined ? undefined : keysOf(root);
  return [keys ? { identity: root!, keys } : { identity: profile, why: `profile "${profile}" does not end in long-term keys` }];
}

async function findDevices(runPlan: RunPlan, deps: Deps): Promise<DeviceLookup[]> {
  const { listOwnMfaDevices } = await import('../aws/iam.ts');
  return Promise.all(
    lookupCandidates(runPlan, deps.env).map(async (c): Promise<DeviceLookup> => {
      if (!c.keys) return { identity: c.identity, devices: [], problem: c.why ?? 'no long-term keys' };
      const r = await listOwnMfaDevices(c.keys, deps.env);
      return { identity: c.identity, devices: r.serials, ...(r.problem ? { problem: r.problem } : {}) };
    }),
  );
}

export async function explain(terraformArgs: readonly string[], json: boolean, style: Style, deps: Deps, findDevice = false): Promise<number> {
  // explain shows unknown settings itself: no note lines on top.
  const runPlan = await planRun(asPlanArgs(terraformArgs, deps.env), { ...deps, log: { ...deps.log, note: () => {} } });
  const shape = explainJson({
    moduleDir: runPlan.moduleDir,
    module: runPlan.module,
    plan: runPlan.plan,
    cache: await cacheStates(runPlan.plan, deps),
    envCode: Boolean(deps.env.TFW_MFA_CODE),
    ...(findDevice ? { deviceLookup: await findDevices(runPlan, deps) } : {}),
  });
  deps.out(json ? `${JSON.stringify(shape, null, 2)}\n` : explainText(shape, deps.now(), style));
  return 0;
}

/** A target standing for "whatever uses profile P", for commands run without a module. */
function profileTarget(profile: string | undefined): AuthTarget {
  return {
    kind: 'provider',
    name: profile ? `profile ${profile}` : 'default profile',
    source: { file: '(command line)', line: 0 },
    ...(profile ? { profile } : {}),
    assumeRoles: [],
    staticCredentials: false,
    webIdentity: false,
    unknowns: [],
  };
}

export async function planForProfiles(profiles: Array<string | undefined>, deps: Deps): Promise<RunPlan> {
  const targets = profiles.map(profileTarget);
  const { defaults, filesFor } = await loadFilesForTargets(targets, deps.env);
  return {
    moduleDir: deps.cwd,
    module: { targets, problems: [] },
    awsFiles: defaults,
    plan: planAuth(targets, filesFor, deps.env),
  };
}

/** Every profile of the user's config that needs MFA, each planned on its own (one bad profile does not stop the others). */
async function planAllDevices(deps: Deps): Promise<{ devices: MfaDevice[]; profiles: string[] }> {
  const files = await loadAwsFiles({ env: deps.env });
  const devices = new Map<string, MfaDevice>();
  const profiles: string[] = [];
  for (const name of profileNames(files)) {
    // The files read once: re-reading them per profile was quadratic (a 10 MB config never finished).
    const { plan, impossible } = decideAuth([profileTarget(name)], () => files, deps.env);
    for (const i of impossible) deps.log.debug(`profile ${name}: ${describeImpossible(i)}`);
    if (impossible.length > 0) continue;
    if (plan.devices.length > 0) profiles.push(name);
    for (const d of plan.devices) {
      const known = devices.get(d.id);
      if (known) known.targets.push(...d.targets);
      else devices.set(d.id, { ...d, targets: [...d.targets] });
    }
  }
  return { devices: [...devices.values()], profiles };
}

export interface LoginOptions {
  terraformArgs: readonly string[];
  profile?: string;
  allDevices: boolean;
  force: boolean;
  /** --duration was given (it reaches the sessions through TFW_SESSION_DURATION). */
  durationGiven?: boolean;
}

/** "did you mean" for a profile name. */
function nearestProfile(files: Parameters<typeof profileNames>[0], name: string): string {
  const near = closest(name, profileNames(files));
  return near ? `; did you mean ${near}?` : '';
}

/** How to log in to the MFA profiles of the config, when the one asked about needs none. */
async function otherProfilesHint(deps: Deps): Promise<string> {
  const { profiles } = await planAllDevices(deps);
  if (profiles.length === 0) return 'no profile in the AWS config needs MFA';
  const shown = profiles.slice(0, 8).join(', ') + (profiles.length > 8 ? `, and ${profiles.length - 8} more` : '');
  return `profiles with an MFA device: ${shown}: \`tfw auth login --profile ${profiles[0]}\`, or \`tfw auth login --all-devices\``;
}

export async function login(options: LoginOptions, deps: Deps): Promise<number> {
  let devices: MfaDevice[];
  /** The profile logged in to when there is no module (named, or AWS_PROFILE / default). */
  let profile: string | undefined;
  if (options.allDevices) devices = (await planAllDevices(deps)).devices;
  else if (options.profile !== undefined) {
    const runPlan = await planForProfiles([options.profile], deps);
    if (profileSection(runPlan.awsFiles, options.profile) === undefined) {
      throw new TfwError(`auth login: profile ${options.profile} is not in the AWS config or credentials files${nearestProfile(runPlan.awsFiles, options.profile)} (${profileList(runPlan.awsFiles)})`);
    }
    devices = runPlan.plan.devices;
    profile = options.profile;
  } else {
    const runPlan = await planRun(asPlanArgs(options.terraformArgs, deps.env), deps);
    devices = runPlan.plan.devices;
    // No module here (or none needing MFA): the devices of AWS_PROFILE / default.
    if (runPlan.module.targets.length === 0) {
      const own = await planForProfiles([undefined], deps);
      profile = profileFromEnv(deps.env);
      if (environmentKeys(deps.env).kind === 'none' && profileSection(own.awsFiles, profile) === undefined) {
        const named = deps.env.AWS_PROFILE ? `AWS_PROFILE=${deps.env.AWS_PROFILE}` : deps.env.AWS_DEFAULT_PROFILE ? `AWS_DEFAULT_PROFILE=${deps.env.AWS_DEFAULT_PROFILE}` : undefined;
        if (named) throw new TfwError(`auth login: ${named} names no profile of the AWS config or credentials files${nearestProfile(own.awsFiles, profile)} (${profileList(own.awsFiles)})`);
        throw new TfwError(`auth login: no module here, no AWS_PROFILE and no [default] profile: nothing to log in to; ${await otherProfilesHint(deps)}`);
      }
      devices = own.plan.devices;
    }
  }
  if (devices.length === 0) {
    if (profile !== undefined) deps.out(`Profile ${profile} needs no MFA device: nothing to log in to; ${await otherProfilesHint(deps)}.\n`);
    else deps.out('No MFA device needed: nothing to log in to.\n');
    return 0;
  }
  if (options.force) {
    const api = await sessionsFor('login', deps);
    for (const d of devices) await api.drop(d);
  }
  const cached = await cachedSessions(devices, deps);
  const sessions = await obtainRunSessions({ devices }, 'login', deps);
  // A session from the cache is asked to STS once (login is where a network call is expected):
  // one STS no longer honours (expired by its clock, revoked) is dropped and obtained again.
  const rejected = await rejectedBySts(devices.filter((d) => sameSession(cached.get(d.id), sessions.get(d.id))), sessions, deps);
  if (rejected.length > 0) {
    let renewed: Map<string, SessionCredentials>;
    try {
      renewed = await obtainRunSessions({ devices: rejected }, 'login', deps);
    } catch (error) {
      // No code to be had (no terminal, no source): one line that says why one was needed.
      if (!isTfwError(error) || deps.ask !== undefined) throw error;
      throw new TfwError(`STS no longer accepts the cached MFA session of ${rejected.map((d) => d.serial).join(', ')}, and ${error.message}`, error.exitCode);
    }
    for (const [d, s] of renewed) sessions.set(d, s);
    if (deps.ask === undefined) for (const d of rejected) deps.log.warn(`STS no longer accepted the cached MFA session of ${d.serial}: replaced it`);
  }
  const now = deps.now();
  for (const d of devices) {
    const s = sessions.get(d.id)!;
    const kept = options.durationGiven && sameSession(cached.get(d.id), s) ? ' (the cached session: --duration applies to a new one; add --force)' : '';
    deps.out(`${d.serial} (profile ${d.rootProfile}): session valid until ${s.expiration.toISOString()} (${formatLeft(s.expiration.getTime() - now.getTime())} left)${kept}\n`);
  }
  return 0;
}

/** What the cache holds for each device now (nothing when the cache is off). */
async function cachedSessions(devices: readonly MfaDevice[], deps: Deps): Promise<Map<string, SessionCredentials>> {
  const out = new Map<string, SessionCredentials>();
  const api = await sessionsFor('login', deps);
  for (const d of devices) {
    const s = await api.inspect(d);
    if ('credentials' in s) out.set(d.id, s.credentials);
  }
  return out;
}

const sameSession = (a: SessionCredentials | undefined, b: SessionCredentials | undefined): boolean =>
  a !== undefined && b !== undefined && a.accessKeyId === b.accessKeyId && a.sessionToken === b.sessionToken;

/** Drops a cached session STS rejected; when a new one follows, says so (one warning) so the prompt is not a surprise. */
async function dropRejected(device: MfaDevice, error: StsCallError, deps: Deps, renewing = true): Promise<void> {
  if (renewing) deps.log.warn(`STS no longer accepts the cached MFA session of ${device.serial} (${error.message}): getting a new one`);
  await (await sessionsFor('login', deps)).drop(device);
}

/** Asks STS who each cached session is; returns the devices whose session it rejected (dropped from the cache). */
async function rejectedBySts(devices: readonly MfaDevice[], sessions: Map<string, SessionCredentials>, deps: Deps): Promise<MfaDevice[]> {
  if (devices.length === 0) return [];
  const sts = await deps.sts();
  const rejected: MfaDevice[] = [];
  for (const d of devices) {
    try {
      await sts.getCallerIdentity({ credentials: sessions.get(d.id)!, region: d.region });
    } catch (error) {
      if (!isRejectedSession(error)) {
        deps.log.warn(`could not check the cached MFA session of ${d.serial} with STS: ${(error as Error).message}`);
        continue;
      }
      // With a terminal, say why a prompt follows; without one, the failure (or success) says it.
      await dropRejected(d, error, deps, deps.ask !== undefined);
      rejected.push(d);
    }
  }
  return rejected;
}

export async function clear(device: string | undefined, deps: Deps): Promise<number> {
  const removed = await clearSessions(deps.env, device);
  if (removed.length === 0) deps.out(device ? `No cached session for ${device}.\n` : 'No cached sessions.\n');
  for (const e of removed) deps.out(`Removed the session of ${e.serial} (profile ${e.profile}${e.endpoint ? `, ${e.endpoint}` : ''}${e.backend === 'keyring' ? ', OS keyring' : ''}).\n`);
  return 0;
}

/** The account and user a virtual device's ARN names (a hardware serial names neither). */
function accountOf(serial: string): { account: string; user: string } | undefined {
  const m = /^arn:aws[\w-]*:iam::(\d+):mfa\/(.+)$/.exec(serial);
  return m ? { account: m[1]!, user: m[2]! } : undefined;
}

export async function status(json: boolean, deps: Deps): Promise<number> {
  const entries = await listSessions(deps.env);
  const now = deps.now().getTime();
  if (json) {
    deps.out(
      `${JSON.stringify(
        {
          version: 1,
          cacheDir: cacheDir(deps.env),
          sessions: entries.map((e) => ({
            device: e.serial,
            account: accountOf(e.serial)?.account ?? null,
            user: accountOf(e.serial)?.user ?? null,
            profile: e.profile,
            endpoint: e.endpoint || null,
            obtainedAt: e.obtainedAt.toISOString(),
            expiresAt: e.expiration.toISOString(),
            valid: e.expiration.getTime() > now,
            backend: e.backend,
          })),
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (entries.length === 0) {
    deps.out(`No cached sessions in ${cacheDir(deps.env)}.\n`);
    return 0;
  }
  for (const e of entries) {
    const left = e.expiration.getTime() - now;
    const account = accountOf(e.serial);
    const who = account ? `account ${account.account}, ${account.user}` : e.serial;
    deps.out(`${e.serial}  (${who}; profile ${e.profile}${e.endpoint ? `; ${e.endpoint}` : ''}${e.backend === 'keyring' ? '; OS keyring' : ''})  ${left > 0 ? `valid until ${e.expiration.toISOString()}, ${formatLeft(left)} left` : 'expired'}\n`);
  }
  return 0;
}

/** The first `--profile X` / `--profile=X` in a command's own arguments (the aws CLI's convention). */
export function commandProfile(args: readonly string[]): string | undefined {
  for (const [i, a] of args.entries()) {
    if (a === '--profile') return args[i + 1];
    if (a.startsWith('--profile=')) return a.slice('--profile='.length);
  }
  return undefined;
}

/** Where `file` runs from: a path as given, else the first executable on PATH; undefined when none. */
export async function findExecutable(file: string, env: Deps['env'], cwd: string): Promise<string | undefined> {
  const { access, stat } = await import('node:fs/promises');
  const { constants } = await import('node:fs');
  const { delimiter, join, resolve } = await import('node:path');
  const runnable = async (p: string): Promise<boolean> => {
    try {
      await access(p, constants.X_OK);
      return (await stat(p)).isFile();
    } catch {
      return false;
    }
  };
  if (file.includes('/')) return (await runnable(resolve(cwd, file))) ? file : undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const p = join(dir === '' ? '.' : resolve(cwd, dir), file);
    if (await runnable(p)) return p;
  }
  return undefined;
}

/**
 * What `exec` adds to the command's environment: AWS_PROFILE (the profile
 * asked for), its region in AWS_REGION / AWS_DEFAULT_REGION unless set, and
 * TFW_PROFILE saying which profile the command runs as. Pure.
 */
export function execEnvironment(env: Deps['env'], profile: string, region: string | undefined, explicit: boolean): Deps['env'] {
  const out: Record<string, string | undefined> = { ...env, TFW_PROFILE: profile };
  if (explicit) {
    out.AWS_PROFILE = profile;
    delete out.AWS_DEFAULT_PROFILE;
  }
  if (region !== undefined && region !== '' && !env.AWS_REGION && !env.AWS_DEFAULT_REGION) {
    out.AWS_REGION = region;
    out.AWS_DEFAULT_REGION = region;
  }
  return out;
}

/** The region a command run as `profile` should use: the profile's, else [default]'s (aws-vault's rule), else the region tfw used for its device. */
function execRegion(runPlan: RunPlan, profile: string): string | undefined {
  return profileSection(runPlan.awsFiles, profile)?.region || profileSection(runPlan.awsFiles, 'default')?.region || runPlan.plan.devices[0]?.region || undefined;
}

/** `tfw auth exec [--profile P] [-chdir=DIR] -- CMD ARGS…`: CMD runs as P, with the per-run files behind it. */
export async function exec(terraformArgs: readonly string[], command: readonly string[], profile: string | undefined, deps: Deps): Promise<number> {
  const [file, ...args] = command;
  if (file === undefined) throw new TfwError('auth exec: no command given (tfw auth exec [--profile P] -- CMD ARGS…)', 2);
  const effective = profile ?? profileFromEnv(deps.env);
  // `exec -- aws … --profile prod`: the command would use a profile tfw did not prepare, and botocore would prompt.
  const named = commandProfile(args);
  if (named !== undefined && named !== effective) {
    throw new TfwError(`auth exec: ${file} is given --profile ${named}, but tfw prepares ${profile === undefined ? `AWS_PROFILE (${effective})` : `profile ${effective}`}: name it to tfw: tfw auth exec --profile ${quote([named])} -- ${quote(command as string[])}`, 2);
  }
  if ((await findExecutable(file, deps.env, deps.cwd)) === undefined) {
    throw new TfwError(`auth exec: ${file}: ${file.includes('/') ? 'no such executable file' : 'command not found on PATH'}`, 127);
  }
  let runPlan = profile !== undefined ? await planForProfiles([profile], deps) : await planRun(asPlanArgs(terraformArgs, deps.env), deps);
  // Outside a module (a script, the aws CLI): the profile of AWS_PROFILE / default, as login does.
  if (profile === undefined && runPlan.module.targets.length === 0) {
    runPlan = await planForProfiles([undefined], deps);
    const named = deps.env.AWS_PROFILE ? 'AWS_PROFILE' : deps.env.AWS_DEFAULT_PROFILE ? 'AWS_DEFAULT_PROFILE' : undefined;
    if (named && environmentKeys(deps.env).kind === 'none' && profileSection(runPlan.awsFiles, effective) === undefined) {
      throw new TfwError(`auth exec: ${named}=${effective} names no profile of the AWS config or credentials files${nearestProfile(runPlan.awsFiles, effective)} (${profileList(runPlan.awsFiles)})`);
    }
  }
  if (profile !== undefined && profileSection(runPlan.awsFiles, profile) === undefined) {
    throw new TfwError(`auth exec: profile ${profile} is not in the AWS config or credentials files${nearestProfile(runPlan.awsFiles, profile)} (${profileList(runPlan.awsFiles)})`, 1);
  }
  const env = execEnvironment(deps.env, effective, execRegion(runPlan, effective), profile !== undefined);
  if (runPlan.plan.devices.length === 0) {
    const why = runPlan.plan.targets.find((t) => t.action === 'unmanaged');
    if (why) deps.log.warn(`${file} runs with the AWS files as they are: ${why.reason}`);
    else deps.log.note(`profile ${effective} needs no MFA session: running ${file} with the AWS files as they are`);
    return passThrough(file, args, { ...deps, env });
  }
  const sessions = await obtainRunSessions(runPlan.plan, 'exec', deps);
  const generated = await materialize(runPlan, sessions);
  const environment = profile !== undefined && generated.environment.profile === undefined ? { ...generated.environment, profile } : generated.environment;
  return runWithFiles(file, args, { ...generated, environment }, { ...deps, env });
}

/** The profiles of the AWS files, for a message (at most ten). */
export function profileList(files: Parameters<typeof profileNames>[0]): string {
  const names = profileNames(files);
  if (names.length === 0) return 'no profiles there';
  return `profiles: ${names.slice(0, 10).join(', ')}${names.length > 10 ? `, and ${names.length - 10} more` : ''}`;
}

/** The AWS credential_process JSON (Version 1) for one set of credentials. */
export function credentialProcessJson(c: SessionCredentials): string {
  return `${JSON.stringify({ Version: 1, AccessKeyId: c.accessKeyId, SecretAccessKey: c.secretAccessKey, SessionToken: c.sessionToken, Expiration: c.expiration.toISOString() })}\n`;
}

/**
 * `tfw auth credential-process --profile P`: P's credentials from the cached
 * MFA session (assuming P's roles, root first), for any AWS SDK tool. Prompts
 * only where there is a terminal; otherwise a missing session is one line
 * telling the user to log in.
 */
export async function credentialProcess(profile: string, deps: Deps): Promise<number> {
  const runPlan = await planForProfiles([profile], deps);
  const target = runPlan.plan.targets[0]!;
  const device = runPlan.plan.devices[0];
  if (target.action !== 'mfa' || device === undefined) {
    throw new TfwError(`profile ${profile} needs no MFA session from tfw (${target.reason}); use it directly`);
  }
  const canAsk = deps.ask !== undefined || Boolean(deps.env.TFW_MFA_CODE);
  const getSession = async (): Promise<SessionCredentials> => {
    if (canAsk) return (await obtainRunSessions(runPlan.plan, 'credential-process', deps)).get(device.id)!;
    const s = await (await sessionsFor('credential-process', deps)).inspect(device);
    if (s.state !== 'valid') {
      throw new TfwError(`no valid MFA session for ${device.serial} (profile ${profile}): run \`tfw auth login --profile ${profile}\``);
    }
    return s.credentials;
  };
  // Roles from the root outward: each is assumed with the previous credentials.
  const roles = target.chain.filter((h): h is RoleHop => h.kind === 'role').reverse();
  const assumeChain = async (session: SessionCredentials, rejectedSession: (error: StsCallError) => Promise<SessionCredentials>): Promise<SessionCredentials> => {
    let credentials = session;
    const sts = roles.length > 0 ? await deps.sts() : undefined;
    for (const [i, hop] of roles.entries()) {
      try {
        credentials = await sts!.assumeRole({ credentials, ...roleAssumption(hop, deps.now()), region: device.region });
        deps.context.secrets.remember(credentials.secretAccessKey);
        deps.context.secrets.remember(credentials.sessionToken);
      } catch (error) {
        // The first hop is made with the MFA session itself: a rejection there is the session's.
        if (i === 0 && isRejectedSession(error)) return rejectedSession(error);
        throw new TfwError(`cannot assume ${hop.roleArn} for profile ${hop.profile} with the MFA session of ${device.serial}: ${(error as Error).message}`);
      }
    }
    return credentials;
  };
  const cached = (await cachedSessions([device], deps)).get(device.id);
  const session = await getSession();
  const credentials = await assumeChain(session, async (error) => {
    // Only a session from the cache gets a second chance: a new one STS refuses at once is not the cache's fault.
    if (!sameSession(cached, session)) throw new TfwError(`STS refused the new MFA session of ${device.serial} (profile ${profile}): ${error.message}`);
    await dropRejected(device, error, deps, canAsk);
    if (!canAsk) throw new TfwError(`STS no longer accepts the cached MFA session of ${device.serial} (profile ${profile}): run \`tfw auth login --profile ${profile}\``);
    return assumeChain(await getSession(), async (again) => {
      throw new TfwError(`STS refused the new MFA session of ${device.serial} (profile ${profile}): ${again.message}`);
    });
  });
  deps.out(credentialProcessJson(credentials));
  return 0;
}
