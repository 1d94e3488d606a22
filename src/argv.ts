// Looks at terraform's argv without rewriting it (the antfu/ni habit): which
// command, does it need credentials, and the few options that change what the
// root module means. Imports nothing heavy: the pass-through path runs on this.
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
   * What the command authenticates (COMMANDS). A provider or a backend the
   * command never configures must not cost the user a prompt.
   */
  credentialScope: CredentialScope;
  /**
   * TF_CLI_ARGS could still make this pass-through a credentialed run: there
   * is no command (terraform puts TF_CLI_ARGS first) or only a parent one
   * (`state` + TF_CLI_ARGS_state="list"). Everywhere else they only add options.
   */
  envMayChange: boolean;
  vars: VarArg[];
  backendConfig: BackendConfigArg[];
  /** `-no-color` given: tfw's own colours go quiet too. */
  noColor: boolean;
}

/**
 * What a command makes terraform configure, and so what it authenticates:
 * `none` runs terraform untouched; `backend` reads or writes state (init
 * downloads providers but never configures them); `providers` configures
 * providers but no backend (`test` keeps its state in memory); `all` both.
 */
export type CredentialScope = 'none' | 'backend' | 'providers' | 'all';

/**
 * terraform's own command list (v1.11.4 commands.go; `query` from 1.14), each
 * command and nested command with what it configures, read from its source
 * (internal/command/*.go: which call `c.Backend(…)`, which walk a plan or an
 * apply, where NodeApplyableProvider configures the provider). A word that
 * is not here (a typo, tfw's `auth` after -chdir, a command of a newer
 * terraform) runs terraform untouched: terraform says what it makes of it.
 * bin/tfw holds the same table in sh (test/launcher.test.ts checks they agree).
 */
export const COMMANDS: Readonly<Record<string, CredentialScope>> = {
  // Plan or apply walks: ConfigureProvider, and the backend holds the state.
  plan: 'all',
  apply: 'all',
  destroy: 'all',
  refresh: 'all',
  import: 'all',
  query: 'all',
  // c.Backend(…) and state, but no plan walk: providers are never configured.
  // (console evaluates with walkEval, which configures no provider; console -plan plans.)
  init: 'backend',
  console: 'backend',
  graph: 'backend',
  output: 'backend',
  show: 'backend',
  taint: 'backend',
  untaint: 'backend',
  'force-unlock': 'backend',
  providers: 'backend',
  'providers schema': 'backend',
  'state list': 'backend',
  'state identities': 'backend',
  'state mv': 'backend',
  'state pull': 'backend',
  'state push': 'backend',
  'state replace-provider': 'backend',
  'state rm': 'backend',
  'state show': 'backend',
  'workspace delete': 'backend',
  'workspace list': 'backend',
  'workspace new': 'backend',
  'workspace select': 'backend',
  'env delete': 'backend',
  'env list': 'backend',
  'env new': 'backend',
  'env select': 'backend',
  // Runs plans and applies with in-memory state: providers, no backend.
  test: 'providers',
  // Configuration, registry, local files or help only.
  fmt: 'none',
  validate: 'none',
  version: 'none',
  get: 'none',
  login: 'none',
  logout: 'none',
  metadata: 'none',
  'metadata functions': 'none',
  modules: 'none',
  'providers lock': 'none',
  'providers mirror': 'none',
  state: 'none',
  workspace: 'none',
  'workspace show': 'none',
  env: 'none',
  push: 'none',
  'internal-plugin': 'none',
  rpcapi: 'none',
};

/** Parent commands whose nested command TF_CLI_ARGS_<parent> could supply (`state` + `list`). */
export const PARENTS: ReadonlySet<string> = new Set(
  Object.keys(COMMANDS).filter((k) => k.includes(' ')).map((k) => k.slice(0, k.indexOf(' '))),
);

// main.go turns any of these, anywhere, into `version`; hashicorp/cli reads the
// help and autocomplete-install flags anywhere before `--`.
const VERSION_FLAGS = new Set(['-v', '-version', '--version']);
const HELP_FLAGS = new Set(['-h', '-help', '--help']);
const AUTOCOMPLETE_FLAGS = new Set(['-install-autocomplete', '--install-autocomplete', '-uninstall-autocomplete', '--uninstall-autocomplete']);
// Go's strconv.ParseBool.
const GO_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** A boolean flag as Go's flag package reads it, the last one winning: undefined when absent, false also when invalid (terraform refuses it). */
function boolFlag(args: readonly string[], name: string): boolean | undefined {
  let value: boolean | undefined;
  for (const a of args) {
    if (a === '--') break;
    const bare = a.startsWith('--') ? a.slice(2) : a.startsWith('-') ? a.slice(1) : undefined;
    if (bare === name) value = true;
    else if (bare?.startsWith(`${name}=`)) value = GO_TRUE.has(bare.slice(name.length + 1));
  }
  return value;
}

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
 * alone: enough for the pass-through decision unless `envMayChange`.
 */
export function analyzeArgs(argv: readonly string[], effective: readonly string[] = argv): TerraformArgs {
  return { ...analyzeWords(effective), argv };
}

/** main.go's extractChdirOption: the last `-chdir=DIR` among the leading options, removed; `-chdir` without `=DIR` is an error. */
function extractChdir(argv: readonly string[]): { chdir?: string; at: number; invalid: boolean } {
  let chdir: string | undefined;
  let at = -1;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) break;
    if (a === '-chdir' || a === '-chdir=') return { at: -1, invalid: true };
    if (a.startsWith('-chdir=')) {
      chdir = a.slice('-chdir='.length);
      at = i;
    }
  }
  return { ...(chdir !== undefined ? { chdir } : {}), at, invalid: false };
}

/** The command as hashicorp/cli finds it (processArgs), and why terraform would not run one. */
function findCommand(args: readonly string[]): { command?: string; at: number; help: boolean; refused: boolean } {
  let help = false;
  let refused = false;
  let command: string | undefined;
  let at = -1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (HELP_FLAGS.has(a) || AUTOCOMPLETE_FLAGS.has(a)) {
      help = true;
      continue;
    }
    if (command !== undefined) continue;
    if (VERSION_FLAGS.has(a)) continue;
    // Any other flag before the command: "Invalid flags before the subcommand".
    if (a.startsWith('-')) refused = true;
    else if (a !== '') {
      command = a;
      at = i;
    }
  }
  return { ...(command !== undefined ? { command } : {}), at, help, refused };
}

function analyzeWords(argv: readonly string[]): TerraformArgs {
  const dir = extractChdir(argv);
  const args = dir.at >= 0 ? [...argv.slice(0, dir.at), ...argv.slice(dir.at + 1)] : argv;
  const found = findCommand(args);
  const command = found.command;
  const rest = found.at >= 0 ? args.slice(found.at + 1) : [];
  // A nested command is the next word, when terraform knows the pair (`state list`; `state lsit` is `state`'s help).
  const next = rest[0];
  const subcommand = command !== undefined && next !== undefined && COMMANDS[`${command} ${next}`] !== undefined ? next : undefined;
  const vars: VarArg[] = [];
  const backendConfig: BackendConfigArg[] = [];
  let noColor = false;
  for (let j = 0; j < rest.length; j++) {
    const a = rest[j]!;
    if (a === '--') break;
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
  }
  if (argv.includes('-no-color')) noColor = true;

  const key = subcommand !== undefined ? `${command} ${subcommand}` : command;
  let scope: CredentialScope = key !== undefined && Object.hasOwn(COMMANDS, key) ? COMMANDS[key]! : 'none';
  // init -backend=false neither configures the backend nor any provider; console -plan plans.
  if (command === 'init' && boolFlag(rest, 'backend') === false) scope = 'none';
  if (command === 'console' && boolFlag(rest, 'plan') === true) scope = 'all';
  // What terraform runs instead of the command: its version, its help, an error.
  const notRun = dir.invalid || found.help || found.refused || args.some((a) => VERSION_FLAGS.has(a));
  if (notRun) scope = 'none';

  return {
    argv,
    ...(dir.chdir !== undefined ? { chdir: dir.chdir } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(subcommand !== undefined ? { subcommand } : {}),
    needsCredentials: scope !== 'none',
    credentialScope: scope,
    envMayChange: !notRun && (command === undefined || (PARENTS.has(command) && subcommand === undefined)),
    vars,
    backendConfig,
    noColor,
  };
}

/** Whether TF_CLI_ARGS or a TF_CLI_ARGS_<command> is set (their words are read on the credentialed path only, env-args.ts). */
export function hasEnvironmentArgs(env: Env): boolean {
  return Boolean(env.TF_CLI_ARGS) || Object.keys(env).some((k) => k.startsWith('TF_CLI_ARGS_') && Boolean(env[k]));
}
