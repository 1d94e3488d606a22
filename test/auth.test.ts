// `tfw auth …` through the built CLI: explain (text and JSON, no network, no
// prompt), login, status, clear, exec, credential-process, help and version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { moduleSandbox, readRecord, ROOT, runTfw, which } from './support/harness.ts';
import { startStsStandIn } from './support/sts-standin.ts';
import { mfaUser, useStsStandIn } from './support/world.ts';

const ALICE = mfaUser('0003');
const SWITCH = 'arn:aws:iam::222222222222:role/switch';
const world = useStsStandIn({ users: [ALICE], roles: [{ arn: SWITCH, requireMfa: true }] }, 400000);

const CONFIG = `[profile source]
mfa_serial = ${ALICE.mfaSerial}

[profile switch]
source_profile = source
role_arn = ${SWITCH}
mfa_serial = ${ALICE.mfaSerial}

[profile plain]
region = eu-west-1
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[plain]
aws_access_key_id = AKIAPLAINEXAMPLE0003
aws_secret_access_key = plain
`;
const MAIN = `variable "state_profile" {
  default = "switch"
}

terraform {
  backend "s3" {
    bucket  = "b"
    key     = "k"
    region  = "us-east-1"
    profile = var.state_profile
  }
}

provider "aws" {
  alias   = "ops"
  profile = "plain"
}
`;

const setup = (t: Parameters<typeof moduleSandbox>[0], stsUrl = world.url) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, moduleDir: 'live/prod', env: { AWS_ENDPOINT_URL_STS: stsUrl } });

test('explain --json: the documented shape, read from -chdir, with -var applied; no network and no prompt', async (t) => {
  // STS is a closed port: any call would fail the command.
  const { box, env } = await setup(t, 'http://127.0.0.1:9');
  const r = await runTfw(['auth', 'explain', '-chdir=live/prod', '-var', 'state_profile=switch', '--json'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const json = JSON.parse(r.stdout);
  assert.equal(json.version, 1);
  assert.equal(json.action, 'materialize');
  assert.deepEqual(json.prompts, [ALICE.mfaSerial]);
  const backend = json.targets.find((x: { kind: string }) => x.kind === 'backend');
  assert.deepEqual(
    { name: backend.name, source: backend.source, profile: backend.profile, chain: backend.chain.map((h: { profile: string }) => h.profile), action: backend.action, device: backend.device },
    { name: 'backend "s3"', source: 'live/prod/main.tf:6', profile: 'switch', chain: ['switch', 'source'], action: 'mfa', device: ALICE.mfaSerial },
  );
  assert.equal(backend.chain[0].roleArn, SWITCH);
  const ops = json.targets.find((x: { name: string }) => x.name === 'aws.ops');
  assert.equal(ops.action, 'none');
  assert.equal(ops.device, null);
  assert.deepEqual(json.devices.map((d: { serial: string; profile: string; cache: { state: string } }) => [d.serial, d.profile, d.cache.state]), [[ALICE.mfaSerial, 'source', 'missing']]);
  assert.doesNotMatch(r.stdout, /alice\/secret|AKIA/);
});

test('explain (text) names each block with file:line, chain, role, device, cache state and what a run would do', async (t) => {
  const { box, env } = await setup(t, 'http://127.0.0.1:9');
  const r = await runTfw(['auth', 'explain', '-chdir=live/prod'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  for (const want of [
    /backend "s3"\s+live\/prod\/main\.tf:6/,
    /profile\s+switch → source/,
    /role\s+arn:aws:iam::222222222222:role\/switch/,
    /MFA\s+arn:aws:iam::111111111111:mfa\/alice/,
    /aws\.ops\s+live\/prod\/main\.tf:14/,
    /no cached session/,
    /Run: gets an MFA session for arn:aws:iam::111111111111:mfa\/alice \(code from a prompt\)/,
  ]) assert.match(r.stdout, want);
});

test('login gets the session once; explain and status then show it valid; clear removes only tfw\'s files', async (t) => {
  const { box, dir, env } = await setup(t);
  const before = world.sts.calls.GetSessionToken;
  const login = await runTfw(['auth', 'login'], { cwd: dir, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(login.code, 0, login.stderr);
  assert.match(login.stdout, /arn:aws:iam::111111111111:mfa\/alice \(profile source\): session valid until .* \(\d+h\d+m left\)/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
  // a second login within the session's life asks nothing
  const again = await runTfw(['auth', 'login'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);

  const explain = JSON.parse((await runTfw(['auth', 'explain', '--json'], { cwd: dir, env })).stdout);
  assert.equal(explain.devices[0].cache.state, 'valid');
  assert.deepEqual(explain.prompts, []);

  const status = await runTfw(['auth', 'status'], { cwd: dir, env });
  assert.match(status.stdout, /^arn:aws:iam::111111111111:mfa\/alice\s+\(account 111111111111, alice; profile source; http:\/\/127\.0\.0\.1:\d+\)\s+valid until/);
  assert.doesNotMatch(status.stdout, /ASIA|secret|token/i);
  const statusJson = JSON.parse((await runTfw(['auth', 'status', '--json'], { cwd: dir, env })).stdout);
  assert.equal(statusJson.sessions.length, 1);
  assert.equal(statusJson.sessions[0].valid, true);

  const cacheDir = join(box.cache, 'tfw');
  await writeFile(join(cacheDir, 'keep-me.txt'), 'not tfw\'s');
  const clear = await runTfw(['auth', 'clear', '--device', ALICE.mfaSerial], { cwd: dir, env });
  assert.match(clear.stdout, /^Removed the session of arn:aws:iam::111111111111:mfa\/alice \(profile source/);
  // code/ is the bundle's code cache (src/codecache.ts): no session in it, not clear's to remove.
  assert.deepEqual((await readdir(cacheDir)).filter((n) => n !== 'code'), ['keep-me.txt']);
  assert.match((await runTfw(['auth', 'clear'], { cwd: dir, env })).stdout, /No cached sessions/);
});

test('login --profile P with no module; --force renews', async (t) => {
  const { box, env } = await setup(t);
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  const forced = await runTfw(['auth', 'login', '--profile', 'switch', '--force'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal(world.sts.calls.GetSessionToken - before, 2);
});

test('exec runs any command with the per-run files, passes its exit code, and cleans up', async (t) => {
  const { box, dir, env } = await setup(t);
  const out = join(box.root, 'seen.json');
  const script = `const fs=require('fs');fs.writeFileSync(${JSON.stringify(out)},JSON.stringify({cfg:fs.readFileSync(process.env.AWS_CONFIG_FILE,'utf8'),key:process.env.AWS_ACCESS_KEY_ID??null}));process.exit(7)`;
  const r = await runTfw(['auth', 'exec', '--', process.execPath, '-e', script], { cwd: dir, env: { ...env, TFW_MFA_CODE: world.fresh(), AWS_ACCESS_KEY_ID: 'AKIASHADOWEXAMPLE003' } });
  assert.equal(r.code, 7, r.stderr);
  const seen = JSON.parse(await readFile(out, 'utf8'));
  assert.match(seen.cfg, /role_arn = arn:aws:iam::222222222222:role\/switch/);
  assert.doesNotMatch(seen.cfg, /mfa_serial/);
  assert.equal(seen.key, null);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('exec without a command is one clear line', async (t) => {
  const { dir, env } = await setup(t);
  const r = await runTfw(['auth', 'exec'], { cwd: dir, env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tfw: auth exec: no command given/);
});

test('credential-process: JSON for the role from the cached session; without one, one line saying to log in', async (t) => {
  const { box, env } = await setup(t);
  const missing = await runTfw(['auth', 'credential-process', '--profile', 'switch'], { cwd: box.root, env });
  assert.equal(missing.code, 1);
  assert.equal(missing.stdout, '');
  assert.match(missing.stderr, /^tfw: no valid MFA session for arn:aws:iam::111111111111:mfa\/alice \(profile switch\): run `tfw auth login --profile switch`\n$/);
  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } })).code, 0);
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['auth', 'credential-process', '--profile', 'switch'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  const creds = JSON.parse(r.stdout);
  assert.equal(creds.Version, 1);
  assert.match(creds.AccessKeyId, /^ASIA/);
  assert.ok(creds.SecretAccessKey && creds.SessionToken && !Number.isNaN(Date.parse(creds.Expiration)));
  assert.equal(world.sts.calls.GetSessionToken, before, 'no new MFA session');
  const assumed = world.sts.requests.filter((q) => q.action === 'AssumeRole').at(-1);
  assert.equal(assumed?.params.RoleArn, SWITCH);
  assert.equal(assumed?.params.SerialNumber, undefined, 'the role is assumed with the session, no code');
});

test('credential-process for a profile that needs no MFA says so', async (t) => {
  const { box, env } = await setup(t);
  const r = await runTfw(['auth', 'credential-process', '--profile', 'plain'], { cwd: box.root, env });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^tfw: profile plain needs no MFA session from tfw/);
});

test('auth --help and --version are tfw\'s; tfw --help stays terraform\'s', async (t) => {
  const { box, record, env } = await setup(t);
  const help = await runTfw(['auth', '--help'], { cwd: box.root, env });
  assert.equal(help.code, 0);
  for (const cmd of ['explain', 'login', 'clear', 'status', 'exec', 'credential-process']) assert.match(help.stdout, new RegExp(`tfw auth ${cmd}`));
  const version = await runTfw(['auth', '--version'], { cwd: box.root, env });
  const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(version.stdout.trim(), pkg.version);
  const tfHelp = await runTfw(['--help'], { cwd: box.root, env });
  assert.equal(tfHelp.code, 0);
  assert.deepEqual((await readRecord(record)).map((e) => e.argv), [['--help']]);
});

test('an unknown auth command is one line and exit 2', async (t) => {
  const { box, env } = await setup(t);
  const r = await runTfw(['auth', 'frobnicate'], { cwd: box.root, env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^tfw: auth: unknown command frobnicate/);
});

test('the aws CLI uses tfw\'s session through a credential_process profile', { skip: which('aws') ? undefined : 'the aws CLI is not on PATH' }, async (t) => {
  const { box, env } = await setup(t);
  const config = join(box.aws, 'config');
  await writeFile(config, `${await readFile(config, 'utf8')}\n[profile via-tfw]\ncredential_process = ${process.execPath} ${join(ROOT, 'bin', 'tfw.js')} auth credential-process --profile switch\nregion = us-east-1\n`);
  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } })).code, 0);
  // Not spawnSync: the STS stand-in lives in this process's event loop.
  const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(which('aws')!, ['sts', 'get-caller-identity', '--profile', 'via-tfw', '--output', 'json'], { cwd: box.root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).Arn, /^arn:aws:sts::222222222222:assumed-role\/switch\//);
});

test('exec outside a module: the devices of AWS_PROFILE (or --profile), so the aws CLI and scripts get the session', async (t) => {
  const { box, env } = await setup(t);
  const out = join(box.root, 'seen.txt');
  const script = `require('fs').writeFileSync(${JSON.stringify(out)}, require('fs').readFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, 'utf8'))`;
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['auth', 'exec', '--', process.execPath, '-e', script], { cwd: box.root, env: { ...env, AWS_PROFILE: 'switch', TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(await readFile(out, 'utf8'), /\[source\]\naws_access_key_id = ASIA/);
  const r2 = await runTfw(['auth', 'exec', '--profile', 'switch', '--', process.execPath, '-e', script], { cwd: box.root, env });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
});

test('login --all-devices: every MFA device of the AWS config, once each', async (t) => {
  const { box, env } = await setup(t);
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['auth', 'login', '--all-devices'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1, r.stdout);
  assert.match(r.stdout, /^arn:aws:iam::111111111111:mfa\/alice \(profile source\): session valid until/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
});

test('a cached session STS says is expired: credential-process drops it and gets a new one, once; with no code source, one line saying to log in', async (t) => {
  // STS's clock can jump ahead: the session expires for STS while tfw's cache still calls it valid.
  let ahead = 0;
  const clocked = await startStsStandIn({ users: [ALICE], roles: [{ arn: SWITCH, requireMfa: true }], now: () => Date.now() + ahead });
  t.after(() => clocked.stop());
  const { box, env } = await setup(t, clocked.url);
  const cacheFiles = async () => (await readdir(join(box.cache, 'tfw'))).filter((n) => n.endsWith('.json'));
  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } })).code, 0);
  ahead = 13 * 3600_000;

  const noSource = await runTfw(['auth', 'credential-process', '--profile', 'switch'], { cwd: box.root, env });
  assert.equal(noSource.code, 1);
  assert.equal(noSource.stdout, '');
  assert.equal(noSource.stderr, `tfw: STS no longer accepts the cached MFA session of ${ALICE.mfaSerial} (profile switch): run \`tfw auth login --profile switch\`\n`);
  assert.deepEqual(await cacheFiles(), [], 'the rejected session was dropped');

  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } })).code, 0);
  ahead += 13 * 3600_000;
  const before = clocked.calls.GetSessionToken;
  const renewed = await runTfw(['auth', 'credential-process', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(renewed.code, 0, renewed.stderr);
  assert.match(JSON.parse(renewed.stdout).AccessKeyId, /^ASIA/);
  assert.equal(clocked.calls.GetSessionToken - before, 1, 'one new session');
  assert.match(renewed.stderr, /^tfw: warning: STS no longer accepts the cached MFA session of arn:aws:iam::111111111111:mfa\/alice \(The security token included in the request is expired\): getting a new one\n/);
});

test('login checks a cached session with STS (one GetCallerIdentity): one STS rejects is replaced; a valid one is kept', async (t) => {
  let ahead = 0;
  const clocked = await startStsStandIn({ users: [ALICE], roles: [{ arn: SWITCH, requireMfa: true }], now: () => Date.now() + ahead });
  t.after(() => clocked.stop());
  const { box, env } = await setup(t, clocked.url);
  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } })).code, 0);
  const kept = await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env });
  assert.equal(kept.code, 0, kept.stderr);
  assert.equal(clocked.calls.GetSessionToken, 1);
  assert.equal(clocked.calls.GetCallerIdentity, 1);
  ahead = 13 * 3600_000;
  const r = await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(clocked.calls.GetSessionToken, 2);
  assert.match(r.stderr, /^tfw: warning: STS no longer accepted the cached MFA session of arn:aws:iam::111111111111:mfa\/alice: replaced it\n$/);
  assert.match(r.stdout, /session valid until/);
  // again rejected, and no code to be had: one line saying both
  ahead += 13 * 3600_000;
  const stuck = await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env });
  assert.equal(stuck.code, 1);
  assert.match(stuck.stderr, /^tfw: STS no longer accepts the cached MFA session of arn:aws:iam::111111111111:mfa\/alice, and MFA code needed for [^\n]*no terminal[^\n]*\n$/);
});
