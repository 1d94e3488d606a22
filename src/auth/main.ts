// `tfw auth …`: tfw's own surface, parsed with yargs. Terraform-style
// arguments (-chdir=DIR, -var, -var-file, -backend-config) are passed through
// to the reader verbatim: yargs is told not to split or convert them.
import { styleText } from 'node:util';
import yargs from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import type { Deps } from '../deps.ts';
import { TfwError } from '../errors.ts';
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

const EPILOGUE = `Everything else is terraform's: tfw ARGS… runs terraform with exactly ARGS.
Settings: TFW_MFA_CODE, TFW_TERRAFORM, TFW_CACHE_DIR, TFW_NO_CACHE, TFW_SESSION_DURATION,
TFW_SESSION_MARGIN, TFW_APPLY_MARGIN, TFW_STS_TIMEOUT, TFW_QUIET, TFW_DEBUG (see the README).`;

export async function authMain(argv: readonly string[], deps: Deps): Promise<number> {
  let status_ = 0;
  let failure: TfwError | undefined;
  const style = styleFor(deps, argv);
  const run = (fn: () => Promise<number>) => async () => {
    status_ = await fn();
  };
  const parser = yargs([...argv])
    .scriptName('tfw auth')
    .usage('tfw auth <command>\n\nSee, prepare and reuse the MFA sessions of a terraform run.')
    .parserConfiguration({
      'unknown-options-as-args': true,
      'short-option-groups': false,
      'camel-case-expansion': false,
      'parse-numbers': false,
      'parse-positional-numbers': false,
      'populate--': true,
    })
    .command(
      'explain [args..]',
      'show the auth plan: provider → profile → role → MFA device → cache state (no prompt; no network unless --find-device)',
      (y) => y.positional('args', { describe: 'terraform arguments: -chdir=DIR, -var, -var-file, -backend-config; start with a command (init, apply…) to read the module as that command does (default plan)', type: 'string', array: true }).option('json', { type: 'boolean', default: false, describe: 'the documented JSON shape (docs/explain-json.md)' })
        .option('find-device', { type: 'boolean', default: false, describe: 'ask IAM (iam:ListMFADevices) for the MFA device of each identity that names none: the one network call explain makes, only when asked' }),
      (a) => run(() => explain((a.args as string[] | undefined) ?? [], Boolean(a.json), style, deps, Boolean(a['find-device'])))(),
    )
    .command(
      'login [args..]',
      'get (or renew) the MFA sessions the module needs now',
      (y) =>
        y
          .positional('args', { describe: 'terraform arguments: -chdir=DIR, -var, …', type: 'string', array: true })
          .option('profile', { type: 'string', describe: 'the devices of this profile instead of the module\'s' })
          .option('all-devices', { type: 'boolean', default: false, describe: 'every MFA device in the AWS config' })
          .option('force', { type: 'boolean', default: false, describe: 'a new session even if the cached one is valid' }),
      (a) =>
        run(() =>
          login(
            {
              terraformArgs: (a.args as string[] | undefined) ?? [],
              ...(typeof a.profile === 'string' ? { profile: a.profile } : {}),
              allDevices: Boolean(a['all-devices']),
              force: Boolean(a.force),
            },
            deps,
          ),
        )(),
    )
    .command(
      'clear',
      'delete cached MFA sessions (only tfw\'s own files)',
      (y) => y.option('device', { type: 'string', describe: 'only this MFA device (serial ARN)' }),
      (a) => run(() => clear(typeof a.device === 'string' ? a.device : undefined, deps))(),
    )
    .command(
      'status',
      'the cached sessions: device, identity, time left (nothing secret)',
      (y) => y.option('json', { type: 'boolean', default: false }),
      (a) => run(() => status(Boolean(a.json), deps))(),
    )
    .command(
      'exec [args..]',
      'run any command with the per-run AWS files: tfw auth exec [-chdir=DIR] -- CMD ARGS…',
      (y) =>
        y
          .positional('args', { describe: 'terraform arguments before --', type: 'string', array: true })
          .option('profile', { type: 'string', describe: 'the files for this profile instead of the module\'s' }),
      (a) => run(() => exec((a.args as string[] | undefined) ?? [], (a['--'] as string[] | undefined) ?? [], typeof a.profile === 'string' ? a.profile : undefined, deps))(),
    )
    .command(
      'credential-process',
      'print credential_process JSON for a profile from the cached MFA session',
      (y) => y.option('profile', { type: 'string', demandOption: true, describe: 'the profile (its roles are assumed with the session)' }),
      (a) => run(() => credentialProcess(String(a.profile), deps))(),
    )
    .demandCommand(1, 'tfw auth needs a command')
    .strictCommands()
    .recommendCommands()
    .version(pkg.version)
    .help()
    .epilogue(EPILOGUE)
    .wrap(Math.min(100, process.stdout.columns || 100))
    .exitProcess(false)
    .fail((message, error) => {
      if (error) throw error;
      failure = new TfwError(`auth: ${message} (see tfw auth --help)`, 2);
    });
  await parser.parseAsync();
  if (failure) throw failure;
  return status_;
}
