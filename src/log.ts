// One logger: debug lines (TFW_DEBUG=1) and notes, all on stderr, all redacted.
import type { Env } from './model.ts';
import { redact } from './redact.ts';

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
}

const truthy = (v: string | undefined): boolean => v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';

export function createLogger({ env, write }: LoggerOptions): Logger {
  const debugOn = truthy(env.TFW_DEBUG);
  const quiet = truthy(env.TFW_QUIET);
  return {
    debug: (m) => { if (debugOn) write(redact(`tfw: debug: ${m}`)); },
    note: (m) => { if (!quiet) write(redact(`tfw: ${m}`)); },
    warn: (m) => write(redact(`tfw: warning: ${m}`)),
  };
}

export const silentLogger: Logger = { debug: () => {}, note: () => {}, warn: () => {} };

export { truthy };
