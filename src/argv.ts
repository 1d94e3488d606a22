// Looks at terraform's argv without rewriting it (the antfu/ni habit): which
// command, does it need credentials, and the few options that change what the
// root module means. Imports nothing heavy: the pass-through path runs on this.
import { parse as parseShellWords } from 'shell-quote';
import type { BackendConfigArg, Env, VarArg } from './model.ts';

export interface TerraformArgs {
  /** The exact argv, handed on verbatim. */
  argv: readonly string[];
  /** `-chdir=DIR` (global option, before the command). */
  chdir?: string;
  /** The subcommand (`plan`, `state` …) or undefined (bare `terraform`, `-help`, `-version`). */
  command?: string;
  /** The word after the command for commands that have subcommands (`state list`, `workspace select`). */
  subcommand?: string;
  /** Whether terraform will configure the backend or providers for this command. */
  needsCredentials: boolean;
  /**
   * What the command authenticates: `backend` for commands that only read or
   * write state (init downloads providers but never configures them), `all`
   * for those that also configure providers. A provider the command never
   * configures must not cost the user a prompt.
   */
  credentialScope: 'backend' | 'all';
  vars: VarArg[];
  backendConfig: BackendConfigArg[];
  /** `-no-color` given: tfw's own colours go quiet too. */
  noColor: boolean;
}

// Commands that never touch the backend or configure a provider.
const NO_CREDENTIALS = new Set([
  'fmt', 'version', 'validate', 'get', 'login', 'logout', 'metadata', 'modules',
  'graph', 'providers', 'output-schema',
]);

// For these, only some subcommands reach AWS.
const SUBCOMMANDS_WITHOUT_CREDENTIALS = new Map<string, ReadonlySet<string>>([['workspace', new Set(['show'])]]);

// Commands that reach the state backend but configure no provider.
const BACKEND_ONLY = new Set(['init', 'output', 'state', 'workspace', 'force-unlock', 'taint', 'untaint', 'show']);

const HELP_FLAGS = new Set(['-help', '--help', '-h', '-version', '--version', '-v']);

/** `-name=value` or `-name value` (terraform accepts both for these). */
function optionValue(args: readonly string[], i: number, name: string): { value: string; consumed: number } | undefined {
  const a = args[i]!;
  const single = `-${name}`;
  const double = `--${name}`;
  for (const prefix of [single, double]) {
    if (a === prefix) {
      const next = args[i + 1];
      return next === undefined ? undefined : { value: next, consumed: 2 };
    }
    if (a.startsWith(`${prefix}=`)) return { value: a.slice(prefix.length + 1), consumed: 1 };
  }
  return undefined;
}

// Commands whose second word names a command of its own (TF_CLI_ARGS_state_list).
const NESTED = new Set(['state', 'workspace', 'providers']);

/** Words of a TF_CLI_ARGS value, as terraform splits it (go-shellwords: quotes, escapes, no $ expansion; stops at an operator or comment). */
export function shellWords(value: string): string[] {
  // `$` is plain text to go-shellwords; shell-quote expands it and throws on
  // `${` ("Bad substitution"), which stopped even `tfw version`. A NUL (never in
  // an environment value) stands in for it while parsing.
  const restore = (s: string): string => s.replace(/\0/g, '$');
  const words: string[] = [];
  for (const entry of parseShellWords(value.replace(/\$/g, '\0'))) {
    if (typeof entry === 'string') words.push(restore(entry));
    else if ('op' in entry && entry.op === 'glob') words.push(restore(entry.pattern));
    else break;
  }
  return words;
}

/**
 * The argv terraform acts on: TF_CLI_ARGS and TF_CLI_ARGS_<command> inserted
 * right after the command word, the specific one first (terraform's
 * mergeEnvArgs). Only read, never handed on: terraform adds them itself.
 */
export function withEnvironmentArgs(argv: readonly string[], env: Env): readonly string[] {
  const first = analyzeWords(argv);
  if (first.command === undefined) return argv;
  const nested = NESTED.has(first.command) && first.subcommand !== undefined;
  const name = (nested ? `${first.command}_${first.subcommand}` : first.command).replace(/-/g, '_');
  const search = nested ? first.subcommand! : first.command;
  let out = [...argv];
  for (const variable of ['TF_CLI_ARGS', `TF_CLI_ARGS_${name}`]) {
    const value = env[variable];
    if (!value) continue;
    const at = out.indexOf(search) + 1;
    out = [...out.slice(0, at), ...shellWords(value), ...out.slice(at)];
  }
  return out;
}

/** terraform's argv, with what TF_CLI_ARGS* add to it taken into account (`argv` stays the user's own). */
export function analyzeArgs(argv: readonly string[], env: Env = {}): TerraformArgs {
  const effective = env.TF_CLI_ARGS || Object.keys(env).some((k) => k.startsWith('TF_CLI_ARGS_')) ? withEnvironmentArgs(argv, env) : argv;
  return { ...analyzeWords(effective), argv };
}

function analyzeWords(argv: readonly string[]): TerraformArgs {
  let chdir: string | undefined;
  let i = 0;
  let help = false;
  // Global options come before the command.
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) break;
    if (a.startsWith('-chdir=')) chdir = a.slice('-chdir='.length);
    else if (a.startsWith('--chdir=')) chdir = a.slice('--chdir='.length);
    else if (HELP_FLAGS.has(a)) help = true;
  }
  const command = argv[i];
  const rest = argv.slice(i + 1);
  const vars: VarArg[] = [];
  const backendConfig: BackendConfigArg[] = [];
  let noColor = false;
  let subcommand: string | undefined;
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j]!;
    if (a === '--') break;
    if (HELP_FLAGS.has(a) && a !== '-v') help = true;
    if (a === '-no-color' || a === '--no-color') { noColor = true; continue; }
    const v = optionValue(rest, j, 'var');
    if (v) { vars.push({ kind: 'var', value: v.value }); j += v.consumed - 1; continue; }
    const vf = optionValue(rest, j, 'var-file');
    if (vf) { vars.push({ kind: 'var-file', value: vf.value }); j += vf.consumed - 1; continue; }
    const bc = optionValue(rest, j, 'backend-config');
    if (bc) {
      // terraform: a value with '=' is KEY=VALUE, otherwise a file.
      backendConfig.push({ kind: bc.value.includes('=') ? 'kv' : 'file', value: bc.value });
      j += bc.consumed - 1;
      continue;
    }
    if (subcommand === undefined && !a.startsWith('-')) subcommand = a;
  }
  if (argv.includes('-no-color')) noColor = true;

  let needsCredentials: boolean;
  if (command === undefined || help) needsCredentials = false;
  else if (NO_CREDENTIALS.has(command)) needsCredentials = false;
  else if (subcommand !== undefined && SUBCOMMANDS_WITHOUT_CREDENTIALS.get(command)?.has(subcommand)) needsCredentials = false;
  // init -backend=false neither configures the backend nor any provider.
  else if (command === 'init' && rest.includes('-backend=false')) needsCredentials = false;
  else needsCredentials = true;

  return {
    argv,
    ...(chdir !== undefined ? { chdir } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(subcommand !== undefined ? { subcommand } : {}),
    needsCredentials,
    credentialScope: command !== undefined && BACKEND_ONLY.has(command) ? 'backend' : 'all',
    vars,
    backendConfig,
    noColor,
  };
}
