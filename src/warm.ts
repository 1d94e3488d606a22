// A credentialed run whose plan the memo holds (memo.ts) and whose MFA
// sessions are all cached and fresh — or one the memo says runs terraform
// untouched (no MFA needed, terraform will refuse it): no reading, no
// evaluating, no planning, and none of that code loaded. The build makes this its own small bundle
// (dist/lazy/warm.cjs), which cli.ts tries before the lazy one; whenever
// anything is not as the memo says, it answers "not for me" before it has
// done anything a user could see, and the full path (run.ts) runs instead.
//
// Like lazy.ts, what crosses back to cli.ts is an Outcome, never an error of
// this bundle's own.
import type { TerraformArgs } from './argv.ts';
import type { Deps } from './deps.ts';
import { outcomeOf, type Outcome } from './errors.ts';
import { stillHolds } from './inputs.ts';
import { readMemo, type PlanMemo, type RunMemo } from './memo.ts';
import { passThrough, runWithFiles } from './runwith.ts';
import { sessionNote } from './sessionnote.ts';
import { stsEndpoint } from './settings.ts';
import { loadAwsFiles } from './aws/files.ts';
import { withEnvironmentProfile } from './aws/environment.ts';
import { generateFiles } from './aws/materialize.ts';
import { freshness, openSessions } from './aws/session-api.ts';
import { cacheDir } from './aws/cache.ts';
import type { GeneratedFiles, SessionCredentials } from './aws/types.ts';

/** The code cache's hook (src/codecache.ts): present when this runs as the built bundle. */
declare const __tfwCodeCache: { used(): void } | undefined;

/** The sessions of the memo's devices, when every one is cached with more than the margin left. */
async function cachedSessions(memo: RunMemo, deps: Deps): Promise<Map<string, SessionCredentials> | undefined> {
  const api = await openSessions({
    env: deps.env,
    command: memo.command,
    now: deps.now,
    secrets: deps.context.secrets,
    onWarn: (m) => deps.log.warn(m),
    onFallback: (why) => deps.log.debug(`session cache: not the OS keyring (${why}); files in ${cacheDir(deps.env)}`),
  });
  if (!api.store) return undefined;
  const sessions = new Map<string, SessionCredentials>();
  for (const device of memo.plan.devices) {
    const read = await api.store.read({ serial: device.serial, source: [], endpoint: memo.endpoint, profile: device.rootProfile, fingerprint: device.fingerprint });
    if (read.state !== 'hit') return undefined;
    const c = read.session.credentials;
    deps.context.secrets.remember(c.secretAccessKey);
    deps.context.secrets.remember(c.sessionToken);
    if (freshness(c.expiration, deps.now(), api.marginSeconds) !== 'valid') return undefined;
    sessions.set(device.id, c);
  }
  return sessions;
}

/** The per-run files from the memo's plan, the AWS files read now (their secrets are never kept), and the sessions. */
async function filesFromMemo(memo: RunMemo, sessions: Map<string, SessionCredentials>, deps: Deps): Promise<GeneratedFiles | undefined> {
  const awsFiles = withEnvironmentProfile(await loadAwsFiles({ env: deps.env }), deps.env);
  // Read as the plan read them: no file changed between the memo's check and this read (the environment cannot).
  if (!memo.observations.every((o) => (o.k !== 'stat' && o.k !== 'lstat') || stillHolds(o, deps.env))) return undefined;
  return generateFiles(memo.plan, awsFiles, sessions);
}

const HOLDS = (memo: PlanMemo): string => `the plan of an earlier run with these arguments here still holds (${memo.observations.length} inputs read the same): not read again`;

/** What reading and planning said, said again. */
function replay(memo: PlanMemo, deps: Deps): void {
  for (const line of memo.logs) deps.log[line.level](line.message);
  deps.log.debug(HOLDS(memo));
}

/**
 * Runs terraform from the plan memo, or answers undefined (nothing printed,
 * nothing written, terraform not started) when the full path must run.
 */
export async function runFromMemo(argvOnly: TerraformArgs, terraform: string, deps: Deps): Promise<Outcome | undefined> {
  let memo: PlanMemo;
  try {
    const read = readMemo(argvOnly, deps.cwd, deps.env);
    if ('why' in read) {
      deps.log.debug(`plan memo not used: ${read.why}`);
      return undefined;
    }
    memo = read.memo;
  } catch {
    return undefined;
  }
  if (memo.pass !== undefined) {
    // No MFA needed, or terraform will refuse the run: terraform alone, environment untouched.
    replay(memo, deps);
    deps.log.debug(memo.pass);
    return outcomeOf(() => passThrough(terraform, argvOnly.argv, deps));
  }
  let sessions: Map<string, SessionCredentials> | undefined;
  let generated: GeneratedFiles | undefined;
  try {
    if (memo.endpoint !== stsEndpoint(deps.env)) return undefined;
    sessions = await cachedSessions(memo, deps);
    if (sessions === undefined) return undefined;
    generated = await filesFromMemo(memo, sessions, deps);
    if (generated === undefined) return undefined;
  } catch {
    // Whatever went wrong here, the full path meets it again and says it properly.
    return undefined;
  }
  const plan = memo;
  const files = generated;
  // The code cache is made by a run that went this far: it then holds the functions every served run calls.
  if (typeof __tfwCodeCache !== 'undefined') __tfwCodeCache.used();
  for (const value of plan.sensitive) deps.context.secrets.remember(value);
  replay(plan, deps);
  for (const device of plan.plan.devices) deps.log.debug(`cached session for ${device.serial} valid until ${sessions.get(device.id)!.expiration.toISOString()}`);
  deps.log.note(sessionNote(plan.plan, sessions, deps.now()));
  // terraform gets its arguments as they were given (it reads TF_CLI_ARGS itself).
  return outcomeOf(() => runWithFiles(terraform, argvOnly.argv, files, deps));
}
