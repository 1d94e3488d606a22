// Credentialed runs through the built tfw, the fake terraform (which records
// the per-run files it was handed) and the STS stand-in; the recorded files
// are then read by the AWS SDK's own credential chain, so they are known to
// work without tfw.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromIni } from '@aws-sdk/credential-providers';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { launched, moduleSandbox, readRecord, runTfw, shellStatus, TERRAFORM_IN_PLACE, type Sandbox } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0002', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000002', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const BOB = { userName: 'bob', account: '444444444444', accessKeyId: 'AKIABOBEXAMPLE000002', secretAccessKey: 'bob/secret/EXAMPLEKEY00000000000002', mfaSerial: 'arn:aws:iam::444444444444:mfa/bob' };
const ROLES = {
  network: 'arn:aws:iam::222222222222:role/network',
  apps: 'arn:aws:iam::333333333333:role/apps',
  state: 'arn:aws:iam::555555555555:role/state',
  short: 'arn:aws:iam::666666666666:role/short-lived',
  bobs: 'arn:aws:iam::777777777777:role/bobs',
};

let sts: StsStandIn;
// STS refuses a code it has accepted before: every run gets a fresh one.
let codeCounter = 300000;
const freshCode = (): string => String(codeCounter++);

before(async () => {
  sts = await startStsStandIn({
    users: [ALICE, BOB],
    roles: [
      { arn: ROLES.network, requireMfa: true },
      { arn: ROLES.apps, requireMfa: true },
      { arn: ROLES.state, requireMfa: true },
      { arn: ROLES.short, requireMfa: true, credentialSeconds: 2 },
      { arn: ROLES.bobs, requireMfa: true },
    ],
  });
});
after(() => sts?.stop());

const CONFIG = `[default]
region = us-east-1

[profile source]
region = us-east-1
mfa_serial = ${ALICE.mfaSerial}

[profile network]
source_profile = source
role_arn = ${ROLES.network}
mfa_serial = ${ALICE.mfaSerial}

[profile apps]
source_profile = source
role_arn = ${ROLES.apps}
mfa_serial = ${ALICE.mfaSerial}

[profile state]
source_profile = source
role_arn = ${ROLES.state}
mfa_serial = ${ALICE.mfaSerial}

[profile short]
source_profile = source
role_arn = ${ROLES.short}
mfa_serial = ${ALICE.mfaSerial}

[profile bob]
mfa_serial = ${BOB.mfaSerial}
mfa_process = echo 246810

[profile bobs]
source_profile = bob
role_arn = ${ROLES.bobs}

[profile plain]
region = us-east-1
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[bob]
aws_access_key_id = ${BOB.accessKeyId}
aws_secret_access_key = ${BOB.secretAccessKey}

[plain]
aws_access_key_id = AKIAPLAINEXAMPLE0001
aws_secret_access_key = plain/secret/EXAMPLE
`;

const setup = (t: Parameters<typeof moduleSandbox>[0], mainTf: string, extra: Record<string, string | undefined> = {}) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf, env: { AWS_ENDPOINT_URL_STS: sts.url, ...extra } });

/** Resolves `profile` from the recorded per-run files with the AWS SDK alone, and asks STS who that is. */
async function whoAmI(start: Record<string, any>, profile: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-reader-'));
  try {
    await writeFile(join(dir, 'config'), start.config.text);
    await writeFile(join(dir, 'credentials'), start.credentials.text);
    const client = new STSClient({
      region: 'us-east-1',
      endpoint: sts.url,
      credentials: fromIni({ profile, configFilepath: join(dir, 'config'), filepath: join(dir, 'credentials'), ignoreCache: true, clientConfig: { endpoint: sts.url, region: 'us-east-1' } }),
    });
    const id = await client.send(new GetCallerIdentityCommand({}));
    return id.Arn!;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runFilesGone(box: Sandbox): Promise<void> {
  assert.deepEqual(await readdir(box.runtime), []);
}

const THREE_ALIASES = `
provider "aws" {
  alias   = "network"
  profile = "network"
}
provider "aws" {
  alias   = "apps"
  profile = "apps"
}
terraform {
  backend "s3" {
    bucket  = "b"
    key     = "k"
    region  = "us-east-1"
    profile = "state"
  }
}
`;

test('three MFA roles behind one device (backend + two aliases): one code, one GetSessionToken, every profile works from the per-run files', async (t) => {
  const { box, dir, record, env } = await setup(t, THREE_ALIASES, {
    AWS_ACCESS_KEY_ID: 'AKIASHADOWEXAMPLE001',
    AWS_SECRET_ACCESS_KEY: 'shadow',
    AWS_SESSION_TOKEN: 'shadow',
    TFW_MFA_CODE: '135790',
  });
  const before = { ...sts.calls };
  const r = await runTfw(['plan', '-input=false'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.calls.GetSessionToken - before.GetSessionToken, 1);
  assert.equal(sts.calls.AssumeRole, before.AssumeRole, 'tfw itself assumes no role: terraform does');
  const [start] = await readRecord(record);
  // Private files, pointed at by the environment, nothing shadowing them.
  assert.equal(start!.config.mode, 0o600);
  assert.equal(start!.credentials.mode, 0o600);
  assert.equal(start!.env.AWS_CONFIG_FILE, start!.config.path);
  assert.equal(start!.env.AWS_SHARED_CREDENTIALS_FILE, start!.credentials.path);
  for (const v of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'TFW_MFA_CODE']) assert.equal(start!.env[v], undefined, v);
  if (TERRAFORM_IN_PLACE) {
    // Unnamed files held by the keeper (src/heldfiles.ts): nothing named in the run directory's base, ever.
    assert.match(start!.config.path, /^\/proc\/\d+\/fd\/3$/);
    assert.match(start!.credentials.path, /^\/proc\/\d+\/fd\/4$/);
  } else {
    assert.equal(start!.config.dirMode, 0o700);
    assert.ok(start!.config.path.startsWith(box.runtime));
  }
  // Roles stay roles; no mfa_serial to trip terraform; the long-term secret is not copied.
  assert.doesNotMatch(start!.config.text, /mfa_serial/);
  assert.match(start!.config.text, /role_arn = arn:aws:iam::222222222222:role\/network/);
  assert.doesNotMatch(start!.credentials.text, new RegExp(ALICE.secretAccessKey.replace(/\//g, '\\/')));
  assert.match(start!.credentials.text, /aws_session_token/);
  // The SDK, reading only those files, gets each role through the MFA session.
  assert.match(await whoAmI(start!, 'network'), /^arn:aws:sts::222222222222:assumed-role\/network\//);
  assert.match(await whoAmI(start!, 'apps'), /^arn:aws:sts::333333333333:assumed-role\/apps\//);
  assert.match(await whoAmI(start!, 'state'), /^arn:aws:sts::555555555555:assumed-role\/state\//);
  await runFilesGone(box);
  // The run's note names the device, on stderr; stdout is terraform's alone.
  assert.match(r.stderr, /^tfw: MFA session arn:aws:iam::111111111111:mfa\/alice \(\d+h\d+m left\)\n$/);
  assert.equal(r.stdout, '');
});

test('the generated role profiles re-assume when role credentials expire, without tfw (long applies)', async (t) => {
  const { dir, record, env } = await setup(t, 'provider "aws" {\n  profile = "short"\n}\n', { TFW_MFA_CODE: '102938' });
  const r = await runTfw(['apply', '-auto-approve'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  const dirFiles = await mkdtemp(join(tmpdir(), 'tfw-reader-'));
  t.after(() => rm(dirFiles, { recursive: true, force: true }));
  await writeFile(join(dirFiles, 'config'), start!.config.text);
  await writeFile(join(dirFiles, 'credentials'), start!.credentials.text);
  // One long-lived client, as terraform keeps during an apply.
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: sts.url,
    credentials: fromIni({ profile: 'short', configFilepath: join(dirFiles, 'config'), filepath: join(dirFiles, 'credentials'), ignoreCache: true, clientConfig: { endpoint: sts.url, region: 'us-east-1' } }),
  });
  const assumedBefore = sts.calls.AssumeRole;
  const first = await client.send(new GetCallerIdentityCommand({}));
  await new Promise((resolve) => setTimeout(resolve, 2500)); // the role's credentials (2 s) have expired
  const second = await client.send(new GetCallerIdentityCommand({}));
  assert.match(first.Arn!, /assumed-role\/short-lived\//);
  assert.match(second.Arn!, /assumed-role\/short-lived\//);
  assert.ok(sts.calls.AssumeRole - assumedBefore >= 2, 'the role was assumed again from the MFA session');
});

test('two devices: two codes (TFW_MFA_CODE for one, mfa_process for the other), each session in its own root', async (t) => {
  const main = `provider "aws" {\n  alias = "a"\n  profile = "network"\n}\nprovider "aws" {\n  alias = "b"\n  profile = "bobs"\n}\n`;
  const { box, dir, record, env } = await setup(t, main, { TFW_MFA_CODE: '111222' });
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 2);
  const codes = sts.requests.filter((q) => q.action === 'GetSessionToken').slice(-2).map((q) => q.params.TokenCode).sort();
  assert.deepEqual(codes, ['111222', '246810']);
  const [start] = await readRecord(record);
  assert.match(await whoAmI(start!, 'network'), /222222222222:assumed-role\/network/);
  assert.match(await whoAmI(start!, 'bobs'), /777777777777:assumed-role\/bobs/);
  assert.doesNotMatch(start!.config.text, /mfa_process|mfa_serial/);
  await runFilesGone(box);
});

test('inline assume_role on an MFA-only role: the base profile becomes the MFA session, so terraform\'s own AssumeRole is made with MFA', async (t) => {
  const main = `provider "aws" {\n  profile = "source"\n  assume_role {\n    role_arn = "${ROLES.apps}"\n  }\n}\n`;
  const { dir, record, env } = await setup(t, main, { TFW_MFA_CODE: '564738' });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  const base = await whoAmI(start!, 'source');
  assert.equal(base, 'arn:aws:iam::111111111111:user/alice');
  // What terraform does with the block: AssumeRole with the base profile's credentials.
  const dirFiles = await mkdtemp(join(tmpdir(), 'tfw-reader-'));
  t.after(() => rm(dirFiles, { recursive: true, force: true }));
  await writeFile(join(dirFiles, 'config'), `${start!.config.text}\n[profile inline]\nsource_profile = source\nrole_arn = ${ROLES.apps}\n`);
  await writeFile(join(dirFiles, 'credentials'), start!.credentials.text);
  const creds = await fromIni({ profile: 'inline', configFilepath: join(dirFiles, 'config'), filepath: join(dirFiles, 'credentials'), ignoreCache: true, clientConfig: { endpoint: sts.url, region: 'us-east-1' } })();
  assert.match(creds.accessKeyId, /^ASIA/);
});

test('nothing needs MFA: terraform runs with the environment untouched, no files, no STS call', async (t) => {
  const { box, dir, record, env } = await setup(t, 'provider "aws" {\n  profile = "plain"\n}\n', { AWS_ACCESS_KEY_ID: 'AKIAKEEPEXAMPLE00001', AWS_SECRET_ACCESS_KEY: 'keep' });
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  assert.deepEqual(start!.env, launched(env, dir));
  assert.equal(sts.calls.GetSessionToken, before);
  assert.equal(r.stderr, '');
  await runFilesGone(box);
});

for (const [name, extra, expectCode] of [
  ['terraform fails', { FAKE_TF_EXIT: '1' }, 1],
  ['terraform dies of a signal', { FAKE_TF_KILL_SELF: 'SIGTERM' }, 143],
] as const) {
  test(`per-run files are removed when ${name}`, async (t) => {
    const { box, dir, record, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: freshCode(), ...extra });
    const r = await runTfw(['plan'], { cwd: dir, env });
    // As a shell shows it: terraform in tfw's place dies of the signal itself, as terraform alone would.
    assert.equal(shellStatus(r), expectCode);
    const [start] = await readRecord(record);
    assert.ok(start!.config.text.length > 0, 'files existed during the run');
    await runFilesGone(box);
  });
}

test('per-run files are removed when tfw is stopped with SIGTERM, after terraform has finished its graceful stop', async (t) => {
  const { box, dir, record, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: '192837', FAKE_TF_WAIT: '1' });
  const { spawn } = await import('node:child_process');
  const { TFW_BIN } = await import('./support/harness.ts');
  const child = spawn(process.execPath, [TFW_BIN, 'apply'], { cwd: dir, env, stdio: 'ignore' });
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  for (let i = 0; i < 200 && !(await readRecord(record)).some((e) => e.event === 'waiting'); i++) await new Promise((r) => setTimeout(r, 25));
  child.kill('SIGTERM');
  assert.equal(await done, 3);
  const events = await readRecord(record);
  const signal = events.find((e) => e.event === 'signal');
  assert.equal(signal?.signal, 'SIGTERM');
  assert.equal(signal?.configStillThere, true, 'files stay while terraform stops');
  await runFilesGone(box);
});

test('a second run within the session\'s life asks for nothing', async (t) => {
  const { dir, env } = await setup(t, THREE_ALIASES);
  const before = sts.calls.GetSessionToken;
  assert.equal((await runTfw(['init'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '564321' } })).code, 0);
  const again = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1);
});

test('TFW_NO_CACHE=1: a code every run', async (t) => {
  const { dir, env } = await setup(t, THREE_ALIASES, { TFW_NO_CACHE: '1' });
  assert.equal((await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '100001' } })).code, 0);
  const again = await runTfw(['plan'], { cwd: dir, env });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /no terminal/);
});

test('a wrong TFW_MFA_CODE: one tfw line naming profile and device, non-zero, no file left', async (t) => {
  const wrong = await startStsStandIn({ users: [ALICE], roles: [], acceptCode: () => false });
  t.after(() => wrong.stop());
  const { box, dir, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: '000000', AWS_ENDPOINT_URL_STS: wrong.url });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^tfw: STS refused the MFA code.*arn:aws:iam::111111111111:mfa\/alice.*profile source/);
  await runFilesGone(box);
});

test('STS unreachable: one tfw line naming the endpoint', async (t) => {
  const { box, dir, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: '123123', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^tfw: cannot reach STS at http:\/\/127\.0\.0\.1:9/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  await runFilesGone(box);
});

test('a profile loop is one tfw line naming the loop, and terraform is not run', async (t) => {
  const { box, dir, record, env } = await setup(t, 'provider "aws" {\n  profile = "loop-a"\n}\n');
  await writeFile(join(box.aws, 'config'), `${CONFIG}\n[profile loop-a]\nsource_profile = loop-b\nrole_arn = arn:aws:iam::1:role/a\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile loop-b]\nsource_profile = loop-a\nrole_arn = arn:aws:iam::1:role/b\n`);
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^tfw: .*loop-a.*loop-b/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(await readRecord(record), []);
});

test('a syntax error in a .tf file: no code asked, nothing of tfw\'s said, terraform runs untouched to give its own diagnostic', async (t) => {
  const { dir, record, env } = await setup(t, THREE_ALIASES);
  await writeFile(join(dir, 'broken.tf'), 'resource "x" "y" {\n  a = \n');
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const events = await readRecord(record);
  assert.equal(events.length, 1, 'terraform ran');
  assert.deepEqual(events[0]!.env, launched(env, dir), 'untouched');
  assert.equal(sts.calls.GetSessionToken, before);
});

test('-chdir: the module is read from DIR, terraform gets the argv verbatim and tfw\'s working directory', async (t) => {
  const { box, record, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: freshCode() });
  const r = await runTfw(['-chdir=module', 'plan', '-var=x=1'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  assert.deepEqual(start!.argv, ['-chdir=module', 'plan', '-var=x=1']);
  assert.equal(start!.cwd, box.root);
  assert.match(await whoAmI(start!, 'network'), /222222222222:assumed-role\/network/);
});

test('a provider with its own shared_config_files needs MFA tfw cannot inject: one warning naming it, the rest still served', async (t) => {
  const main = `${THREE_ALIASES}\nprovider "aws" {\n  alias = "own"\n  profile = "network"\n  shared_config_files = ["~/.aws/config"]\n}\n`;
  const { dir, env } = await setup(t, main, { TFW_MFA_CODE: freshCode() });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^tfw: warning: aws\.own \(main\.tf:\d+\): .*shared_config_files.*cannot hand it the MFA session/m);
  assert.match(r.stderr, /^tfw: MFA session arn:aws:iam::111111111111:mfa\/alice/m);
});

test('five concurrent tfw runs on a cold cache ask for one code: one mfa_process run, one GetSessionToken', async (t) => {
  const { box, dir, record, env } = await setup(t, THREE_ALIASES);
  const counter = join(box.root, 'asked');
  // The code source is slow, like a person: the other runs must wait on the lock, then use the cache.
  await writeFile(join(box.aws, 'config'), CONFIG.replace(`[profile source]\n`, `[profile source]\nmfa_process = echo asked >> ${counter}; sleep 0.5; echo ${freshCode()}\n`));
  const before = sts.calls.GetSessionToken;
  const runs = await Promise.all(Array.from({ length: 5 }, () => runTfw(['plan'], { cwd: dir, env })));
  for (const r of runs) assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1);
  assert.equal((await readFile(counter, 'utf8')).trim().split('\n').length, 1);
  assert.equal((await readRecord(record)).length, 5);
});

test('init and output configure no provider: a module whose only MFA is in providers runs them untouched, no code', async (t) => {
  const main = 'provider "aws" {\n  alias = "network"\n  profile = "network"\n}\n';
  const { dir, record, env } = await setup(t, main);
  const before = sts.calls.GetSessionToken;
  for (const args of [['init'], ['output', '-json'], ['state', 'list']]) {
    const r = await runTfw(args, { cwd: dir, env });
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal(sts.calls.GetSessionToken, before);
  for (const e of await readRecord(record)) assert.deepEqual(e.env, launched(env, dir));
  // plan configures it: now the code is needed
  const plan = await runTfw(['plan'], { cwd: dir, env });
  assert.match(plan.stderr, /MFA code needed for arn:aws:iam::111111111111:mfa\/alice \(for aws\.network\)/);
});

test('a cache directory that cannot be created and a missing XDG_RUNTIME_DIR: one warning each, the run still works and leaves nothing', async (t) => {
  const { box, dir, env } = await setup(t, THREE_ALIASES);
  // A path under a regular file: mkdir fails with ENOTDIR, even for root.
  const notADir = join(box.root, 'a-file');
  await writeFile(notADir, '');
  const tmp = join(box.root, 'tmp');
  await mkdir(tmp);
  const r = await runTfw(['plan'], {
    cwd: dir,
    env: { ...env, TFW_MFA_CODE: freshCode(), TFW_CACHE_DIR: join(notADir, 'tfw'), XDG_RUNTIME_DIR: join(box.root, 'gone'), TMPDIR: tmp },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /tfw: warning: cannot use the session cache in .*a-file\/tfw \(ENOTDIR\); continuing without it/);
  assert.match(r.stderr, /tfw: warning: not using .*gone for the per-run files: it cannot be used \(ENOENT\)/);
  assert.deepEqual(await readdir(tmp), []);
});

test('exported long-term keys with no device and a provider with no profile: terraform gets them as they are, no warning', async (t) => {
  const main = `${THREE_ALIASES}\nprovider "aws" {\n  alias = "bare"\n}\n`;
  const { dir, record, env } = await setup(t, main, { TFW_MFA_CODE: freshCode(), AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE1', AWS_SECRET_ACCESS_KEY: 'exported' });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning/);
  const [start] = await readRecord(record);
  // aws.bare uses them, exactly as it would without tfw; the named profiles win over them in terraform's SDK.
  assert.equal(start!.env.AWS_ACCESS_KEY_ID, 'AKIAEXPORTEDEXAMPLE1');
  assert.equal(start!.env.AWS_SECRET_ACCESS_KEY, 'exported');
  assert.equal(start!.env.TFW_MFA_CODE, undefined);
  // …and they are not copied into the per-run files.
  assert.doesNotMatch(start!.credentials.text, /AKIAEXPORTEDEXAMPLE1|exported/);
});

test('TFW_SESSION_DURATION is the GetSessionToken duration', async (t) => {
  const { dir, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: freshCode(), TFW_SESSION_DURATION: '1h' });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.requests.filter((q) => q.action === 'GetSessionToken').at(-1)?.params.DurationSeconds, '3600');
  assert.match(r.stderr, /\((0h59m|1h00m|59m) left\)/);
});

test('per-run files a killed tfw left behind are swept at the next credentialed run', async (t) => {
  const { box, dir, env } = await setup(t, THREE_ALIASES, { TFW_MFA_CODE: freshCode() });
  const { spawnSync } = await import('node:child_process');
  const deadPid = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const stale = join(box.runtime, `tfw-run-${deadPid}-stale`);
  await mkdir(stale, { mode: 0o700 });
  await writeFile(join(stale, 'credentials'), '[source]\naws_session_token = left-behind\n', { mode: 0o600 });
  const { bootId, pidNamespace } = await import('../src/proc.ts');
  await writeFile(join(stale, 'owner'), JSON.stringify({ pid: Number(deadPid), boot: bootId(), pidns: pidNamespace() }), { mode: 0o600 });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readdir(box.runtime), []);
});

const ASSUME_ONLY = `
provider "aws" {
  alias = "network"
  assume_role {
    role_arn = "${ROLES.network}"
  }
}
provider "aws" {
  alias = "apps"
  assume_role {
    role_arn = "${ROLES.apps}"
  }
}
`;

test('exported long-term keys with TFW_MFA_SERIAL: one code, a per-run profile holding the session is the default chain, the keys leave the environment', async (t) => {
  const { box, dir, record, env } = await setup(t, ASSUME_ONLY, {
    AWS_ACCESS_KEY_ID: ALICE.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey,
    AWS_PROFILE: 'default',
    TFW_MFA_SERIAL: ALICE.mfaSerial,
    TFW_MFA_CODE: freshCode(),
  });
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1);
  const [start] = await readRecord(record);
  for (const v of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'TFW_MFA_CODE']) assert.equal(start!.env[v], undefined, v);
  assert.equal(start!.env.AWS_PROFILE, 'tfw-environment');
  assert.match(start!.credentials.text, /\[tfw-environment\]\naws_access_key_id = ASIA/);
  assert.doesNotMatch(start!.credentials.text + start!.config.text, new RegExp(`${ALICE.accessKeyId}|${ALICE.secretAccessKey.replace(/\//g, '\\/')}`));
  // The default chain of those files is the MFA session: an assume_role from it passes the MFA-only role's check.
  assert.equal(await whoAmI(start!, 'tfw-environment'), 'arn:aws:iam::111111111111:user/alice');
  const probe = { ...start!, config: { ...start!.config, text: `${start!.config.text}\n[profile probe]\nsource_profile = tfw-environment\nrole_arn = ${ROLES.network}\n` } };
  assert.match(await whoAmI(probe, 'probe'), /^arn:aws:sts::222222222222:assumed-role\/network\//);
  await runFilesGone(box);
});

test('exported session keys (another tool\'s session): terraform runs with the environment untouched, nothing asked', async (t) => {
  const exported = { AWS_ACCESS_KEY_ID: 'ASIAOTHERTOOLEXAMPLE', AWS_SECRET_ACCESS_KEY: 'other-secret', AWS_SESSION_TOKEN: 'other-token' };
  const { dir, record, env } = await setup(t, ASSUME_ONLY, exported);
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'tfw says nothing');
  assert.equal(sts.calls.GetSessionToken, before);
  const [start] = await readRecord(record);
  for (const [k, v] of Object.entries(exported)) assert.equal(start!.env[k], v, k);
  assert.equal(start!.env.AWS_CONFIG_FILE, undefined, 'no per-run files');
});

test('exported session keys next to a named profile that needs MFA: the named one gets its session, the others keep the exported keys', async (t) => {
  const exported = { AWS_ACCESS_KEY_ID: 'ASIAOTHERTOOLEXAMPLE', AWS_SECRET_ACCESS_KEY: 'other-secret', AWS_SESSION_TOKEN: 'other-token' };
  const main = `${ASSUME_ONLY}\nprovider "aws" {\n  alias   = "named"\n  profile = "network"\n}\n`;
  const { dir, record, env } = await setup(t, main, { ...exported, TFW_MFA_CODE: freshCode() });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  for (const [k, v] of Object.entries(exported)) assert.equal(start!.env[k], v, k);
  assert.ok(start!.env.AWS_CONFIG_FILE);
  assert.match(await whoAmI(start!, 'network'), /assumed-role\/network\//);
});

test('a role ARN known only during the plan (remote state) does not stop the run: the source identity gets its session, terraform assumes the role', async (t) => {
  const main = `data "terraform_remote_state" "org" {\n  backend = "local"\n}\nprovider "aws" {\n  profile = "source"\n  assume_role {\n    role_arn = data.terraform_remote_state.org.outputs.role_arn\n  }\n}\n`;
  const { box, dir, record, env } = await setup(t, main, { TFW_MFA_CODE: freshCode() });
  const before = sts.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1);
  assert.match(r.stderr, /tfw: aws: cannot evaluate assume_role\.role_arn at main\.tf:7 \(refers to data\.terraform_remote_state, known only to terraform\); terraform computes it; tfw serves the identity that assumes it\n/);
  const [start] = await readRecord(record);
  // Whatever ARN terraform computes, it assumes it from the MFA session in [source].
  const probe = { ...start!, config: { ...start!.config, text: `${start!.config.text}\n[profile probe]\nsource_profile = source\nrole_arn = ${ROLES.apps}\n` } };
  assert.match(await whoAmI(probe, 'probe'), /assumed-role\/apps\//);
  await runFilesGone(box);
});

test('mfa_process runs without the exported keys or TFW_MFA_CODE in its environment', async (t) => {
  const main = 'provider "aws" {\n  profile = "network"\n}\n';
  const { box, dir, env } = await setup(t, main, { AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE9', AWS_SECRET_ACCESS_KEY: 'exported-secret-9' });
  const dump = join(box.root, 'mfa-env');
  await writeFile(join(box.aws, 'config'), CONFIG.replace(`[profile source]\n`, `[profile source]\nmfa_process = env > ${dump}; echo ${freshCode()}\n`));
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_NO_CACHE: '1' } });
  assert.equal(r.code, 0, r.stderr);
  const seen = await readFile(dump, 'utf8');
  assert.match(seen, /^HOME=/m, 'the rest of the environment is there');
  assert.doesNotMatch(seen, /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|exported-secret-9/);
});

test('TF_CLI_ARGS_init="-backend=false": init needs no credentials, so terraform runs untouched with nothing asked', async (t) => {
  const { dir, record, env } = await setup(t, THREE_ALIASES, { TF_CLI_ARGS_init: '-backend=false' });
  const r = await runTfw(['init'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const [start] = await readRecord(record);
  assert.deepEqual(start!.argv, ['init'], 'terraform adds TF_CLI_ARGS itself: tfw hands on the argv as typed');
  assert.equal(start!.env.AWS_CONFIG_FILE, undefined);
  // The same init without it needs the backend's device, and there is no code to be had.
  const needs = await runTfw(['init'], { cwd: dir, env: { ...env, TF_CLI_ARGS_init: '' } });
  assert.notEqual(needs.code, 0);
  assert.match(needs.stderr, /^tfw: .*code/m);
});
