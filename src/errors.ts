// The few error classes. A TfwError carries the one line a user reads and the
// exit code; only cli.ts prints it and exits.

// cli.ts and the lazily loaded bundle each hold a copy of this class, so
// cli.ts recognises one by a brand shared through the global symbol registry.
const BRAND = Symbol.for('tfw.TfwError');

export class TfwError extends Error {
  readonly exitCode: number;
  readonly [BRAND] = true;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'TfwError';
    this.exitCode = exitCode;
  }
}

export function isTfwError(error: unknown): error is TfwError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** A setting in the user's files that tfw cannot work with (names file, profile or provider). */
export class ConfigError extends TfwError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'ConfigError';
  }
}
