// One logger: debug lines (TFW_DEBUG=1) and notes, all on stderr, all redacted.
import type { Env } from './model.ts';

export interface Logger {
  /** A decision, shown with TFW_DEBUG=1. */
  debug(message: string): void;
  /** One line for the user (silenced by TFW_QUIET=1). */
  note(message: string): void;
  /** A warning for the user: always shown. */
  warn(message: string): void;
}

export interface LoggerOptions {
  env: Env;
  write: (line: string) => void;
  /** What cuts secrets out of each line: the run's (context.ts Secrets.redact). */
  redact: (text: string) => string;
}

const truthy = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

/**
 * One line as the terminal will show it: control characters (newlines, ESC,
 * C1), line separators and bidi overrides escaped. Names in messages come from
 * files a cloned repository controls (`x\u001b[2K.tf`): they must not be able
 * to add lines, move the cursor or reorder text.
 */
export function printable(line: string): string {
  return line.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function createLogger({ env, write, redact }: LoggerOptions): Logger {
  const debugOn = truthy(env.TFW_DEBUG);
  const quiet = truthy(env.TFW_QUIET);
  const line = (s: string): void => write(printable(redact(s)));
  return {
    debug: (m) => { if (debugOn) line(`tfw: debug: ${m}`); },
    note: (m) => { if (!quiet) line(`tfw: ${m}`); },
    warn: (m) => line(`tfw: warning: ${m}`),
  };
}

export const silentLogger: Logger = { debug: () => {}, note: () => {}, warn: () => {} };

export { truthy };
