// What one run accumulates, in one object made at the start of the run
// (cli.ts) and handed down through Deps: the secrets to cut out of every line,
// the children to wait for, the per-run directories to remove. Nothing of it
// lives in a global: cli.js and the lazy bundle (scripts/build.mjs) each hold
// their own copy of these modules, and share only this object.
import { rmSync } from 'node:fs';
import { Secrets } from './redact.ts';
import { Children } from './spawn.ts';

/** The per-run directories of a run not removed yet. */
export class RunDirs {
  private readonly live = new Set<string>();

  add(dir: string): void {
    this.live.add(dir);
  }

  delete(dir: string): void {
    this.live.delete(dir);
  }

  get size(): number {
    return this.live.size;
  }

  /** Removes them all now, synchronously (the process is exiting). */
  removeAllSync(): void {
    for (const dir of this.live) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // nothing more can be done while exiting
      }
      this.live.delete(dir);
    }
  }
}

export interface RunContext {
  readonly secrets: Secrets;
  readonly children: Children;
  readonly runDirs: RunDirs;
}

export function createRunContext(): RunContext {
  return { secrets: new Secrets(), children: new Children(), runDirs: new RunDirs() };
}

/**
 * Removes the run's directories when the process exits without reaching its
 * own cleanup (an uncaught exception, process.exit, a fatal signal path).
 * Returns the function that takes the hook off again.
 */
export function removeRunDirsOnExit(context: Pick<RunContext, 'runDirs'>): () => void {
  const hook = (): void => context.runDirs.removeAllSync();
  process.on('exit', hook);
  return () => {
    process.off('exit', hook);
  };
}
