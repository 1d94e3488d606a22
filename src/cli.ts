// The one exit point: tfw's own commands (`tfw auth …`) or a terraform run.
// Only this module prints a final error and decides the exit status.
//
// Start-up is paid by every terraform command: this file holds the whole
// pass-through path (argv, terraform lookup, spawn) and reaches everything
// else through one dynamic import of ./lazy.ts, a separate bundle.
import { realpathSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzeArgs, hasEnvironmentArgs } from './argv.ts';
import { createRunContext, removeRunDirsOnExit, type RunContext } from './context.ts';
import type { Deps } from './deps.ts';
import { isTfwError, type Outcome } from './errors.ts';
import { createLogger, printable, truthy } from './log.ts';
import { cannotReplace, replaceWith } from './replace.ts';
import { releaseHungUpTerminals, resolveTerraform, runChild, runUntouched, terminalFds } from './spawn.ts';

/** tfw's own unexpected failure (a bug): sysexits' EX_SOFTWARE. */
const INTERNAL_ERROR = 70;

type Lazy = typeof import('./lazy.ts');
let lazyModule: Promise<Lazy> | undefined;
const lazy = (): Promise<Lazy> => (lazyModule ??= import('./lazy.ts'));
// The warm path: a run the plan memo serves (src/warm.ts), a bundle far smaller than the lazy one.
const warm = (): Promise<typeof import('./warm.ts')> => import('./warm.ts');

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

/**
 * process.stdout and process.stderr are built on first use, the first of them
 * for ~1 ms: a warm run writes one line, straight to fd 2 (writeErr). Who uses
 * the streams gets them from here, guarded: a reader that went away (`tfw plan
 * 2>&1 | true`) must not stop the run; terraform meets the closed pipe itself.
 */
let streamsUsed = false;
function streams(): { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream } {
  if (!streamsUsed) {
    streamsUsed = true;
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
  }
  return { stdout: process.stdout, stderr: process.stderr };
}

function writeErr(line: string): void {
  // Once the stream is in use, everything goes through it, in order.
  if (streamsUsed) {
    streams().stderr.write(`${line}\n`);
    return;
  }
  const bytes = Buffer.from(`${line}\n`);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(2, bytes, done);
  } catch (error) {
    // A non-blocking descriptor that is full: the stream waits for it. Anything else (EPIPE, EBADF): nobody reads.
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') streams().stderr.write(bytes.subarray(done));
  }
}

/** A progress line, shown only when STS takes longer than a moment and stderr is a terminal. */
function progress(message: string): { done(): void } {
  if (!isatty(2)) return { done: () => {} };
  const { stderr } = streams();
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    // One row at most: '\r\x1b[K' clears only the row the cursor is on.
    const line = `tfw: ${message}…`;
    const width = Math.max(10, (stderr.columns || 80) - 1);
    stderr.write(line.length > width ? `${line.slice(0, width - 1)}…` : line);
  }, 400);
  return {
    done: () => {
      clearTimeout(timer);
      if (shown) stderr.write('\r\x1b[K');
    },
  };
}

/** The real capabilities, around the run context made for this run. */
export function realDeps(env: NodeJS.ProcessEnv = process.env, context: RunContext = createRunContext()): Deps {
  const noColor = process.argv.includes('-no-color') || env.NO_COLOR !== undefined;
  let stsApi: ReturnType<Deps['sts']> | undefined;
  return {
    env,
    cwd: process.cwd(),
    log: createLogger({ env, write: writeErr, redact: context.secrets.redact }),
    now: () => new Date(),
    // The prompt needs a terminal on stdin; its module (and `prompts`) loads on first use.
    // isatty(0), not process.stdin.isTTY: building the stdin stream costs a few ms, and only a prompt reads it.
    ask: isatty(0)
      ? async (message, validate) => {
          streams(); // the prompt draws on process.stderr
          return (await lazy()).askOnTerminal(message, validate);
        }
      : undefined,
    runProcess: async (command) => (await lazy()).runMfaProcess(command),
    sts: () => (stsApi ??= lazy().then((m) => m.createStsApi(env))),
    spawn: runChild,
    replace: { refusal: () => cannotReplace(env, streamsUsed), exec: replaceWith },
    selfPaths: selfPaths(),
    progress,
    out: (text) => {
      streams().stdout.write(text);
    },
    err: writeErr,
    color: !noColor && isatty(1),
    context,
  };
}

/** The lazy bundle's outcome: its exit status, or its failure as one line. */
function settle(outcome: Outcome, deps: Deps): number {
  if (outcome.failure !== undefined) deps.err(printable(deps.context.secrets.redact(`tfw: ${outcome.failure}`)));
  return outcome.exitCode;
}

export async function main(argv: readonly string[], deps: Deps = realDeps()): Promise<number> {
  const { redact } = deps.context.secrets;
  const untouched = { cwd: deps.cwd, env: deps.env, children: deps.context.children };
  try {
    if (argv[0] === 'auth') {
      // yargs and the prompt write to the streams themselves.
      streams();
      return settle(await (await lazy()).authMain(argv.slice(1), deps), deps);
    }
    const terraform = resolveTerraform(deps.env, deps.cwd, deps.selfPaths);
    // A shell-completion request (terraform's posener/complete reads COMP_LINE): terraform's alone.
    if (deps.env.COMP_LINE) return await runUntouched(terraform, argv, untouched, deps.spawn);
    const args = analyzeArgs(argv);
    deps.log.debug(`terraform: ${terraform}; command: ${args.command ?? '(none)'}; needs credentials: ${args.needsCredentials}`);
    // TF_CLI_ARGS can turn a bare `terraform` or `terraform state` into a command: the credentialed path re-reads with them.
    const settled = !args.envMayChange || !hasEnvironmentArgs(deps.env);
    if (!args.needsCredentials && settled) return await runUntouched(terraform, argv, untouched, deps.spawn);
    if (!truthy(deps.env.TFW_NO_CACHE)) {
      const fromMemo = await (await warm()).runFromMemo(args, terraform, deps);
      if (fromMemo !== undefined) return settle(fromMemo, deps);
    }
    return settle(await (await lazy()).runCredentialed(args, terraform, deps), deps);
  } catch (error) {
    // A TfwError of this bundle (resolving terraform, spawning it); the lazy bundle's come back as an Outcome.
    if (isTfwError(error)) {
      deps.err(printable(redact(`tfw: ${error.message}`)));
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.err(printable(redact(`tfw: internal error: ${message}`)));
    if (truthy(deps.env.TFW_DEBUG) && error instanceof Error && error.stack) deps.err(redact(error.stack));
    return INTERNAL_ERROR;
  }
}

/**
 * An exception nothing caught (a bug, a callback that threw): one tfw line
 * instead of a stack trace, then exit 70 once terraform, if it runs, has
 * ended (it may hold a state lock; its signals are still relayed). The
 * per-run files go with the exit (removeRunDirsOnExit, in start).
 */
function fatalHandler(deps: Pick<Deps, 'env' | 'err' | 'context'>, exit: (code: number) => void): { handler: (error: unknown) => void; happened: () => boolean } {
  const { redact } = deps.context.secrets;
  let happened = false;
  return {
    happened: () => happened,
    handler: (error) => {
      if (happened) return;
      happened = true;
      const message = error instanceof Error ? error.message : String(error);
      deps.err(printable(redact(`tfw: internal error: ${message}`)));
      if (truthy(deps.env.TFW_DEBUG) && error instanceof Error && error.stack) deps.err(redact(error.stack));
      void deps.context.children.ended().then(() => exit(INTERNAL_ERROR));
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
  // The run's per-run dirs go with the process however it ends (an uncaught exception, process.exit).
  removeRunDirsOnExit(deps.context);
  const fatal = fatalHandler(deps, exit);
  process.on('uncaughtException', fatal.handler);
  const result = await main(argv, deps);
  const code = fatal.happened() ? INTERNAL_ERROR : result;
  process.exitCode = code;
  // Let stdout drain (JSON to a pipe), then leave even if a handle lingers. Nothing written through it: nothing to wait for.
  if (streamsUsed) streams().stdout.write('', () => exit(code));
  else exit(code);
}
