// terraform run untouched, or with the per-run files written before and
// removed after whatever happens (DESIGN.md "Flow", the last two steps); on
// Linux, where it may, terraform takes tfw's process instead (replace.ts).
import type { Deps } from './deps.ts';
import type { GeneratedFiles } from './aws/types.ts';
import { holdRunFiles } from './heldfiles.ts';
import { execveRuns } from './replace.ts';
import { buildChildEnv, chooseRunFilesBase, removeRunFiles, runFilesCannotBeWritten, sweepStaleRunFiles, writeRunFiles } from './runfiles.ts';
import { exitStatus, runUntouched, SignalRelay, type ChildResult } from './spawn.ts';

/** Runs `file args` untouched: same environment, same arguments; where it may, in tfw's place (replace.ts). */
export function passThrough(file: string, args: readonly string[], deps: Deps): Promise<number> {
  if (mayReplace(file, deps)) deps.replace!.exec(file, args, untouchedEnv(deps.env));
  return runUntouched(file, args, { cwd: deps.cwd, env: deps.env, children: deps.context.children }, deps.spawn);
}

/** The environment as tfw was given it, for an exec (a variable set to undefined is not there at all). */
function untouchedEnv(env: Deps['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) out[name] = value;
  return out;
}

/** Whether terraform may take tfw's place now (replace.ts), saying why not under TFW_DEBUG. */
function mayReplace(file: string, deps: Deps): boolean {
  const refusal = deps.replace === undefined ? 'not this process' : deps.replace.refusal();
  if (refusal !== undefined) {
    deps.log.debug(`terraform runs as tfw's child: ${refusal}`);
    return false;
  }
  if (!execveRuns(file)) {
    deps.log.debug(`terraform runs as tfw's child: execve(2) would not run ${file} itself (not an executable of this machine, or a script whose #! interpreter is not)`);
    return false;
  }
  return true;
}

/**
 * terraform in tfw's place (replace.ts), with the per-run files held by a
 * keeper (heldfiles.ts); returns (nothing done, nothing left) where it may
 * not. No signal listener is needed before the exec: nothing has a name to
 * clean up, and a stop request that comes first ends tfw as it would end
 * terraform (the keeper follows within a second).
 */
function replaceWithTerraform(file: string, args: readonly string[], generated: GeneratedFiles, base: string, deps: Deps): void {
  if (!mayReplace(file, deps)) return;
  const held = holdRunFiles(base, generated);
  if (held === undefined) {
    deps.log.debug(`terraform runs as tfw's child: no unnamed files in ${base} that another process can read`);
    return;
  }
  deps.log.debug(`per-run files held by process ${held.keeper} (unnamed): terraform takes tfw's place`);
  deps.replace!.exec(file, args, buildChildEnv(deps.env, held, generated.environment));
}

/**
 * Writes the per-run files, runs `file args` pointed at them, and removes them
 * whatever happens: terraform's exit, its failure, a signal, tfw's own error.
 * Where it may (replace.ts), terraform takes tfw's place instead.
 */
export async function runWithFiles(file: string, args: readonly string[], generated: GeneratedFiles, deps: Deps): Promise<number> {
  const base = chooseRunFilesBase(deps.env, (message) => deps.log.warn(message), undefined, deps.cwd);
  const swept = await sweepStaleRunFiles(base);
  for (const dir of swept) deps.log.debug(`removed stale run files ${dir}`);
  replaceWithTerraform(file, args, generated, base, deps);
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

