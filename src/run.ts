// The pipeline of one terraform run (DESIGN.md "Flow"): argv → plan →
// sessions → per-run files → terraform → exit status, cleanup on every way out.
import type { TerraformArgs } from './argv.ts';
import { analyzeWithEnvironment } from './env-args.ts';
import type { Deps } from './deps.ts';
import type { GeneratedFiles } from './aws/types.ts';
import { materialize, obtainRunSessions, planRun, sessionNote } from './prepare.ts';
import { buildChildEnv, chooseRunFilesBase, removeRunFiles, runFilesCannotBeWritten, sweepStaleRunFiles, writeRunFiles } from './runfiles.ts';
import { exitStatus, runChild, runUntouched, SignalRelay, type ChildResult } from './spawn.ts';

/** Runs `file args` untouched: same environment, same arguments. */
export function passThrough(file: string, args: readonly string[], deps: Deps): Promise<number> {
  return runUntouched(file, args, { cwd: deps.cwd, env: deps.env });
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
    runFiles = await writeRunFiles(base, generated).catch((error: NodeJS.ErrnoException) => {
      throw runFilesCannotBeWritten(base, error);
    });
    deps.log.debug(`per-run files in ${runFiles.dir}`);
    let result: ChildResult;
    if (relay.pending !== undefined) {
      result = { signal: relay.pending };
    } else {
      result = await runChild(file, args, { cwd: deps.cwd, env: buildChildEnv(deps.env, runFiles, generated.environment), relay });
    }
    return exitStatus(result);
  } finally {
    if (runFiles) await removeRunFiles(runFiles);
    relay.stop();
  }
}

/** A credentialed `tfw ARGS…`: MFA sessions when the module needs them, terraform with exactly ARGS. */
export async function runCredentialed(argvOnly: TerraformArgs, terraform: string, deps: Deps): Promise<number> {
  const args = analyzeWithEnvironment(argvOnly.argv, deps.env);
  if (!args.needsCredentials) {
    deps.log.debug('TF_CLI_ARGS make this a command that needs no credentials: running terraform untouched');
    return passThrough(terraform, args.argv, deps);
  }
  const runPlan = await planRun(args, deps);
  if (runPlan.module.problems.some((p) => p.terraformRejects)) {
    // terraform will stop at the configuration before it needs credentials: no code to ask for.
    deps.log.debug('terraform will refuse this configuration: running it untouched so it can say why');
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
