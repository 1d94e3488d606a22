// The pipeline of one terraform run (DESIGN.md "Flow"): argv → plan →
// sessions → per-run files → terraform → exit status, cleanup on every way out.
import { analyzeArgs, type TerraformArgs } from './argv.ts';
import type { Deps } from './deps.ts';
import type { GeneratedFiles } from './aws/types.ts';
import { buildChildEnv, removeRunFiles, runFilesBase, sweepStaleRunFiles, writeRunFiles } from './runfiles.ts';
import { exitStatus, resolveTerraform, runChild, SignalRelay, type ChildResult } from './spawn.ts';

/** Runs `file args` untouched: same environment, same arguments. */
export async function passThrough(file: string, args: readonly string[], deps: Deps): Promise<number> {
  const relay = new SignalRelay().start();
  try {
    return exitStatus(await runChild(file, args, { cwd: deps.cwd, env: deps.env, relay }));
  } finally {
    relay.stop();
  }
}

/**
 * Writes the per-run files, runs `file args` pointed at them, and removes them
 * whatever happens: terraform's exit, its failure, a signal, tfw's own error.
 */
export async function runWithFiles(file: string, args: readonly string[], generated: GeneratedFiles, deps: Deps): Promise<number> {
  const base = runFilesBase(deps.env);
  const swept = await sweepStaleRunFiles(base);
  for (const dir of swept) deps.log.debug(`removed stale run files ${dir}`);
  // From here on a signal must not kill tfw before it has cleaned up.
  const relay = new SignalRelay().start();
  let runFiles: Awaited<ReturnType<typeof writeRunFiles>> | undefined;
  try {
    runFiles = await writeRunFiles(base, generated);
    deps.log.debug(`per-run files in ${runFiles.dir}`);
    let result: ChildResult;
    if (relay.pending !== undefined) {
      result = { signal: relay.pending };
    } else {
      result = await runChild(file, args, { cwd: deps.cwd, env: buildChildEnv(deps.env, runFiles), relay });
    }
    return exitStatus(result);
  } finally {
    if (runFiles) await removeRunFiles(runFiles);
    relay.stop();
  }
}

/** `tfw ARGS…`: terraform with exactly ARGS, with MFA sessions when the module needs them. */
export async function runTerraform(argv: readonly string[], deps: Deps): Promise<number> {
  const args: TerraformArgs = analyzeArgs(argv);
  const terraform = resolveTerraform(deps.env, deps.cwd, deps.selfPaths);
  deps.log.debug(`terraform: ${terraform}; command: ${args.command ?? '(none)'}; needs credentials: ${args.needsCredentials}`);
  if (!args.needsCredentials) return passThrough(terraform, argv, deps);

  const { planRun, obtainRunSessions, materialize, sessionNote } = await import('./prepare.ts');
  const runPlan = await planRun(args, deps);
  if (runPlan.module.problems.some((p) => p.terraformRejects)) {
    // terraform will stop at the configuration before it needs credentials: no code to ask for.
    deps.log.debug('terraform will refuse this configuration: running it untouched so it can say why');
    return passThrough(terraform, argv, deps);
  }
  if (runPlan.plan.devices.length === 0) {
    deps.log.debug('no AWS provider or backend needs MFA: running terraform untouched');
    return passThrough(terraform, argv, deps);
  }
  const sessions = await obtainRunSessions(runPlan.plan, args.command, deps);
  const generated = await materialize(runPlan, sessions);
  deps.log.note(sessionNote(runPlan.plan, sessions, deps.now()));
  return runWithFiles(terraform, argv, generated, deps);
}
