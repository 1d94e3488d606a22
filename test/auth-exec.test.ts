// `tfw auth exec`: the command runs as the profile (AWS_PROFILE, its region,
// TFW_PROFILE), with the MFA session behind it; the real aws CLI against the
// STS stand-in; never a silent pass-through that leaves botocore to prompt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { execEnvironment, commandProfile } from '../src/auth/commands.ts';
import { moduleSandbox, runTfw, which } from './support/harness.ts';
import { mfaUser, useStsStandIn } from './support/world.ts';

const ALICE = mfaUser('1016');
const SWITCH = 'arn:aws:iam::222222222222:role/switch';
const world = useStsStandIn({ users: [ALICE], roles: [{ arn: SWITCH, requireMfa: true }] }, 261000);

const CONFIG = `[profile source]
mfa_serial = ${ALICE.mfaSerial}

[profile prod]
source_profile = source
role_arn = ${SWITCH}
mfa_serial = ${ALICE.mfaSerial}
region = eu-west-3

[profile plain]
region = eu-north-1
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[plain]
aws_access_key_id = AKIAPLAINEXAMPLE1016
aws_secret_access_key = plain
`;
const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: '# no provider\n', env: { AWS_ENDPOINT_URL_STS: world.url } });

const printEnv = `process.stdout.write(JSON.stringify({AWS_PROFILE:process.env.AWS_PROFILE??null,AWS_REGION:process.env.AWS_REGION??null,AWS_DEFAULT_REGION:process.env.AWS_DEFAULT_REGION??null,TFW_PROFILE:process.env.TFW_PROFILE??null,files:!!process.env.AWS_CONFIG_FILE}))`;

test('execEnvironment: AWS_PROFILE when asked for, the region unless set, TFW_PROFILE always', () => {
  assert.deepEqual(execEnvironment({ AWS_DEFAULT_PROFILE: 'x' }, 'prod', 'eu-west-3', true), { TFW_PROFILE: 'prod', AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'eu-west-3' });
  assert.deepEqual(execEnvironment({ AWS_REGION: 'us-east-2' }, 'default', 'eu-west-3', false), { AWS_REGION: 'us-east-2', TFW_PROFILE: 'default' });
  assert.equal(commandProfile(['s3', 'ls', '--profile', 'prod']), 'prod');
  assert.equal(commandProfile(['s3', 'ls', '--profile=dev']), 'dev');
  assert.equal(commandProfile(['s3', 'ls']), undefined);
});

test('exec --profile P: the command runs as P, with its region and TFW_PROFILE; per-run files removed after', async (t) => {
  const { box, env } = await setup(t);
  const r = await runTfw(['auth', 'exec', '--profile', 'prod', '--', process.execPath, '-e', printEnv], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { AWS_PROFILE: 'prod', AWS_REGION: 'eu-west-3', AWS_DEFAULT_REGION: 'eu-west-3', TFW_PROFILE: 'prod', files: true });
  assert.deepEqual(await readdir(box.runtime), []);
  // a region already set is the user's
  const kept = await runTfw(['auth', 'exec', '--profile', 'prod', '--', process.execPath, '-e', printEnv], { cwd: box.root, env: { ...env, AWS_REGION: 'us-west-2' } });
  assert.equal(kept.code, 0, kept.stderr);
  assert.equal(JSON.parse(kept.stdout).AWS_REGION, 'us-west-2');
  // a profile that needs no MFA still runs as that profile
  const plain = await runTfw(['auth', 'exec', '--profile', 'plain', '--', process.execPath, '-e', printEnv], { cwd: box.root, env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.deepEqual(JSON.parse(plain.stdout), { AWS_PROFILE: 'plain', AWS_REGION: 'eu-north-1', AWS_DEFAULT_REGION: 'eu-north-1', TFW_PROFILE: 'plain', files: false });
});

test('exec: the command names a --profile tfw did not prepare → the line to type, nothing run; unknown command and profile are one clear line', async (t) => {
  const { box, env } = await setup(t);
  const r = await runTfw(['auth', 'exec', '--', 'aws', 'sts', 'get-caller-identity', '--profile', 'prod'], { cwd: box.root, env });
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'tfw: auth exec: aws is given --profile prod, but tfw prepares AWS_PROFILE (default): name it to tfw: tfw auth exec --profile prod -- aws sts get-caller-identity --profile prod\n');
  const missing = await runTfw(['auth', 'exec', '--', 'nosuchcmd-tfw'], { cwd: box.root, env });
  assert.equal(missing.code, 127);
  assert.equal(missing.stderr, 'tfw: auth exec: nosuchcmd-tfw: command not found on PATH\n');
  const typo = await runTfw(['auth', 'exec', '--profile', 'prdo', '--', process.execPath, '-e', '1'], { cwd: box.root, env });
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /^tfw: auth exec: profile prdo is not in the AWS config or credentials files; did you mean prod\? \(profiles: source, prod, plain\)\n$/);
  const envTypo = await runTfw(['auth', 'exec', '--', process.execPath, '-e', '1'], { cwd: box.root, env: { ...env, AWS_PROFILE: 'prdo' } });
  assert.equal(envTypo.code, 1);
  assert.match(envTypo.stderr, /^tfw: auth exec: AWS_PROFILE=prdo names no profile of the AWS config or credentials files; did you mean prod\?/);
  const noDash = await runTfw(['auth', 'exec', 'aws', 'sts', 'get-caller-identity'], { cwd: box.root, env });
  assert.equal(noDash.code, 2);
  assert.equal(noDash.stderr, 'tfw: tfw auth exec: the command goes after --: tfw auth exec -- aws sts get-caller-identity\n');
});

const aws = which('aws');
test('the aws CLI: exec --profile prod -- aws sts get-caller-identity runs as prod, in its region, one code', { skip: aws ? undefined : 'the aws CLI is not on PATH' }, async (t) => {
  const { box, env } = await setup(t);
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['auth', 'exec', '--profile', 'prod', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).Arn, /^arn:aws:sts::222222222222:assumed-role\/switch\//);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
  const region = await runTfw(['auth', 'exec', '--profile', 'prod', '--', 'aws', 'configure', 'list'], { cwd: box.root, env });
  assert.equal(region.code, 0, region.stderr);
  assert.match(region.stdout, /profile\s+prod\s+env/);
  assert.match(region.stdout, /region\s+eu-west-3\s+env/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'the cached session, no second code');
  assert.deepEqual(await readdir(box.runtime), []);
});
