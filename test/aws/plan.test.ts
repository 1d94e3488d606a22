import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAwsFiles, loadFilesForTargets } from '../../src/aws/files.ts';
import { planAuth } from '../../src/aws/plan.ts';
import { ConfigError } from '../../src/errors.ts';
import type { AuthTarget } from '../../src/model.ts';
import type { AwsFiles } from '../../src/aws/types.ts';

const FIX = fileURLToPath(new URL('../../fixtures/aws/', import.meta.url));
const load = (c: string) =>
  loadAwsFiles({ env: {}, configPaths: [join(FIX, c, 'config')], credentialsPaths: [join(FIX, c, 'credentials')] });

let line = 0;
const target = (name: string, over: Partial<AuthTarget> = {}): AuthTarget => ({
  kind: 'provider',
  name,
  source: { file: 'main.tf', line: ++line },
  assumeRoles: [],
  staticCredentials: false,
  webIdentity: false,
  unknowns: [],
  ...over,
});
const assumeRole = (roleArn: string) => ({ roleArn, source: { file: 'main.tf', line: 99 } });
const plan = (files: AwsFiles, targets: AuthTarget[], env = {}) => planAuth(targets, () => files, env);
const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const configError = (re: RegExp) => (e: unknown) => e instanceof ConfigError && re.test(e.message);

test('one code for three roles behind one device', async () => {
  const files = await load('one-device');
  const p = plan(files, [
    target('aws.dev', { profile: 'dev' }),
    target('aws.prod', { profile: 'prod' }),
    target('aws.deep', { profile: 'deep' }),
  ]);
  assert.equal(p.devices.length, 1);
  const [d] = p.devices;
  assert.deepEqual(d, {
    id: `source|${ALICE}`,
    serial: ALICE,
    rootProfile: 'source',
    source: { type: 'keys', from: 'file', keys: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
    region: 'eu-central-1',
    mfaProcess: 'echo 123456',
    targets: ['aws.dev', 'aws.prod', 'aws.deep'],
  });
  assert.deepEqual(
    p.targets.map((t) => [t.profile, t.action, t.deviceId]),
    [
      ['dev', 'mfa', d!.id],
      ['prod', 'mfa', d!.id],
      ['deep', 'mfa', d!.id],
    ],
  );
});

test('two devices for two long-term identities', async () => {
  const files = await load('two-devices');
  const p = plan(files, [target('aws.a', { profile: 'a' }), target('aws.b', { profile: 'b', region: 'eu-west-3' })]);
  assert.deepEqual(
    p.devices.map((d) => [d.id, d.region, d.mfaProcess]),
    [
      [`alice|${ALICE}`, 'us-east-1', undefined],
      ['bob|arn:aws:iam::111111111111:mfa/bob', 'eu-west-3', 'pass otp bob'],
    ],
  );
});

test('STS region: AWS_REGION when neither the profiles nor the target name one', async () => {
  const files = await load('two-devices');
  const p = plan(files, [target('aws.a', { profile: 'a' })], { AWS_REGION: 'sa-east-1' });
  assert.equal(p.devices[0]?.region, 'sa-east-1');
});

test('mfa_serial on the long-term profile: used directly and under a role', async () => {
  const files = await load('vault-habit');
  const p = plan(files, [target('aws', { profile: 'base' }), target('aws.admin', { profile: 'admin' })]);
  assert.equal(p.devices.length, 1);
  assert.equal(p.devices[0]?.rootProfile, 'base');
  assert.equal(p.devices[0]?.region, 'eu-west-1');
  assert.deepEqual(p.targets.map((t) => t.action), ['mfa', 'mfa']);
});

test('static keys without mfa_serial need nothing', async () => {
  const files = await load('vault-habit');
  const p = plan(files, [target('aws', { profile: 'plain' })]);
  assert.deepEqual(p.devices, []);
  assert.equal(p.targets[0]?.action, 'none');
});

test('the profile comes from AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default', async () => {
  const files = await load('one-device');
  assert.equal(plan(files, [target('aws')], { AWS_PROFILE: 'dev', AWS_DEFAULT_PROFILE: 'x' }).targets[0]?.profile, 'dev');
  assert.equal(plan(files, [target('aws')], { AWS_DEFAULT_PROFILE: 'prod' }).targets[0]?.profile, 'prod');
  const p = plan(files, [target('aws')]);
  assert.equal(p.targets[0]?.profile, 'default');
  assert.equal(p.targets[0]?.action, 'none');
  assert.match(p.targets[0]!.reason, /terraform will report it/);
});

test('a loop is a ConfigError naming the target and the loop', async () => {
  const files = await load('loop');
  assert.throws(() => plan(files, [target('aws.loop', { profile: 'a' })]), configError(/^aws\.loop \(main\.tf:\d+\): .*a → b → a/));
});

test('two serials in one chain is a ConfigError', async () => {
  const files = await load('two-serials');
  assert.throws(() => plan(files, [target('aws', { profile: 'top' })]), configError(/two MFA devices/));
});

test('sso, credential_process, credential_source and web identity profiles pass through', async () => {
  const files = await load('passthrough');
  const p = plan(files, ['sso', 'proc', 'ec2', 'env', 'webid'].map((profile) => target(`aws.${profile}`, { profile })));
  assert.deepEqual(p.devices, []);
  assert.deepEqual(p.targets.map((t) => t.action), ['none', 'none', 'none', 'none', 'none']);
});

test('MFA needed but no long-term keys at the root: ConfigError naming target, profile and why', async () => {
  const files = await load('passthrough');
  const cases: [string, RegExp][] = [
    ['sso-mfa', /aws\.x .*profile "sso-mfa" needs MFA .*ends in profile "sso", which uses AWS SSO/],
    ['temp-mfa', /profile "temp", which holds temporary keys/],
    ['gone-mfa', /profile "gone", which is not in .*passthrough/],
  ];
  for (const [profile, re] of cases) {
    assert.throws(() => plan(files, [target('aws.x', { profile })]), configError(re), profile);
  }
});

test('a missing profile not needing MFA is a note, not an error', async () => {
  const files = await load('passthrough');
  const p = plan(files, [target('aws', { profile: 'nope' })]);
  assert.equal(p.targets[0]?.action, 'none');
  assert.deepEqual(p.targets[0]?.chain.map((h) => h.kind), ['missing']);
});

test('inline assume_role on a base profile with mfa_serial: MFA session for the base root', async () => {
  const files = await load('vault-habit');
  const p = plan(files, [
    target('backend "s3"', { kind: 'backend', profile: 'base', assumeRoles: [assumeRole('arn:aws:iam::555555555555:role/state')] }),
  ]);
  assert.equal(p.targets[0]?.action, 'mfa');
  assert.equal(p.devices[0]?.rootProfile, 'base');
  assert.match(p.targets[0]!.reason, /assume_role .*role\/state.*MFA session for "base"/);
});

test('inline assume_role on a base profile without mfa_serial: nothing tfw can do', async () => {
  const files = await load('vault-habit');
  const p = plan(files, [target('aws', { profile: 'plain', assumeRoles: [assumeRole('arn:aws:iam::555555555555:role/x')] })]);
  assert.equal(p.targets[0]?.action, 'none');
  assert.match(p.targets[0]!.reason, /no MFA device named in plain, so terraform runs as it would without tfw; .*TFW_MFA_SERIAL/);
});

test('static credentials and web identity in the block are unmanaged', async () => {
  const files = await load('one-device');
  const p = plan(files, [
    target('aws.keys', { profile: 'dev', staticCredentials: true }),
    target('aws.oidc', { profile: 'dev', webIdentity: true }),
  ]);
  assert.deepEqual(p.targets.map((t) => t.action), ['unmanaged', 'unmanaged']);
  assert.deepEqual(p.devices, []);
});

test('own shared files: unmanaged, with the device it would need', async () => {
  const env = {
    AWS_CONFIG_FILE: join(FIX, 'one-device', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(FIX, 'one-device', 'credentials'),
  };
  const own = target('aws.own', {
    profile: 'switch',
    sharedConfigFiles: [join(FIX, 'own-files', 'config')],
    sharedCredentialsFiles: [join(FIX, 'own-files', 'credentials')],
  });
  const targets = [own, target('aws.dev', { profile: 'dev' })];
  const { filesFor } = await loadFilesForTargets(targets, env);
  const p = planAuth(targets, filesFor, env);
  assert.equal(p.targets[0]?.action, 'unmanaged');
  assert.equal(p.targets[0]?.mfaSerial, ALICE);
  assert.match(p.targets[0]!.reason, /shared_config_files.*arn:aws:iam::111111111111:mfa\/alice/);
  assert.deepEqual(p.devices.map((d) => d.targets), [['aws.dev']]);
});

test('a target using the keys an MFA device replaces is served by that session', async () => {
  const files = await load('one-device');
  const p = plan(files, [target('aws.dev', { profile: 'dev' }), target('aws.raw', { profile: 'source' })]);
  assert.equal(p.targets[1]?.action, 'mfa');
  assert.equal(p.targets[1]?.deviceId, p.devices[0]?.id);
  assert.deepEqual(p.devices[0]?.targets, ['aws.dev', 'aws.raw']);
});

test('one long-term profile with two serials across targets is a ConfigError', () => {
  const files: AwsFiles = {
    configPaths: [],
    credentialsPaths: [],
    ssoSessions: {},
    otherSections: {},
    config: {
      a: { role_arn: 'arn:aws:iam::2:role/a', source_profile: 'k', mfa_serial: 'arn:aws:iam::1:mfa/one' },
      b: { role_arn: 'arn:aws:iam::2:role/b', source_profile: 'k', mfa_serial: 'arn:aws:iam::1:mfa/two' },
    },
    credentials: { k: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'x' } },
  };
  assert.throws(() => plan(files, [target('aws.a', { profile: 'a' }), target('aws.b', { profile: 'b' })]), configError(/"k" is used with two MFA devices/));
});

test('the plan holds no secret outside the device keys', async () => {
  const files = await load('one-device');
  const p = plan(files, [target('aws.dev', { profile: 'dev' })]);
  assert.doesNotMatch(JSON.stringify(p.targets), /AKIA|EXAMPLEKEY/);
});
