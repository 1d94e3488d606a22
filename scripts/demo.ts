// `npm run demo`: tfw at work on a multi-account root module, end to end, on
// this machine alone. Nothing here touches the user's AWS setup or AWS itself:
//   - STS is the project's stand-in on loopback (test/support/sts-standin.ts),
//     with one IAM user and three roles that trust only MFA-authenticated callers;
//   - HOME is a throw-away directory with a ready ~/.aws/config + credentials;
//   - terraform is fixtures/demo/bin/terraform, a fake that authenticates the
//     backend and each provider alias with the AWS SDK's own credential chain
//     from the per-run files tfw hands it, and prints who each one is.
// The MFA code is asked on the terminal (any 6 digits); without a terminal
// (CI, a pipe) TFW_MFA_CODE=123456 stands in for it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStsStandIn, type StsStandIn } from '../test/support/sts-standin.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TFW = join(ROOT, 'bin', 'tfw.js');
const MODULE_DIR = join(ROOT, 'fixtures', 'demo');
const FAKE_TERRAFORM = join(MODULE_DIR, 'bin', 'terraform');

const USER = {
  userName: 'demo',
  account: '123456789012',
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  mfaSerial: 'arn:aws:iam::123456789012:mfa/demo',
};
const ROLES = {
  'demo-state': 'arn:aws:iam::111111111111:role/terraform-state',
  'demo-network': 'arn:aws:iam::222222222222:role/terraform-network',
  'demo-apps': 'arn:aws:iam::333333333333:role/terraform-apps',
} as const;

const AWS_CONFIG = `[profile demo-user]
region = eu-west-1
mfa_serial = ${USER.mfaSerial}
${Object.entries(ROLES)
  .map(([name, arn]) => `
[profile ${name}]
role_arn = ${arn}
source_profile = demo-user
mfa_serial = ${USER.mfaSerial}
region = eu-west-1
`)
  .join('')}`;

const AWS_CREDENTIALS = `[demo-user]
aws_access_key_id = ${USER.accessKeyId}
aws_secret_access_key = ${USER.secretAccessKey}
`;

/** What the fake terraform authenticates: each block of fixtures/demo/main.tf with the profile terraform.tfvars gives it. */
const DEMO_PROFILES = ['backend "s3"=demo-state', 'aws.network=demo-network', 'aws.apps=demo-apps', 'aws.shared=demo-state'].join(',');

const bold = (s: string): string => (process.stdout.isTTY && process.env.NO_COLOR === undefined ? `\x1b[1m${s}\x1b[22m` : s);
const say = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
let stepNo = 0;
function step(title: string, ...explanation: string[]): void {
  stepNo++;
  say();
  say(bold(`── ${stepNo}. ${title} ${'─'.repeat(Math.max(3, 68 - title.length))}`));
  for (const line of explanation) say(`   ${line}`);
  say();
}

class StepFailed extends Error {}

let sts: StsStandIn | undefined;
let temp: string | undefined;
let child: ChildProcess | undefined;
let interrupted: NodeJS.Signals | undefined;

async function cleanup(): Promise<void> {
  await sts?.stop().catch(() => {});
  sts = undefined;
  if (temp) await rm(temp, { recursive: true, force: true }).catch(() => {});
  temp = undefined;
}

const SIGNAL_NUMBER: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

function onSignal(signal: NodeJS.Signals): void {
  if (interrupted) return;
  interrupted = signal;
  // Ctrl-C reaches tfw (and terraform) from the terminal by itself; a SIGTERM/SIGHUP
  // sent to the demo alone is passed on. Either way: wait for the child, then clean up.
  if (child && child.exitCode === null && child.signalCode === null) {
    if (signal !== 'SIGINT') child.kill(signal);
    return;
  }
  void cleanup().then(() => process.exit(128 + (SIGNAL_NUMBER[signal] ?? 1)));
}

/** Runs `tfw ARGS…` in the demo module with the terminal's stdio; fails the demo on a non-zero exit. */
function tfw(args: string[], env: Record<string, string>): Promise<void> {
  say(`$ tfw ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const c = spawn(process.execPath, [TFW, ...args], { cwd: MODULE_DIR, env, stdio: 'inherit' });
    child = c;
    c.on('error', (e) => reject(new StepFailed(`cannot start tfw: ${e.message}`)));
    c.on('close', (code, signal) => {
      child = undefined;
      // 130: Ctrl-C at the prompt (the terminal is in raw mode there: tfw, not the demo, sees it).
      if (!interrupted && code === 130) interrupted = 'SIGINT';
      if (interrupted) reject(new StepFailed(`interrupted (${interrupted})`));
      else if (code === 0) resolvePromise();
      else reject(new StepFailed(`\`tfw ${args.join(' ')}\` ${signal ? `was killed by ${signal}` : `exited with ${code}`}`));
    });
  });
}

/** The children's environment: the throw-away HOME, loopback STS, the fake terraform; nothing AWS_* / TF_* / TFW_* of the user's. */
function childEnv(home: string, cache: string, runtime: string, stsUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|TF_|TFW_|XDG_)/.test(k) || k === 'HOME' || k === 'CHECKPOINT_DISABLE') continue;
    env[k] = v;
  }
  return {
    ...env,
    HOME: home,
    XDG_CACHE_HOME: cache,
    XDG_RUNTIME_DIR: runtime,
    AWS_ENDPOINT_URL_STS: stsUrl,
    TFW_TERRAFORM: FAKE_TERRAFORM,
    CHECKPOINT_DISABLE: '1',
    DEMO_PROFILES,
    DEMO_REGION: 'eu-west-1',
    ...extra,
  };
}

async function demo(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    throw new StepFailed('dist/ is not built: run `npm run demo` (or `node scripts/build.mjs` first)');
  }
  const terminal = process.stdin.isTTY === true;

  say(bold('tfw demo: one MFA code for a root module that spans three AWS accounts'));
  say(`   module: ${MODULE_DIR}`);
  say('   (STS is a stand-in on loopback, HOME a throw-away directory, terraform a fake that');
  say('    authenticates each block with the AWS SDK; nothing here talks to AWS)');

  sts = await startStsStandIn({ users: [USER], roles: Object.values(ROLES).map((arn) => ({ arn, requireMfa: true })) });
  temp = await mkdtemp(join(tmpdir(), 'tfw-demo-'));
  const home = join(temp, 'home');
  const cache = join(temp, 'cache');
  const runtime = join(temp, 'runtime');
  await mkdir(join(home, '.aws'), { recursive: true, mode: 0o700 });
  await mkdir(runtime, { mode: 0o700 });
  await writeFile(join(home, '.aws', 'config'), AWS_CONFIG);
  await writeFile(join(home, '.aws', 'credentials'), AWS_CREDENTIALS, { mode: 0o600 });
  await chmod(join(home, '.aws', 'credentials'), 0o600);

  step(
    'The setup',
    `STS stand-in at ${sts.url}: IAM user ${USER.userName} in account ${USER.account} with MFA device`,
    `${USER.mfaSerial}; roles that trust only MFA-authenticated callers:`,
    ...Object.values(ROLES).map((arn) => `  ${arn}`),
    `HOME=${home}, with this ~/.aws/config (mfa_serial on every role profile):`,
  );
  for (const line of AWS_CONFIG.trimEnd().split('\n')) say(`   │ ${line}`);
  say();
  say(`   and ~/.aws/credentials holding the long-term keys of [demo-user] (${USER.accessKeyId}).`);
  say('   Plain terraform fails on this module with "assume role with MFA enabled, but');
  say('   AssumeRoleTokenProvider session option not set."');

  const env = childEnv(home, cache, runtime, sts.url);
  const codeEnv: Record<string, string> = terminal ? {} : { TFW_MFA_CODE: '123456' };

  step(
    'tfw auth explain: what tfw reads from the module (no network, no prompt)',
    'The backend and each provider alias, their profile (var.* evaluated from terraform.tfvars),',
    'the role each one assumes, and the MFA device behind them: one device, so one code.',
  );
  await tfw(['auth', 'explain'], { ...env, ...codeEnv });

  step(
    'tfw plan: one code, then terraform runs with private per-run AWS files',
    terminal
      ? 'tfw asks for the code of the device below (on stderr). The stand-in accepts any 6 digits.'
      : 'stdin is not a terminal, so the demo sets TFW_MFA_CODE=123456 instead of a prompt.',
    'tfw gets one MFA session (sts:GetSessionToken), writes a per-run config + credentials in which',
    'demo-user holds the session and mfa_serial is gone, and runs terraform with them.',
  );
  await tfw(['plan'], { ...env, ...codeEnv });

  step(
    'tfw plan again: the cached session, no code',
    'The MFA session is cached (12 h by default): this run asks for nothing.',
    ...(terminal ? [] : ['(TFW_MFA_CODE is not set this time: without a cached session tfw would fail at once.)']),
  );
  await tfw(['plan'], env);

  step('tfw auth status: the cached session (nothing secret)');
  await tfw(['auth', 'status'], env);

  step('What the STS stand-in saw');
  say(`   GetSessionToken:   ${sts.calls.GetSessionToken}   (one MFA code, one session, for both plans)`);
  say(`   AssumeRole:        ${sts.calls.AssumeRole}   (made by the SDK in terraform, from the session, per block and run)`);
  say(`   GetCallerIdentity: ${sts.calls.GetCallerIdentity}`);
  if (sts.calls.GetSessionToken !== 1) throw new StepFailed(`expected one GetSessionToken, the stand-in saw ${sts.calls.GetSessionToken}`);
  say();
  say(bold('Done: one code, four blocks, three accounts; the per-run files are gone, the temp HOME is removed.'));
}

for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);

let status = 0;
try {
  await demo();
} catch (error) {
  status = interrupted ? 128 + (SIGNAL_NUMBER[interrupted] ?? 1) : 1;
  const message = error instanceof StepFailed ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`\ndemo failed: ${message}\n`);
} finally {
  await cleanup();
}
process.exit(status);
