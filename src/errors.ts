// The few error classes. A TfwError carries the one line a user reads and the
// exit code; only cli.ts prints it and exits.

export class TfwError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'TfwError';
    this.exitCode = exitCode;
  }
}

/** A setting in the user's files that tfw cannot work with (names file, profile or provider). */
export class ConfigError extends TfwError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'ConfigError';
  }
}

/** The user stopped tfw (Ctrl-C at the prompt): 128 + SIGINT, like a shell. */
export class InterruptedError extends TfwError {
  constructor(message = 'interrupted') {
    super(message, 130);
    this.name = 'InterruptedError';
  }
}
