// `tfw auth`'s command line: strict parsing (a mistyped flag or command does
// nothing and says so, with a suggestion), `--` separating terraform's or the
// command's arguments, help per command, --duration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkAuthArgv } from '../src/auth/args.ts';
import { moduleSandbox, runTfw } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0016', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000016', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
let sts: StsStandIn;
let code = 160000;
const fresh = (): string => String(code++);
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [] });
});
after(() => sts?.stop());

const CONFIG = `[profile source]
mfa_serial = ${ALICE.mfaSerial}
region = eu-west-2

[profile env-dev]
region = eu-west-1

[profile env-prod]
mfa_serial = ${ALICE.mfaSerial}
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[env-dev]
aws_access_key_id = AKIADEVEXAMPLE000016
aws_secret_access_key = dev

[env-prod]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}
`;
const MAIN = `variable "env" {
  default = "prod"
}
provider "aws" {
  profile = "env-\${var.env}"
}
`;
const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: sts.url } });

test('the strict check: each mistake is one message with the nearest name', () => {
  const cases: Array<[string[], RegExp]> = [
    [['stauts'], /unknown command stauts; did you mean `tfw auth status`\?/],
    [['clear', '--devcie', 'X'], /tfw auth clear: unknown option --devcie; did you mean --device\?/],
    [['status', '--jsno'], /unknown option --jsno; did you mean --json\?/],
    [['login', '--profle', 'prod'], /unknown option --profle; did you mean --profile\?/],
    [['explain', '--jsn'], /unknown option --jsn; did you mean --json\?/],
    [['explain', '-chdri=x'], /unknown option -chdri; did you mean -chdir\?/],
    [['login', '--duration', '1x'], /--duration 1x is not a duration between 15m and 36h/],
    [['login', '--duration', '10m'], /is not a duration between 15m and 36h/],
    [['login', '--profile'], /--profile needs a value/],
    [['status', '--version'], /unknown option --version/],
    [['status', '--', 'x'], /takes nothing after --/],
    [['exec', 'aws', 'sts', 'get-caller-identity'], /the command goes after --: tfw auth exec -- aws sts get-caller-identity$/],
    [['explain', 'frobnicate'], /unexpected argument frobnicate/],
    [['explain', 'init', '-reconfigure'], /unknown option -reconfigure; terraform's own arguments go after --: tfw auth explain -- -reconfigure/],
    [['status', '--json=yes'], /--json takes no value/],
    [[], /needs a command/],
  ];
  for (const [argv, want] of cases) {
    const r = checkAuthArgv(argv);
    assert.equal(r.kind, 'error', argv.join(' '));
    assert.match((r as { message: string }).message, want, argv.join(' '));
    assert.doesNotMatch((r as { message: string }).message, /\n/);
  }
  for (const argv of [
    ['status', '--json'],
    ['clear', '--device=arn:aws:iam::1:mfa/x'],
    ['login', '--duration', '1h', '--profile', 'p', '--force'],
    ['explain', 'init', '-chdir=live', '-var', 'a=b', '-var-file=x.tfvars', '--json', '--', '-var=env=dev'],
    ['exec', '--profile', 'p', '--', 'aws', '--profile', 'other', '--jsno'],
    ['-no-color', 'explain', '-no-color'],
  ]) assert.equal(checkAuthArgv(argv).kind, 'command', argv.join(' '));
  assert.deepEqual(checkAuthArgv(['--version']), { kind: 'version' });
  assert.equal(checkAuthArgv(['--help']).kind, 'help');
});

test('a mistyped flag does nothing: clear removes no session, status prints nothing on stdout, login gets none', async (t) => {
  const { box, dir, env } = await setup(t);
  const login = await runTfw(['auth', 'login'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
  assert.equal(login.code, 0, login.stderr);
  const cacheDir = join(box.cache, 'tfw');
  const cached = await readdir(cacheDir);
  assert.ok(cached.some((n) => n.endsWith('.json')));

  const clear = await runTfw(['auth', 'clear', '--devcie', 'arn:aws:iam::111111111111:mfa/bob'], { cwd: dir, env });
  assert.equal(clear.code, 2);
  assert.equal(clear.stdout, '');
  assert.equal(clear.stderr, 'tfw: tfw auth clear: unknown option --devcie; did you mean --device? (tfw auth clear --help)\n');
  assert.deepEqual(await readdir(cacheDir), cached);

  const status = await runTfw(['auth', 'status', '--jsno'], { cwd: dir, env });
  assert.equal(status.code, 2);
  assert.equal(status.stdout, '');
  assert.match(status.stderr, /^tfw: [^\n]*did you mean --json\?[^\n]*\n$/);

  const before = sts.calls.GetSessionToken;
  for (const argv of [['login', '--profle', 'env-prod', '--force'], ['explain', '--jsn'], ['exec', '--profiel', 'env-prod', '--', 'true']]) {
    const r = await runTfw(['auth', ...argv], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.stdout, '', argv.join(' '));
    assert.match(r.stderr, /^tfw: [^\n]*unknown option [^\n]*; did you mean [^\n]*\n$/, argv.join(' '));
  }
  assert.equal(sts.calls.GetSessionToken, before, 'nothing was done');

  const typo = await runTfw(['auth', 'stauts'], { cwd: dir, env });
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /^tfw: auth: unknown command stauts; did you mean `tfw auth status`\?/);
});

test('login --duration 1h: the session lasts an hour, whatever TFW_SESSION_DURATION says', async (t) => {
  const { box, env } = await setup(t);
  const r = await runTfw(['auth', 'login', '--profile', 'source', '--duration', '1h'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: fresh(), TFW_SESSION_DURATION: '12h' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.requests.filter((q) => q.action === 'GetSessionToken').at(-1)?.params.DurationSeconds, '3600');
  assert.match(r.stdout, /\((59m|1h00m) left\)\n$/);
  // a valid cached session is kept, and the output says why the duration did not apply
  const again = await runTfw(['auth', 'login', '--profile', 'source', '--duration', '8h'], { cwd: box.root, env });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /\((59m|1h00m) left\) \(the cached session: --duration applies to a new one; add --force\)\n$/);
});

test('explain --json -- -var=env=dev: the arguments after -- are terraform\'s, and honoured', async (t) => {
  const { dir, env } = await setup(t);
  const prod = JSON.parse((await runTfw(['auth', 'explain', '--json'], { cwd: dir, env })).stdout);
  assert.equal(prod.targets[0].profile, 'env-prod');
  const r = await runTfw(['auth', 'explain', '--json', '--', '-var=env=dev'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).targets[0].profile, 'env-dev');
});

test('help: each command has its purpose, usage and an example; no --version under a command', async (t) => {
  const { box, env } = await setup(t);
  for (const cmd of ['explain', 'login', 'status', 'clear', 'exec', 'credential-process', 'doctor']) {
    const r = await runTfw(['auth', cmd, '--help'], { cwd: box.root, env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^tfw auth ${cmd}`), cmd);
    assert.match(r.stdout, /Examples:\n {2}tfw auth |Examples:\n {2}credential_process/, cmd);
    assert.doesNotMatch(r.stdout, /--version/, cmd);
  }
  const exec = await runTfw(['auth', 'exec', '--help'], { cwd: box.root, env });
  assert.doesNotMatch(exec.stdout, /terraform arguments before --/);
  const top = await runTfw(['auth', '--help'], { cwd: box.root, env });
  assert.match(top.stdout, /Examples:/);
});

test('explain --json: each problem with its kind and whether terraform stops on it; each target not served with its cause as a word', async (t) => {
  const { dir, env } = await setup(t);
  await writeFile(join(dir, 'gone.tf'), 'provider "aws" {\n  alias   = "gone"\n  profile = "no-such-profile"\n}\n');
  const ok = JSON.parse((await runTfw(['auth', 'explain', '--json'], { cwd: dir, env })).stdout);
  const gone = ok.targets.find((x: { name: string }) => x.name === 'aws.gone');
  assert.deepEqual([gone.action, gone.cause], ['none', 'profile-not-found']);
  assert.equal('cause' in ok.targets.find((x: { action: string }) => x.action === 'mfa'), false, 'a served target has no cause');
  await writeFile(join(dir, 'broken.tf'), 'provider "aws" {\n  region = \n}\n');
  const r = await runTfw(['auth', 'explain', '--json'], { cwd: dir, env });
  const problems = JSON.parse(r.stdout).problems as Array<{ source: string; kind: string; terraformStops: boolean }>;
  assert.deepEqual(problems.map((p) => [p.source.replace(/:\d+$/, ''), p.kind, p.terraformStops]), [['broken.tf', 'syntax', true]]);
});
