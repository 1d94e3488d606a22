// The capabilities the pipeline uses, passed in as one object: tests pass
// fakes, cli.ts (realDeps) passes the real ones. Types only.
import type { AskCode, ProcessRunner } from './aws/codes.ts';
import type { StsApi } from './aws/sts.ts';
import type { RunContext } from './context.ts';
import type { Logger } from './log.ts';
import type { Env } from './model.ts';
import type { Spawner } from './spawn.ts';

export interface Deps {
  env: Env;
  cwd: string;
  log: Logger;
  now: () => Date;
  /** The terminal prompt, or undefined when there is no terminal. */
  ask: AskCode | undefined;
  runProcess: ProcessRunner;
  /** STS, created on first use (loads the AWS SDK only then). */
  sts: () => Promise<StsApi>;
  /** Starts terraform (or `auth exec`'s command) with the terminal's stdio and waits for it (spawn.ts runChild). */
  spawn: Spawner;
  /**
   * terraform in tfw's place (replace.ts): why it may not take it now
   * (undefined: it may), and the exec itself. Absent where it never may
   * (tests' stand-ins for the real process).
   */
  replace?: { refusal(): string | undefined; exec(file: string, args: readonly string[], env: Record<string, string>): never };
  /** Paths that are tfw itself, so PATH lookup never finds tfw as terraform. */
  selfPaths: readonly string[];
  /** Progress line while STS calls take longer than a moment. */
  progress: (message: string) => { done(): void };
  /** Where tfw's own text output goes for `auth` commands (stdout). */
  out: (text: string) => void;
  /** Where tfw's own lines go: the logger's and the final error line (stderr). */
  err: (line: string) => void;
  /** Colours on for tfw's own output. */
  color: boolean;
  /** What this run accumulates: secrets to redact, children, per-run dirs (context.ts). Made once, in cli.ts. */
  context: RunContext;
}
