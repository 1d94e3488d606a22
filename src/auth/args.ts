// The `tfw auth` command table, and the strict check of an argv against it.
// Pure: argv in, a decision out. main.ts builds yargs (help, dispatch) from
// the same table, completion.ts lists from it, and the check runs before
// either, so a mistyped flag stops `tfw auth` before anything is done.
import { quote } from 'shell-quote';
import { parseDuration } from '../settings.ts';

export interface OptionSpec {
  name: string;
  type: 'boolean' | 'string';
  describe: string;
  /** What the value is, for help and completion. */
  value?: 'profile' | 'device' | 'duration' | 'shell';
}

export interface CommandSpec {
  name: string;
  /** One line, for `tfw auth --help`. */
  summary: string;
  /** The command's help: what it is for. */
  purpose: string;
  usage: string;
  examples: Array<[string, string]>;
  options: OptionSpec[];
  /** Words before `--` may be terraform's (-chdir=DIR, -var, -var-file, -backend-config, a command). */
  terraformArgs: boolean;
  /** What follows `--`: terraform's arguments, the command to run, or nothing. */
  rest: 'terraform' | 'command' | 'none';
  /** One optional word the command takes (completion's shell). */
  word?: { name: string; choices: readonly string[] };
}

const JSON_OPTION: OptionSpec = { name: 'json', type: 'boolean', describe: 'machine-readable output (a documented, versioned shape)' };
const PROFILE_VALUE = 'profile' as const;

export const AUTH_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'explain',
    summary: 'the auth plan of the module: provider → profile → role → MFA device → cache state',
    purpose: 'Shows, for the root module here (or -chdir), which AWS profile, role and MFA device each provider and the backend use, and whether a run would ask for a code. No prompt; no network unless --find-device.',
    usage: 'tfw auth explain [--json] [--find-device] [TERRAFORM ARGS…] [-- TERRAFORM ARGS…]',
    examples: [
      ['tfw auth explain', 'the plan of the module in this directory'],
      ['tfw auth explain --json -- -chdir=live/prod -var=env=prod', 'as JSON, reading live/prod with env=prod'],
      ['tfw auth explain init -backend-config=prod.hcl', 'what `init` would need'],
    ],
    options: [
      JSON_OPTION,
      { name: 'find-device', type: 'boolean', describe: 'ask IAM (iam:ListMFADevices) for the MFA device of each identity that names none: the one network call explain makes, only when asked' },
    ],
    terraformArgs: true,
    rest: 'terraform',
  },
  {
    name: 'login',
    summary: 'get (or renew) the MFA sessions the module, a profile or every device needs, now',
    purpose: 'Gets an MFA session for every device the module here needs (or the devices of --profile, or of every MFA profile with --all-devices), so later runs ask nothing. Outside a module: the devices of AWS_PROFILE (or default).',
    usage: 'tfw auth login [--profile P | --all-devices] [--duration D] [--force] [TERRAFORM ARGS…]',
    examples: [
      ['tfw auth login', 'the sessions of the module here, or of AWS_PROFILE outside one'],
      ['tfw auth login --profile prod --duration 8h', 'an 8-hour session for the device behind profile prod'],
      ['tfw auth login --all-devices --force', 'a new session for every MFA device in ~/.aws/config'],
    ],
    options: [
      { name: 'profile', type: 'string', describe: 'the devices of this profile\'s chain instead of the module\'s', value: PROFILE_VALUE },
      { name: 'all-devices', type: 'boolean', describe: 'every MFA device in the AWS config' },
      { name: 'duration', type: 'string', describe: 'how long a new session lasts, 15m to 36h (overrides TFW_SESSION_DURATION)', value: 'duration' },
      { name: 'force', type: 'boolean', describe: 'a new session even if the cached one is valid' },
    ],
    terraformArgs: true,
    rest: 'terraform',
  },
  {
    name: 'status',
    summary: 'the cached sessions: device, account, user, time left (nothing secret)',
    purpose: 'Lists the MFA sessions in tfw\'s cache: device, account, user, profile and time left. Reads only the cache: no network, no prompt.',
    usage: 'tfw auth status [--json]',
    examples: [['tfw auth status --json', 'the same as JSON (docs: README, "tfw auth")']],
    options: [JSON_OPTION],
    terraformArgs: false,
    rest: 'none',
  },
  {
    name: 'clear',
    summary: 'delete cached MFA sessions (only tfw\'s own files)',
    purpose: 'Deletes the cached MFA sessions (all, or one device\'s). Only tfw\'s own files in the cache directory are touched.',
    usage: 'tfw auth clear [--device ARN]',
    examples: [
      ['tfw auth clear', 'forget every cached session'],
      ['tfw auth clear --device arn:aws:iam::111111111111:mfa/alice', 'forget one device\'s session'],
    ],
    options: [{ name: 'device', type: 'string', describe: 'only this MFA device (serial ARN)', value: 'device' }],
    terraformArgs: false,
    rest: 'none',
  },
  {
    name: 'exec',
    summary: 'run a command as a profile, with the MFA session behind it (like aws-vault exec)',
    purpose: 'Runs CMD with per-run AWS files that carry the MFA session (from the cache, or one code), AWS_PROFILE set to the profile, its region in AWS_REGION/AWS_DEFAULT_REGION (unless set) and TFW_PROFILE saying so. The files are removed when CMD ends. Without --profile: the module\'s profiles, or AWS_PROFILE (or default) outside a module.',
    usage: 'tfw auth exec [--profile P] [-chdir=DIR] -- CMD [ARGS…]',
    examples: [
      ['tfw auth exec --profile prod -- aws sts get-caller-identity', 'the aws CLI as profile prod'],
      ['tfw auth exec -- ./deploy.sh', 'a script with the module\'s sessions'],
    ],
    options: [{ name: 'profile', type: 'string', describe: 'run as this profile (AWS_PROFILE), its devices\' sessions behind it', value: PROFILE_VALUE }],
    terraformArgs: true,
    rest: 'command',
  },
  {
    name: 'credential-process',
    summary: 'print credential_process JSON for a profile from the cached MFA session',
    purpose: 'Prints the AWS credential_process JSON for a profile, its roles assumed with the cached MFA session: point a profile\'s credential_process at it and every SDK uses tfw\'s session. Prompts only on a terminal.',
    usage: 'tfw auth credential-process --profile P',
    examples: [['credential_process = tfw auth credential-process --profile prod', 'in ~/.aws/config, under [profile prod-via-tfw]']],
    options: [{ name: 'profile', type: 'string', describe: 'the profile (its roles are assumed with the session)', value: PROFILE_VALUE }],
    terraformArgs: false,
    rest: 'none',
  },
  {
    name: 'doctor',
    summary: 'check terraform, the AWS files, the cache, each profile\'s device, STS and the clock',
    purpose: 'Checks what tfw needs, each a line with ✓ or ✗ and the fix: terraform found, the AWS files readable, the cache directory safe, each profile of the module (or --profile) resolvable with its device, STS reachable and the clock\'s skew against it, and how the shell reaches tfw.',
    usage: 'tfw auth doctor [--profile P] [--json] [TERRAFORM ARGS…]',
    examples: [
      ['tfw auth doctor', 'check the module here'],
      ['tfw auth doctor --profile prod --json', 'one profile, as JSON'],
    ],
    options: [{ name: 'profile', type: 'string', describe: 'check this profile instead of the module\'s', value: PROFILE_VALUE }, JSON_OPTION],
    terraformArgs: true,
    rest: 'terraform',
  },
  {
    name: 'completion',
    summary: 'print the shell completion script for `tfw auth` (bash or zsh)',
    purpose: 'Prints a completion script for `tfw auth …`. It completes commands, flags and profile names from ~/.aws/config; it never calls STS and never prompts.',
    usage: 'tfw auth completion [bash|zsh]',
    word: { name: 'shell', choices: ['bash', 'zsh'] },
    examples: [
      ['tfw auth completion bash >> ~/.bashrc', 'install for bash (then open a new shell)'],
      ['tfw auth completion zsh >> ~/.zshrc', 'install for zsh (after compinit; then open a new shell)'],
    ],
    options: [],
    terraformArgs: false,
    rest: 'none',
  },
];

/** Options every command accepts. */
const GLOBAL_FLAGS = new Set(['--help', '-h', '-help', '-no-color', '--no-color']);

/** terraform's own commands: an auth command can be asked to read the module as one of them. */
export const TERRAFORM_COMMANDS = new Set(['init', 'plan', 'apply', 'destroy', 'refresh', 'import', 'console', 'output', 'state', 'workspace', 'show', 'taint', 'untaint', 'force-unlock', 'test']);
/** terraform options that decide what the module reads: `-NAME=V` or `-NAME V`. */
const TERRAFORM_VALUED = ['var', 'var-file', 'backend-config'];

export type AuthArgv =
  | { kind: 'help' }
  | { kind: 'version' }
  /** The shell completion scripts asking for candidates: the words after `tfw auth`. */
  | { kind: 'complete'; words: string[] }
  | { kind: 'command'; spec: CommandSpec; help: boolean }
  | { kind: 'error'; message: string };

/** Levenshtein distance, for "did you mean". */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate, when it is close enough to be a typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const bare = (s: string): string => s.replace(/^-+/, '').toLowerCase();
  for (const c of candidates) {
    const d = distance(bare(word), bare(c));
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(bare(best).length / 3)) ? best : undefined;
}

const didYouMean = (word: string, candidates: readonly string[]): string => {
  const c = closest(word, candidates);
  return c ? `; did you mean ${c}?` : '';
};

const shown = (token: string): string => JSON.stringify(token.length > 60 ? `${token.slice(0, 60)}…` : token).replace(/^"|"$/g, '');

/**
 * Checks `tfw auth ARGV` against the command table: every word before `--`
 * must be the command, one of its options (with its value), a terraform
 * argument where the command reads a module, or help. Anything else is an
 * error that names it and suggests the nearest, before anything is done.
 */
export function checkAuthArgv(argv: readonly string[]): AuthArgv {
  const names = AUTH_COMMANDS.map((c) => c.name);
  let i = 0;
  while (i < argv.length && (argv[i] === '-no-color' || argv[i] === '--no-color')) i++;
  const first = argv[i];
  if (first === '__complete') return { kind: 'complete', words: argv.slice(i + 1) };
  if (first === undefined) return { kind: 'error', message: `tfw auth needs a command: ${names.join(', ')} (tfw auth --help)` };
  if (first === '--help' || first === '-h' || first === '-help' || first === 'help') {
    // `tfw auth help status` = `tfw auth status --help`
    const spec = AUTH_COMMANDS.find((c) => c.name === argv[i + 1]);
    return spec ? { kind: 'command', spec, help: true } : { kind: 'help' };
  }
  if (first === '--version' || first === '-version' || first === '-v') return argv.length === i + 1 ? { kind: 'version' } : { kind: 'error', message: `auth: --version takes nothing else` };
  if (first.startsWith('-')) return { kind: 'error', message: `auth: unknown option ${shown(first)}${didYouMean(first, ['--help', '--version'])} (tfw auth --help)` };
  const spec = AUTH_COMMANDS.find((c) => c.name === first);
  if (!spec) {
    const suggestion = closest(first, names);
    return { kind: 'error', message: `auth: unknown command ${shown(first)}${suggestion ? `; did you mean \`tfw auth ${suggestion}\`?` : ''} (commands: ${names.join(', ')})` };
  }
  const where = `tfw auth ${spec.name}`;
  const known = spec.options.map((o) => `--${o.name}`);
  const candidates = [...known, ...(spec.terraformArgs ? ['-chdir', ...TERRAFORM_VALUED.map((n) => `-${n}`)] : []), '--help'];
  let help = false;
  let sawWord = false;
  for (i = i + 1; i < argv.length; i++) {
    const token = argv[i]!;
    if (token === '--') {
      if (spec.rest === 'none' && i + 1 < argv.length) return { kind: 'error', message: `${where} takes nothing after --: ${shown(argv[i + 1]!)} (${where} --help)` };
      break;
    }
    if (GLOBAL_FLAGS.has(token)) {
      if (token !== '-no-color' && token !== '--no-color') help = true;
      continue;
    }
    const option = /^--?([A-Za-z][\w-]*)(=([\s\S]*))?$/.exec(token);
    const name = option?.[1];
    const own = name !== undefined ? spec.options.find((o) => o.name === name) : undefined;
    if (own) {
      const value = own.type === 'string' && option![3] === undefined ? argv[i + 1] : option![3];
      if (own.value === 'duration' && value !== undefined && !value.startsWith('-')) {
        const seconds = parseDuration(value);
        if (seconds === undefined || seconds < 900 || seconds > 129600) return { kind: 'error', message: `${where}: --${own.name} ${shown(value)} is not a duration between 15m and 36h (e.g. 8h, 90m, 1h30m)` };
      }
      if (own.type === 'string' && option![3] === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next === '--' || next.startsWith('--')) return { kind: 'error', message: `${where}: --${own.name} needs a value (${spec.usage})` };
        i++;
        continue;
      }
      if (own.type === 'boolean') {
        if (value !== undefined && value !== 'true' && value !== 'false') return { kind: 'error', message: `${where}: --${own.name} takes no value (got ${shown(token)})` };
        continue;
      }
      if (value === '') return { kind: 'error', message: `${where}: --${own.name} needs a value` };
      continue;
    }
    if (spec.terraformArgs && name !== undefined) {
      if (name === 'chdir' && option![3] !== undefined) continue;
      if (TERRAFORM_VALUED.includes(name)) {
        if (option![3] === undefined) {
          if (argv[i + 1] === undefined || argv[i + 1] === '--') return { kind: 'error', message: `${where}: -${name} needs a value` };
          i++;
        }
        continue;
      }
    }
    if (token.startsWith('-')) {
      const bare = token.replace(/=[\s\S]*$/, '');
      const suggestion = didYouMean(bare, candidates);
      // A terraform flag that does not change how the module reads (-reconfigure, -input=false): after --.
      const after = !suggestion && spec.rest === 'terraform' && !token.startsWith('--') ? `; terraform's own arguments go after --: ${where} -- ${shown(token)}` : '';
      return { kind: 'error', message: `${where}: unknown option ${shown(bare)}${suggestion}${after} (${where} --help)` };
    }
    // A bare word: where the command reads a module, the terraform command to read it as (first word only).
    if (spec.terraformArgs && !sawWord && TERRAFORM_COMMANDS.has(token)) {
      sawWord = true;
      continue;
    }
    if (spec.word && !sawWord) {
      sawWord = true;
      if (spec.word.choices.includes(token)) continue;
      return { kind: 'error', message: `${where}: unknown ${spec.word.name} ${shown(token)}${didYouMean(token, spec.word.choices)} (one of ${spec.word.choices.join(', ')})` };
    }
    if (spec.rest === 'command') {
      const before = argv.slice(0, i);
      const after = argv.slice(i);
      return { kind: 'error', message: `${where}: the command goes after --: tfw auth ${quote([...before, '--', ...after])}` };
    }
    const suggestion = spec.terraformArgs ? closest(token, [...TERRAFORM_COMMANDS]) : undefined;
    return {
      kind: 'error',
      message: `${where}: unexpected argument ${shown(token)}${suggestion ? `; did you mean ${suggestion}?` : ''}${spec.rest === 'terraform' ? ' (terraform\'s arguments go after --)' : ''} (${where} --help)`,
    };
  }
  return { kind: 'command', spec, help };
}
