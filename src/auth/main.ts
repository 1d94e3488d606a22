// `tfw auth …`: tfw's own surface. The argv is checked against the command
// table (args.ts) first: a mistyped flag or command stops here, before
// anything is done. yargs, built from the same table, then renders help and
// dispatches. Terraform-style arguments (-chdir=DIR, -var, -var-file,
// -backend-config) are passed through to the reader verbatim: yargs is told
// not to split or convert them.
import { styleText } from 'node:util';
import yargs, { type Argv } from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import type { Deps } from '../deps.ts';
import { TfwError } from '../errors.ts';
import { parseDuration } from '../settings.ts';
import { AUTH_COMMANDS, checkAuthArgv, type CommandSpec } from './args.ts';
import { clear, credentialProcess, exec, explain, login, status } from './commands.ts';
import { plainStyle, type Style } from './explain.ts';

function styleFor(deps: Deps, argv: readonly string[]): Style {
  if (!deps.color || argv.includes('-no-color') || argv.includes('--no-color')) return plainStyle;
  return {
    bold: (s) => styleText('bold', s),
    dim: (s) => styleText('dim', s),
    warn: (s) => styleText('yellow', s),
  };
}

const EPILOGUE = `Examples:
  tfw auth login
      get the MFA sessions the module here needs (outside one: AWS_PROFILE's)
  tfw auth exec --profile prod -- aws sts get-caller-identity
      run a command as profile prod, the MFA session behind it
  tfw auth explain --json -- -chdir=live/prod -var=env=prod
      the auth plan of live/prod as JSON, with a variable set
  tfw auth doctor
      check the set-up: each problem with its fix

Everything else is terraform's: tfw ARGS… runs terraform with exactly ARGS.
Settings: TFW_MFA_CODE, TFW_TERRAFORM, TFW_CACHE_DIR, TFW_NO_CACHE, TFW_SESSION_DURATION,
TFW_SESSION_MARGIN, TFW_APPLY_MARGIN, TFW_STS_TIMEOUT, TFW_NO_EXEC, TFW_QUIET,
TFW_DEBUG (see the README).`;

/** A session duration given on the command line: 15 minutes to 36 hours, as GetSessionToken allows. */
export function durationOption(text: string): number {
  const seconds = parseDuration(text);
  if (seconds === undefined || seconds < 900 || seconds > 129600) throw new TfwError(`auth login: --duration ${text} is not a duration between 15m and 36h (e.g. 8h, 90m, 1h30m)`, 2);
  return seconds;
}

const words = (list: unknown): string[] => (Array.isArray(list) ? list.map(String) : []);

export type Handler = (a: Record<string, unknown>, terraformArgs: string[], rest: string[]) => Promise<number>;

function handlers(deps: Deps, style: Style): Record<string, Handler> {
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return {
    explain: (a, tf, rest) => explain([...tf, ...rest], Boolean(a.json), style, deps, Boolean(a['find-device'])),
    login: async (a, tf, rest) => {
      const duration = str(a.duration);
      const seconds = duration !== undefined ? durationOption(duration) : undefined;
      const withDuration = seconds === undefined ? deps : { ...deps, env: { ...deps.env, TFW_SESSION_DURATION: String(seconds) } };
      return login(
        {
          terraformArgs: [...tf, ...rest],
          ...(str(a.profile) !== undefined ? { profile: str(a.profile)! } : {}),
          allDevices: Boolean(a['all-devices']),
          force: Boolean(a.force),
          durationGiven: seconds !== undefined,
        },
        withDuration,
      );
    },
    clear: (a) => clear(str(a.device), deps),
    status: (a) => status(Boolean(a.json), deps),
    exec: (a, tf, rest) => exec(tf, rest, str(a.profile), deps),
    'credential-process': (a) => {
      const profile = str(a.profile);
      if (profile === undefined) throw new TfwError('auth credential-process needs --profile P (tfw auth credential-process --help)', 2);
      return credentialProcess(profile, deps);
    },
    completion: async (a) => (await import('./completion.ts')).completionScript(words(a._)[1], deps),
    doctor: async (a, tf, rest) => (await import('./doctor.ts')).doctor({ terraformArgs: [...tf, ...rest], profile: str(a.profile), json: Boolean(a.json) }, deps, style),
  };
}

function buildParser(argv: readonly string[], run: (spec: CommandSpec, a: Record<string, unknown>) => Promise<void>): Argv {
  let parser = yargs([...argv])
    .scriptName('tfw auth')
    .usage('tfw auth <command> [options]\n\nSee, prepare and reuse the MFA sessions of a terraform run.')
    .parserConfiguration({
      'unknown-options-as-args': true,
      'short-option-groups': false,
      'camel-case-expansion': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'boolean-negation': false,
      'populate--': true,
    });
  for (const spec of AUTH_COMMANDS) {
    parser = parser.command(
      spec.name,
      spec.summary,
      (y) => {
        let c = y.usage(`${spec.usage}\n\n${spec.purpose}`);
        for (const o of spec.options) c = c.option(o.name, { type: o.type, describe: o.describe, ...(o.type === 'boolean' ? { default: false } : {}) });
        // Examples as text: yargs' two-column examples wrap a long command line mid-word.
        return c.epilogue(`Examples:\n${spec.examples.map(([cmd, what]) => `  ${cmd}\n      ${what}`).join('\n')}`);
      },
      (a) => run(spec, a as Record<string, unknown>),
    );
  }
  return parser
    .version(false)
    .help()
    .alias('help', 'h')
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      // The argv was checked before (args.ts): what reaches here is a command's own error.
      throw error ?? new TfwError(`auth: ${message}`, 2);
    });
}

export async function authMain(argv: readonly string[], deps: Deps): Promise<number> {
  const checked = checkAuthArgv(argv);
  if (checked.kind === 'error') throw new TfwError(checked.message, 2);
  if (checked.kind === 'complete') return (await import('./completion.ts')).printCompletions(checked.words, deps);
  if (checked.kind === 'version') {
    deps.out(`${pkg.version}\n`);
    return 0;
  }
  const style = styleFor(deps, argv);
  const table = handlers(deps, style);
  let result = 0;
  const parser = buildParser(argv, async (spec, a) => {
    const dashDash = words(a['--']);
    // Words before --: those yargs did not take as tfw's own options (terraform's), after the command's name.
    const before = words(a._).slice(1);
    const terraformArgs = spec.terraformArgs ? before : [];
    result = await table[spec.name]!(a, terraformArgs, dashDash);
  });
  if (checked.kind === 'help' || checked.help) {
    const helpArgv = checked.kind === 'command' ? [checked.spec.name, '--help'] : ['--help'];
    const text = await new Promise<string>((resolve, reject) => {
      parser.parse(helpArgv, {}, (error: Error | null | undefined, _argv: unknown, output: string) => (error ? reject(error) : resolve(output)));
    });
    deps.out(`${text}\n`);
    return 0;
  }
  await parser.parseAsync();
  return result;
}
