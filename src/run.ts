// The pipeline of one terraform run (DESIGN.md "Flow"): argv → plan →
// sessions → per-run files → terraform → exit status, cleanup on every way out.
import type { TerraformArgs } from './argv.ts';
import { analyzeWithEnvironment } from './env-args.ts';
import type { Deps } from './deps.ts';
import { statSync } from 'node:fs';
import type { AuthTarget } from './model.ts';
import { terraformStopsOn } from './terraform/problems.ts';
import { materialize, moduleDirFor, obtainRunSessions, planRun, sessionNote, type RunPlan } from './prepare.ts';
import { passThrough, runWithFiles } from './runwith.ts';
import { recorded, recording, recordingEnv, type Recording } from './inputs.ts';
import { argvKey, memoDir, writeMemo, type LogLine, type NewMemo } from './memo.ts';
import { stsEndpoint } from './settings.ts';
import { fingerprint } from './aws/cache.ts';
import { sessionKeyFor } from './aws/sessions.ts';

export { passThrough, runWithFiles } from './runwith.ts';

function isDirectory(path: string): boolean {
  recording()?.node(path);
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Why terraform will stop before it uses any credential, or undefined: a
 * configuration it cannot read (a read problem whose typed reason terraform
 * stops on: a syntax error, a missing local module or -var-file…), a profile
 * that no AWS file holds, named where the SDK refuses a missing one (the
 * block's `profile`, AWS_PROFILE, a `source_profile`: "failed to get shared
 * config profile"; an implicit `default` is only skipped) on a provider its
 * module can use (terraform prunes the others). A code asked for such a run is
 * wasted. Pure: what the reader gathered and the planner decided, no I/O.
 */
export function terraformWillRefuse(
  runPlan: Pick<RunPlan, 'module' | 'plan'>,
  env: Deps['env'],
  mayBeUsed: (target: AuthTarget) => boolean = runPlan.module.mayBeUsed ?? (() => true),
): string | undefined {
  const problem = runPlan.module.problems.find((p) => terraformStopsOn(p.reason));
  if (problem) return `${problem.source.file}:${problem.source.line}: ${problem.message}`;
  for (const t of runPlan.plan.targets) {
    if (t.decision.action !== 'none' || t.decision.cause.cause !== 'profile-not-found') continue;
    // terraform prunes a provider configuration nothing uses, missing profile and all: the run goes on.
    if (!mayBeUsed(t.target)) continue;
    const inBlock = t.target.profile !== undefined && !t.target.unknowns.some((u) => u.attribute === 'profile');
    const named = inBlock || (t.target.profile === undefined && Boolean(env.AWS_PROFILE)) || t.chain.length > 1;
    if (named) return `${t.target.name}: profile "${t.decision.cause.profile}" is in no AWS file`;
  }
  return undefined;
}

/** The logger, with each line also kept (redacted) for the plan memo. */
function keepingLines(log: Deps['log'], redact: (text: string) => string, into: LogLine[]): Deps['log'] {
  const keep = (level: LogLine['level']) => (message: string) => {
    into.push({ level, message: redact(message) });
    log[level](message);
  };
  return { debug: keep('debug'), note: keep('note'), warn: keep('warn') };
}

type Planned = { pass: string; args: TerraformArgs } | { args: TerraformArgs; runPlan: RunPlan };

/** From argv to a plan, or to why terraform runs untouched. Reads through `deps` only (the recording's env, files through inputs.ts). */
async function planOrPass(argvOnly: TerraformArgs, deps: Deps): Promise<Planned> {
  const args = analyzeWithEnvironment(argvOnly.argv, deps.env);
  if (!args.needsCredentials) return { pass: 'TF_CLI_ARGS make this a command that needs no credentials: running terraform untouched', args };
  if (args.chdir !== undefined && !isDirectory(moduleDirFor(args, deps.cwd))) {
    // terraform stops at a -chdir it cannot enter ("Error handling -chdir option"), before anything else.
    return { pass: `-chdir=${args.chdir} is not a directory: running terraform untouched`, args };
  }
  const runPlan = await planRun(args, deps);
  const refused = terraformWillRefuse(runPlan, deps.env);
  // terraform stops before it needs credentials: no code to ask for, and terraform says why.
  if (refused !== undefined) return { pass: `terraform will refuse this run (${refused}): running it untouched so it can say why`, args };
  if (runPlan.plan.devices.length === 0) return { pass: 'no AWS provider or backend needs MFA: running terraform untouched', args };
  return { args, runPlan };
}

/** Keeps what this run decided for the next run with these arguments here (memo.ts), when every input it read still reads the same. */
function remember(argvOnly: TerraformArgs, rec: Recording, logs: LogLine[], deps: Deps, decided: () => DistributiveOmit<NewMemo, 'argv' | 'cwd' | 'observations' | 'logs'>): void {
  try {
    if (memoDir(deps.env) === undefined || !rec.settled(deps.env)) return;
    writeMemo({ argv: argvKey(argvOnly), cwd: deps.cwd, observations: rec.observations, logs, ...decided() } as NewMemo, deps.env);
  } catch (error) {
    deps.log.debug(`plan memo not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What the per-run files are made from, and how the sessions are found again (memo.ts RunMemo), without a secret. */
function runMemoOf(args: TerraformArgs, runPlan: RunPlan, deps: Deps): DistributiveOmit<NewMemo, 'argv' | 'cwd' | 'observations' | 'logs'> {
  const endpoint = stsEndpoint(deps.env);
  const devices = runPlan.plan.devices.map(({ source, ...d }) => ({ ...d, fingerprint: fingerprint(sessionKeyFor({ ...d, source }, endpoint)) }));
  return {
    command: args.command,
    sensitive: [...new Set(runPlan.module.targets.flatMap((t) => t.sensitiveValues ?? []))],
    endpoint,
    // Only what the per-run files are made from (materialize.ts MaterialPlan): no external id, session name, decision text.
    plan: {
      targets: runPlan.plan.targets.map((t) => ({
        action: t.action,
        chain: t.chain,
        target: { sharedConfigFiles: t.target.sharedConfigFiles, sharedCredentialsFiles: t.target.sharedCredentialsFiles },
      })),
      devices,
      childEnvironment: runPlan.plan.childEnvironment,
    },
  };
}

/** A credentialed `tfw ARGS…`: MFA sessions when the module needs them, terraform with exactly ARGS. */
export async function runCredentialed(argvOnly: TerraformArgs, terraform: string, deps: Deps): Promise<number> {
  const logs: LogLine[] = [];
  const { value: planned, recording: rec } = await recorded((r) =>
    planOrPass(argvOnly, { ...deps, env: recordingEnv(deps.env, r), log: keepingLines(deps.log, deps.context.secrets.redact, logs) }),
  );
  if ('pass' in planned) {
    const { pass } = planned;
    remember(argvOnly, rec, logs, deps, () => ({ pass }));
    deps.log.debug(pass);
    return passThrough(terraform, planned.args.argv, deps);
  }
  const { args, runPlan } = planned;
  const sessions = await obtainRunSessions(runPlan.plan, args.command, deps);
  const generated = await materialize(runPlan, sessions);
  remember(argvOnly, rec, logs, deps, () => runMemoOf(args, runPlan, deps));
  deps.log.note(sessionNote(runPlan.plan, sessions, deps.now()));
  return runWithFiles(terraform, args.argv, generated, deps);
}
