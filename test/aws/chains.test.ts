import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAwsFiles } from '../../src/aws/files.ts';
import { chainSerials, resolveChain } from '../../src/aws/chains.ts';
import { ConfigError } from '../../src/errors.ts';
import type { AwsFiles } from '../../src/aws/types.ts';

const FIX = fileURLToPath(new URL('../../fixtures/aws/', import.meta.url));
const load = (c: string) =>
  loadAwsFiles({ env: {}, configPaths: [join(FIX, c, 'config')], credentialsPaths: [join(FIX, c, 'credentials')] });
const shape = (files: AwsFiles, p: string) => resolveChain(files, p).map((h) => `${h.profile}:${h.kind}`);

test('a role with mfa_serial, rooted in static keys', async () => {
  const files = await load('one-device');
  const chain = resolveChain(files, 'dev');
  assert.deepEqual(chain, [
    {
      profile: 'dev',
      kind: 'role',
      roleArn: 'arn:aws:iam::222222222222:role/dev',
      sourceProfile: 'source',
      mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
      region: 'eu-west-1',
    },
    { profile: 'source', kind: 'static', region: 'eu-central-1', mfaProcess: 'echo 123456' },
  ]);
});

test('a role two hops deep inherits the serial of the hop below', async () => {
  const files = await load('one-device');
  assert.deepEqual(shape(files, 'deep'), ['deep:role', 'prod:role', 'source:static']);
  assert.deepEqual(chainSerials(resolveChain(files, 'deep')), ['arn:aws:iam::111111111111:mfa/alice']);
});

test('hops carry no secrets', async () => {
  const files = await load('one-device');
  assert.doesNotMatch(JSON.stringify(resolveChain(files, 'deep')), /AKIA|EXAMPLEKEY/);
});

test('mfa_serial on the static-keys profile (aws-vault habit) counts', async () => {
  const files = await load('vault-habit');
  const chain = resolveChain(files, 'admin');
  assert.equal(chain[1]?.kind, 'static');
  assert.equal(chain[1]?.mfaSerial, 'arn:aws:iam::111111111111:mfa/alice');
});

test('a profile that is its own source is static keys under a role, not a loop', async () => {
  const files = await load('self-source');
  assert.deepEqual(shape(files, 'self'), ['self:role', 'self:static']);
});

test('a loop is a ConfigError naming it', async () => {
  const files = await load('loop');
  assert.throws(() => resolveChain(files, 'a'), (e: unknown) => e instanceof ConfigError && /a → b → a/.test(e.message));
});

test('a missing profile ends the chain with a missing hop', async () => {
  const files = await load('passthrough');
  assert.deepEqual(resolveChain(files, 'nope'), [{ profile: 'nope', kind: 'missing', missingReason: 'not found' }]);
  assert.deepEqual(shape(files, 'gone-mfa'), ['gone-mfa:role', 'gone:missing']);
});

test('pass-through kinds', async () => {
  const files = await load('passthrough');
  const table: [string, string[]][] = [
    ['sso', ['sso:sso']],
    ['proc', ['proc:credential-process']],
    ['ec2', ['ec2:role', 'ec2:credential-source']],
    ['env', ['env:credential-source']],
    ['webid', ['webid:web-identity']],
    ['sso-mfa', ['sso-mfa:role', 'sso:sso']],
  ];
  for (const [profile, expected] of table) assert.deepEqual(shape(files, profile), expected, profile);
  assert.deepEqual(resolveChain(files, 'ec2')[1], { profile: 'ec2', kind: 'credential-source', credentialSource: 'Ec2InstanceMetadata' });
  assert.equal((resolveChain(files, 'temp-mfa')[1] as { temporaryKeys?: boolean }).temporaryKeys, true);
});

test('source_profile and credential_source together: no credentials (terraform reports it)', () => {
  const files: AwsFiles = {
    configPaths: [],
    credentialsPaths: [],
    ssoSessions: {},
    otherSections: {},
    credentials: {},
    config: { both: { role_arn: 'arn:aws:iam::1:role/x', source_profile: 'y', credential_source: 'Environment' } },
  };
  assert.equal(resolveChain(files, 'both')[0]?.kind, 'missing');
});
