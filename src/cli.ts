// The one exit point: tfw's own commands (`tfw auth …`) or a terraform run.
// Only this module prints a final error and decides the exit status.
//
// Start-up is paid by every terraform command: this file holds the whole
// pass-through path (argv, terraform lookup, spawn) and reaches everything
// else through one dynamic import of ./lazy.ts, a separate bundle.
import { realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeArgs, hasEnvironmentArgs } from './argv.ts';
import type { Deps } from './deps.ts';
import { isTfwError } from './errors.ts';
import { createLogger, printable, truthy } from './log.ts';
import { redact } from './redact.ts';
import { childrenEnded, releaseHungUpTerminals, resolveTerraform, runUntouched, terminalFds } from './spawn.ts';

/** tfw's own unexpected failure (a bug): sysexits' EX_SOFTWARE. */
const INTERNAL_ERROR = 70;

type Lazy = typeof import('./lazy.ts');
let lazyModule: Promise<Lazy> | undefined;
const lazy = (): Promise<Lazy> => (lazyModule ??= import('./lazy.ts'));

/** tfw under every name it can have: the bundle, bin/tfw.js, and the launcher beside it (bin/tfw). */
function selfPaths(): string[] {
  const paths = [fileURLToPath(import.meta.url)];
  if (process.argv[1]) paths.push(process.argv[1]);
  try {
    const real = realpathSync(process.argv[1] ?? '');
    paths.push(real, join(dirname(real), 'tfw'));
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
    // One row at most: '\r\x1b[K' clears only the row the cursor is on.
    const line = `tfw: ${message}…`;
    const width = Math.max(10, (process.stderr.columns || 80) - 1);
    process.stderr.write(line.length > width ? `${line.slice(0, width - 1)}…` : line);
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
  let stsApi: ReturnType<Deps['sts']> | undefined;
  return {
    env,
    cwd: process.cwd(),
    log: createLogger({ env, write: writeErr }),
    now: () => new Date(),
    // The prompt needs a terminal on stdin; its module (and `prompts`) loads on first use.
    ask: process.stdin.isTTY ? async (message, validate) => (await lazy()).askOnTerminal(message, validate) : undefined,
    runProcess: async (command) => (await lazy()).runMfaProcess(command),
    sts: () => (stsApi ??= lazy().then((m) => m.createStsApi(env))),
    selfPaths: selfPaths(),
    progress,
    out: (text) => {
      process.stdout.write(text);
    },
    color: !noColor && process.stdout.isTTY === true,
  };
}

export async function main(argv: readonly string[], deps: Deps = realDeps()): Promise<number> {
  try {
    if (argv[0] === 'auth') return await (await lazy()).authMain(argv.slice(1), deps);
    const terraform = resolveTerraform(deps.env, deps.cwd, deps.selfPaths);
    // A shell-completion request (terraform's posener/complete reads COMP_LINE): terraform's alone.
    if (deps.env.COMP_LINE) return await runUntouched(terraform, argv, { cwd: deps.cwd, env: deps.env });
    const args = analyzeArgs(argv);
    deps.log.debug(`terraform: ${terraform}; command: ${args.command ?? '(none)'}; needs credentials: ${args.needsCredentials}`);
    // TF_CLI_ARGS can turn a bare `terraform` or `terraform state` into a command: the credentialed path re-reads with them.
    const settled = !args.envMayChange || !hasEnvironmentArgs(deps.env);
    if (!args.needsCredentials && settled) return await runUntouched(terraform, argv, { cwd: deps.cwd, env: deps.env });
    return await (await lazy()).runCredentialed(args, terraform, deps);
  } catch (error) {
    if (isTfwError(error)) {
      writeErr(printable(redact(`tfw: ${error.message}`)));
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    writeErr(printable(redact(`tfw: internal error: ${message}`)));
    if (truthy(deps.env.TFW_DEBUG) && error instanceof Error && error.stack) writeErr(redact(error.stack));
    return INTERNAL_ERROR;
  }
}

/**
 * An exception nothing caught (a bug, a callback that threw): one tfw line
 * instead of a stack trace, then exit 70 once terraform, if it runs, has
 * ended (it may hold a state lock; its signals are still relayed). The
 * per-run files go with the exit (runfiles.ts removes them on 'exit').
 */
function fatalHandler(env: Deps['env'], exit: (code: number) => void): { handler: (error: unknown) => void; happened: () => boolean } {
  let happened = false;
  return {
    happened: () => happened,
    handler: (error) => {
      if (happened) return;
      happened = true;
      const message = error instanceof Error ? error.message : String(error);
      writeErr(printable(redact(`tfw: internal error: ${message}`)));
      if (truthy(env.TFW_DEBUG) && error instanceof Error && error.stack) writeErr(redact(error.stack));
      void childrenEnded().then(() => exit(INTERNAL_ERROR));
    },
  };
}

/** bin/tfw.js calls this: run, flush, exit with the status. */
export async function start(argv: readonly string[] = process.argv.slice(2), deps: Deps = realDeps()): Promise<void> {
  const terminals = terminalFds();
  const exit = (code: number): never => {
    releaseHungUpTerminals(terminals);
    return process.exit(code);
  };
  // A reader that went away (`tfw plan 2>&1 | true`) must not stop the run: terraform meets the closed pipe itself.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  const fatal = fatalHandler(deps.env, exit);
  process.on('uncaughtException', fatal.handler);
  const result = await main(argv, deps);
  const code = fatal.happened() ? INTERNAL_ERROR : result;
  process.exitCode = code;
  // Let stdout drain (JSON to a pipe), then leave even if a handle lingers.
  process.stdout.write('', () => exit(code));
}
