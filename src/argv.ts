// Looks at terraform's argv without rewriting it (the antfu/ni habit): which
// command, does it need credentials, and the few options that change what the
// root module means. Imports nothing heavy: the pass-through path runs on this.
import type { BackendConfigArg, VarArg } from './model.ts';

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

/**
 * Reads `effective` (the argv with what TF_CLI_ARGS* add, env-args.ts) and
 * returns the user's own `argv` for handing on. Without `effective`, the argv
 * alone: enough for the pass-through decision, since TF_CLI_ARGS can only add
 * to a command (`-backend=false`, `-help`), never change it.
 */
export function analyzeArgs(argv: readonly string[], effective: readonly string[] = argv): TerraformArgs {
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
