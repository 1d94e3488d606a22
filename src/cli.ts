// The one exit point: tfw's own commands (`tfw auth …`) or a terraform run.
// Only this module prints a final error and decides the exit status.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Deps } from './deps.ts';
import { TfwError } from './errors.ts';
import { createLogger, truthy } from './log.ts';
import { redact } from './redact.ts';

function selfPaths(): string[] {
  const paths = [fileURLToPath(import.meta.url)];
  if (process.argv[1]) paths.push(process.argv[1]);
  try {
    paths.push(realpathSync(process.argv[1] ?? ''));
  } catch {
    // not a file: nothing more to add
  }
  return paths;
}

function writeErr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A progress line, shown only when STS takes longer than a moment and stderr is a terminal. */
function progress(message: string): { done(): void } {
  if (!process.stderr.isTTY) return { done: () => {} };
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    process.stderr.write(`tfw: ${message}…`);
  }, 400);
  return {
    done: () => {
      clearTimeout(timer);
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}

export function realDeps(env: NodeJS.ProcessEnv = process.env): Deps {
  const noColor = process.argv.includes('-no-color') || env.NO_COLOR !== undefined;
  let stsApi: Promise<import('./aws/sts.ts').StsApi> | undefined;
  return {
    env,
    cwd: process.cwd(),
    log: createLogger({ env, write: writeErr }),
    now: () => new Date(),
    get ask() {
      return askOnTerminal();
    },
    runProcess: async (command) => (await import('./aws/terminal.ts')).shellProcessRunner(command),
    sts: () => (stsApi ??= import('./aws/sts.ts').then((m) => m.createStsApi(env))),
    selfPaths: selfPaths(),
    progress,
    out: (text) => {
      process.stdout.write(text);
    },
    color: !noColor && process.stdout.isTTY === true,
  };
}

// The prompt needs a terminal on stdin; its module (and `prompts`) loads on first use.
function askOnTerminal(): Deps['ask'] {
  if (!process.stdin.isTTY) return undefined;
  return async (message, validate) => {
    const { terminalAsk } = await import('./aws/terminal.ts');
    const ask = terminalAsk();
    return ask ? ask(message, validate) : undefined;
  };
}

export async function main(argv: readonly string[], deps: Deps = realDeps()): Promise<number> {
  try {
    if (argv[0] === 'auth') {
      const { authMain } = await import('./auth/main.ts');
      return await authMain(argv.slice(1), deps);
    }
    const { runTerraform } = await import('./run.ts');
    return await runTerraform(argv, deps);
  } catch (error) {
    if (error instanceof TfwError) {
      writeErr(redact(`tfw: ${error.message}`));
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeErr(redact(`tfw: internal error: ${message}`));
    if (truthy(deps.env.TFW_DEBUG) && error instanceof Error && error.stack) writeErr(redact(error.stack));
    return 70;
  }
}

/** bin/tfw.js calls this: run, flush, exit with the status. */
export async function start(): Promise<void> {
  const code = await main(process.argv.slice(2));
  process.exitCode = code;
  // Let stdout drain (JSON to a pipe), then leave even if a handle lingers.
  process.stdout.write('', () => process.exit(code));
}
