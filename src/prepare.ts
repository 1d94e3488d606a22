// From terraform's argv to an auth plan, and from a plan to the per-run files.
// The stages are wired here; each lives in its own module. This whole module
// is only reached on credentialed paths (cli.ts → lazy.ts), so the stages are
// imported statically: one chunk to load, not a waterfall of small ones. What
// only a cache miss needs (the AWS SDK, prompts, the lock) stays lazy inside
// the stages.
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError, isTfwError } from './errors.ts';
import type { TerraformArgs } from './argv.ts';
import type { Deps } from './deps.ts';
import type { ModuleAuth } from './model.ts';
import type { AuthPlan, AwsFiles, GeneratedFiles, MfaDevice, SessionCredentials } from './aws/types.ts';
import { sessionSettings, stsEndpoint } from './settings.ts';
import { readModuleAuth } from './terraform/index.ts';
import { terraformStopsOn } from './terraform/problems.ts';
import { loadFilesForTargets } from './aws/files.ts';
import { planAuth } from './aws/plan.ts';
import * as sessions from './aws/sessions.ts';
import * as codes from './aws/codes.ts';
import { cacheDir } from './aws/cache.ts';
import { openSessions, type Freshness, type SessionApi } from './aws/session-api.ts';
import { generateFiles } from './aws/materialize.ts';
import { keySources } from './aws/sources.ts';
import { recording } from './inputs.ts';
import { formatLeft } from './sessionnote.ts';

export { formatLeft, sessionNote } from './sessionnote.ts';

const AUTH_ATTRIBUTE = /^(profile|assume_role|role_arn|shared_(config|credentials)_files?|access_key|secret_key|for_each)/;

export interface RunPlan {
  moduleDir: string;
  module: ModuleAuth;
  awsFiles: AwsFiles;
  plan: AuthPlan;
}

/**
 * The directory terraform works in after -chdir. Its -chdir is os.Chdir: the
 * kernel resolves a `..` after a symlink physically (the parent of the link's
 * target), where path.resolve drops `link/..` lexically. When the two name
 * different directories, the kernel's is terraform's.
 */
export function moduleDirFor(args: Pick<TerraformArgs, 'chdir'>, cwd: string): string {
  if (args.chdir === undefined) return cwd;
  const lexical = isAbsolute(args.chdir) ? args.chdir : resolve(cwd, args.chdir);
  if (!args.chdir.split('/').includes('..')) return lexical;
  const rec = recording();
  rec?.realpath(isAbsolute(args.chdir) ? args.chdir : `${cwd}/${args.chdir}`, true);
  rec?.realpath(lexical, true);
  try {
    const physical = realpathSync.native(isAbsolute(args.chdir) ? args.chdir : `${cwd}/${args.chdir}`);
    return physical === realpathSync.native(lexical) ? lexical : physical;
  } catch {
    return lexical; // not there: terraform stops at it (run.ts), whichever way it is read
  }
}

/** Reads the root module and the AWS files, and plans who needs which MFA device. No network, no prompt. */
export async function planRun(args: TerraformArgs, deps: Deps): Promise<RunPlan> {
  const moduleDir = moduleDirFor(args, deps.cwd);
  const module = await readModuleAuth({
    dir: moduleDir,
    cwd: deps.cwd,
    env: deps.env,
    vars: args.vars,
    backendConfig: args.backendConfig,
    command: args.command ?? '',
  });
  // A profile or role terraform marks sensitive is used, never shown: every line tfw prints goes through the run's secrets.
  for (const t of module.targets) for (const v of t.sensitiveValues ?? []) deps.context.secrets.remember(v);
  for (const problem of module.problems) {
    // What terraform will report itself is its to say (run.ts lets it); what only tfw meets (a file too big for it) is tfw's.
    const line = `could not read ${problem.source.file}:${problem.source.line}: ${problem.message}`;
    if (terraformStopsOn(problem.reason)) deps.log.debug(`${line} (terraform will report it)`);
    else deps.log.warn(line);
  }
  // init, output, state…: only the backend is configured; test: only the providers.
  const scope = args.credentialScope;
  const targets = module.targets.filter((t) => (scope === 'backend' ? t.kind === 'backend' : scope === 'providers' ? t.kind === 'provider' : true));
  if (targets.length < module.targets.length) deps.log.debug(`${args.command} configures only the ${scope}: the others are left out of the plan`);
  for (const target of targets) {
    for (const u of target.unknowns) {
      // A role ARN needs no guess: tfw serves the identity that assumes it, whatever it is.
      const then = /(^|\.)role_arn$/.test(u.attribute) ? 'terraform computes it; tfw serves the identity that assumes it' : "assuming terraform's default";
      const line = `${target.name}: cannot evaluate ${u.attribute} at ${u.source.file}:${u.source.line} (${u.reason}); ${then}`;
      // Only what decides the credentials deserves the user's attention.
      if (AUTH_ATTRIBUTE.test(u.attribute)) deps.log.note(line);
      else deps.log.debug(line);
    }
  }
  const { defaults: awsFiles, filesFor } = await loadFilesForTargets(targets, deps.env);
  // An unreadable AWS file reads as empty: said once, inside the error when that is why planning fails.
  const fileProblems = [...new Set([awsFiles, ...targets.map(filesFor)].flatMap((f) => f.problems ?? []))];
  let plan: AuthPlan;
  try {
    plan = planAuth(targets, filesFor, deps.env);
  } catch (e) {
    if (isTfwError(e) && fileProblems.length > 0) throw new ConfigError(`${e.message}; note: ${fileProblems.join('; ')}`);
    throw e;
  }
  for (const line of fileProblems) deps.log.warn(line);
  for (const t of plan.targets) {
    deps.log.debug(`${t.target.name}: profile ${t.profile}: ${t.action} (${t.reason})`);
    // It will fail with terraform's MFA error: say why before it does.
    if (t.action === 'unmanaged' && t.mfaSerial) deps.log.warn(`${t.target.name} (${t.target.source.file}:${t.target.source.line}): ${t.reason}`);
  }
  return { moduleDir, module, awsFiles, plan };
}

/** `90m` → `1h30m`, `3600` → `1h`: a duration as people write it. */
export function formatDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${m > 0 ? `${String(m).padStart(2, '0')}m` : ''}` : `${m}m`;
}

/** Why a prompt asks although a session is cached: expired, or too short for this command (the margin, and its cap, said). */
export function describeRenewal(state: Freshness, leftMs: number, command: string | undefined, settings: ReturnType<typeof sessionSettings>): string | undefined {
  if (state === 'valid') return undefined;
  if (state === 'expired') return 'the cached session has expired';
  const { setting, requestedSeconds, capped } = settings.margin;
  const cap = capped ? `${setting}=${formatDuration(requestedSeconds)}, capped at half the ${formatDuration(settings.durationSeconds)} session` : setting;
  return `the cached session has ${formatLeft(leftMs)} left; ${command || 'this run'} needs ${formatDuration(settings.marginSeconds)} (${cap})`;
}

async function whyPrompt(device: MfaDevice, command: string | undefined, settings: ReturnType<typeof sessionSettings>, api: SessionApi, deps: Deps): Promise<string | undefined> {
  try {
    const s = await api.inspect(device);
    if (!('expiresAt' in s)) return undefined;
    return describeRenewal(s.state, s.expiresAt.getTime() - deps.now().getTime(), command, settings);
  } catch {
    return undefined;
  }
}

/** The MFA sessions of every device in the plan: cache first, then a code and STS. */
export async function obtainRunSessions(plan: Pick<AuthPlan, 'devices'>, command: string | undefined, deps: Deps): Promise<Map<string, SessionCredentials>> {
  const settings = sessionSettings(deps.env, command);
  const api = await openSessions({ env: deps.env, command, now: deps.now, secrets: deps.context.secrets, onWarn: (m) => deps.log.warn(m), onFallback: (why) => deps.log.debug(`session cache: not the OS keyring (${why}); files in ${cacheDir(deps.env)}`) });
  let spinner: { done(): void } | undefined;
  const source = new codes.SerialCodeSource(
    new codes.FirstCodeSource([
      new codes.EnvCodeSource(deps.env.TFW_MFA_CODE, plan.devices[0]?.id),
      new codes.ProcessCodeSource(deps.runProcess),
      new codes.PromptCodeSource(deps.ask, api.store ? (device) => whyPrompt(device, command, settings, api, deps) : undefined, () => {
        // The progress line of an earlier STS call goes before the prompt is drawn, never into it.
        spinner?.done();
        spinner = undefined;
      }),
    ]),
  );
  const mfa = sessions.mfaSessionProvider({
    sts: deps.sts,
    keys: keySources(deps.runProcess, deps.context.secrets),
    codes: source,
    durationSeconds: settings.durationSeconds,
    log: deps.log,
    secrets: deps.context.secrets,
    onCall: (device) => {
      spinner ??= deps.progress(`getting an MFA session for ${device.serial}`);
    },
  });
  const provider = api.store
    ? sessions.cachedSessionProvider(mfa, {
        cache: api.store,
        endpoint: stsEndpoint(deps.env),
        marginSeconds: settings.marginSeconds,
        now: deps.now,
        log: deps.log,
      })
    : mfa;
  try {
    return await sessions.obtainSessions(plan.devices, provider, deps.context.secrets);
  } finally {
    spinner?.done();
  }
}

export async function materialize(runPlan: RunPlan, sessions: Map<string, SessionCredentials>): Promise<GeneratedFiles> {
  return generateFiles(runPlan.plan, runPlan.awsFiles, sessions);
}
