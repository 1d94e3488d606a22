// The capabilities the pipeline uses, passed in as one object: tests pass
// fakes, cli.ts passes the real ones. Types only, plus the real factory which
// imports nothing heavy until a capability is used.
import type { AskCode, ProcessRunner } from './aws/codes.ts';
import type { StsApi } from './aws/sts.ts';
import type { Logger } from './log.ts';

export type Env = Readonly<Record<string, string | undefined>>;

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
  /** Paths that are tfw itself, so PATH lookup never finds tfw as terraform. */
  selfPaths: readonly string[];
  /** Progress line while STS calls take longer than a moment. */
  progress: (message: string) => { done(): void };
  /** Where tfw's own text output goes for `auth` commands (stdout). */
  out: (text: string) => void;
  /** Colours on for tfw's own output. */
  color: boolean;
}
