// The few error classes. A TfwError carries the one line a user reads and the
// exit code; only cli.ts prints it and exits.
//
// cli.js and the lazy bundle each hold a copy of this class, so an error is
// recognised only by the copy of the bundle that threw it: the lazy entry
// (lazy.ts) turns its own TfwErrors into values (Outcome) before they cross
// over to cli.ts. No brand, no global registry.

export class TfwError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'TfwError';
    this.exitCode = exitCode;
  }
}

/** A TfwError of this bundle (see above for the other one's). */
export function isTfwError(error: unknown): error is TfwError {
  return error instanceof TfwError;
}

/** How a command handed over to the other bundle ended: its exit status, or tfw's own failure as the line to print. */
export type Outcome = { exitCode: number; failure?: undefined } | { exitCode: number; failure: string };

/** Runs `work`, with a TfwError it throws turned into an Outcome (anything else is a bug and stays thrown). */
export async function outcomeOf(work: () => Promise<number>): Promise<Outcome> {
  try {
    return { exitCode: await work() };
  } catch (error) {
    if (error instanceof TfwError) return { exitCode: error.exitCode, failure: error.message };
    throw error;
  }
}

/** A setting in the user's files that tfw cannot work with (names file, profile or provider). */
export class ConfigError extends TfwError {
  constructor(message: string) {
    super(message, 1);
    this.name = 'ConfigError';
  }
}
