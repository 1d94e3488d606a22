// The pipeline of one terraform run (DESIGN.md "Flow"): argv → plan →
// sessions → per-run files → terraform → exit status, cleanup on every way out.
import type { TerraformArgs } from './argv.ts';
import { analyzeWithEnvironment } from './env-args.ts';
import type { Deps } from './deps.ts';
import type { GeneratedFiles } from './aws/types.ts';
import { statSync } from 'node:fs';
import type { AuthTarget } from './model.ts';
import { terraformStopsOn } from './terraform/problems.ts';
import { materialize, moduleDirFor, obtainRunSessions, planRun, sessionNote, type RunPlan } from './prepare.ts';
import { buildChildEnv, chooseRunFilesBase, removeRunFiles, runFilesCannotBeWritten, sweepStaleRunFiles, writeRunFiles } from './runfiles.ts';
import { exitStatus, runUntouched, SignalRelay, type ChildResult } from './spawn.ts';

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Runs `file args` untouched: same environment, same arguments. */
export function passThrough(file: string, args: readonly string[], deps: Deps): Promise<number> {
  return runUntouched(file, args, { cwd: deps.cwd, env: deps.env, children: deps.context.children }, deps.spawn);
}

/**
 * Writes the per-run files, runs `file args` pointed at them, and removes them
 * whatever happens: terraform's exit, its failure, a signal, tfw's own error.
 */
export async function runWithFiles(file: string, args: readonly string[], generated: GeneratedFiles, deps: Deps): Promise<number> {
  const base = chooseRunFilesBase(deps.env, (message) => deps.log.warn(message), undefined, deps.cwd);
  const swept = await sweepStaleRunFiles(base);
  for (const dir of swept) deps.log.debug(`removed stale run files ${dir}`);
  // From here on a signal must not kill tfw before it has cleaned up.
  const relay = new SignalRelay().start();
  let runFiles: Awaited<ReturnType<typeof writeRunFiles>> | undefined;
  try {
    runFiles = await writeRunFiles(base, generated, deps.context.runDirs).catch((error: NodeJS.ErrnoException) => {
      throw runFilesCannotBeWritten(base, error);
    });
    deps.log.debug(`per-run files in ${runFiles.dir}`);
    let result: ChildResult;
    if (relay.pending !== undefined) {
      result = { signal: relay.pending };
    } else {
      result = await deps.spawn(file, args, { cwd: deps.cwd, env: buildChildEnv(deps.env, runFiles, generated.environment), relay, children: deps.context.children });
    }
    return exitStatus(result);
  } finally {
    if (runFiles) await removeRunFiles(runFiles, deps.context.runDirs);
    relay.stop();
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

/** A credentialed `tfw ARGS…`: MFA sessions when the module needs them, terraform with exactly ARGS. */
export async function runCredentialed(argvOnly: TerraformArgs, terraform: string, deps: Deps): Promise<number> {
  const args = analyzeWithEnvironment(argvOnly.argv, deps.env);
  if (!args.needsCredentials) {
    deps.log.debug('TF_CLI_ARGS make this a command that needs no credentials: running terraform untouched');
    return passThrough(terraform, args.argv, deps);
  }
  if (args.chdir !== undefined && !isDirectory(moduleDirFor(args, deps.cwd))) {
    // terraform stops at a -chdir it cannot enter ("Error handling -chdir option"), before anything else.
    deps.log.debug(`-chdir=${args.chdir} is not a directory: running terraform untouched`);
    return passThrough(terraform, args.argv, deps);
  }
  const runPlan = await planRun(args, deps);
  const refused = terraformWillRefuse(runPlan, deps.env);
  if (refused !== undefined) {
    // terraform stops before it needs credentials: no code to ask for, and terraform says why.
    deps.log.debug(`terraform will refuse this run (${refused}): running it untouched so it can say why`);
    return passThrough(terraform, args.argv, deps);
  }
  if (runPlan.plan.devices.length === 0) {
    deps.log.debug('no AWS provider or backend needs MFA: running terraform untouched');
    return passThrough(terraform, args.argv, deps);
  }
  const sessions = await obtainRunSessions(runPlan.plan, args.command, deps);
  const generated = await materialize(runPlan, sessions);
  deps.log.note(sessionNote(runPlan.plan, sessions, deps.now()));
  return runWithFiles(terraform, args.argv, generated, deps);
}
