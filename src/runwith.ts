// terraform run untouched, or with the per-run files written before and
// removed after whatever happens (DESIGN.md "Flow", the last two steps).
import type { Deps } from './deps.ts';
import type { GeneratedFiles } from './aws/types.ts';
import { buildChildEnv, chooseRunFilesBase, removeRunFiles, runFilesCannotBeWritten, sweepStaleRunFiles, writeRunFiles } from './runfiles.ts';
import { exitStatus, runUntouched, SignalRelay, type ChildResult } from './spawn.ts';

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

