// `tfw auth login` outside a module: the profile asked for (or AWS_PROFILE /
// default), a profile that does not exist named with exit 1, a hint when the
// profile needs no MFA; status --json with the account and user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleSandbox, runTfw } from './support/harness.ts';
import { mfaUser, useStsStandIn } from './support/world.ts';

const ALICE = mfaUser('2016');
const world = useStsStandIn({ users: [ALICE], roles: [] }, 362000);

const CONFIG = `[profile prod]
mfa_serial = ${ALICE.mfaSerial}

[profile plain]
region = eu-north-1
`;
const CREDENTIALS = `[prod]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[plain]
aws_access_key_id = AKIAPLAINEXAMPLE2016
aws_secret_access_key = plain
`;
const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: '# none\n', env: { AWS_ENDPOINT_URL_STS: world.url } });

test('login outside a module: a profile that does not exist is named, with the nearest, exit 1; nothing asked', async (t) => {
  const { box, env } = await setup(t);
  const before = world.sts.calls.GetSessionToken;
  const named = await runTfw(['auth', 'login', '--profile', 'prdo'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(named.code, 1);
  assert.equal(named.stdout, '');
  assert.equal(named.stderr, 'tfw: auth login: profile prdo is not in the AWS config or credentials files; did you mean prod? (profiles: prod, plain)\n');
  const fromEnv = await runTfw(['auth', 'login'], { cwd: box.root, env: { ...env, AWS_PROFILE: 'prdo', TFW_MFA_CODE: world.fresh() } });
  assert.equal(fromEnv.code, 1);
  assert.match(fromEnv.stderr, /^tfw: auth login: AWS_PROFILE=prdo names no profile of the AWS config or credentials files; did you mean prod\?/);
  const none = await runTfw(['auth', 'login'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(none.code, 1);
  assert.match(none.stderr, /^tfw: auth login: no module here, no AWS_PROFILE and no \[default\] profile: nothing to log in to; profiles with an MFA device: prod: `tfw auth login --profile prod`, or `tfw auth login --all-devices`\n$/);
  assert.equal(world.sts.calls.GetSessionToken, before);
});

test('login as a profile that needs no MFA says which profiles do; AWS_PROFILE=prod logs in to prod', async (t) => {
  const { box, env } = await setup(t);
  const plain = await runTfw(['auth', 'login', '--profile', 'plain'], { cwd: box.root, env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stdout, /^Profile plain needs no MFA device: nothing to log in to; profiles with an MFA device: prod/);
  const r = await runTfw(['auth', 'login'], { cwd: box.root, env: { ...env, AWS_PROFILE: 'prod', TFW_MFA_CODE: world.fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^arn:aws:iam::111111111111:mfa\/alice \(profile prod\): session valid until/);
  const status = JSON.parse((await runTfw(['auth', 'status', '--json'], { cwd: box.root, env })).stdout);
  assert.equal(status.sessions[0].account, '111111111111');
  assert.equal(status.sessions[0].user, 'alice');
});
