// Keys exported in the environment as a source identity (environment.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ENVIRONMENT_PROFILE, environmentKeys, profileFromEnv, serialFromEnv, withEnvironmentProfile } from '../../src/aws/environment.ts';
import type { AwsFiles } from '../../src/aws/types.ts';

const FILES: AwsFiles = {
  configPaths: [],
  credentialsPaths: [],
  config: { default: { region: 'eu-west-1' }, ops: { region: 'eu-central-1' } },
  ssoSessions: {},
  otherSections: {},
  credentials: {},
};

test('environmentKeys: both halves needed; a session token makes them somebody else\'s session', () => {
  assert.deepEqual(environmentKeys({}), { kind: 'none' });
  assert.deepEqual(environmentKeys({ AWS_ACCESS_KEY_ID: 'AKIA1' }), { kind: 'none' });
  assert.deepEqual(environmentKeys({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: '' }), { kind: 'none' });
  assert.deepEqual(environmentKeys({ AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' }), { kind: 'session' });
  assert.deepEqual(environmentKeys({ AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SECURITY_TOKEN: 't' }), { kind: 'session' });
  assert.deepEqual(environmentKeys({ AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's' }), { kind: 'long-term', accessKeyId: 'AKIA1', secretAccessKey: 's' });
});

test('serialFromEnv and profileFromEnv', () => {
  assert.equal(serialFromEnv({ TFW_MFA_SERIAL: '  arn:aws:iam::1:mfa/a ' }), 'arn:aws:iam::1:mfa/a');
  assert.equal(serialFromEnv({ TFW_MFA_SERIAL: ' ' }), undefined);
  assert.equal(profileFromEnv({ AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'b' }), 'a');
  assert.equal(profileFromEnv({ AWS_DEFAULT_PROFILE: 'b' }), 'b');
  assert.equal(profileFromEnv({}), 'default');
});

test('withEnvironmentProfile: long-term keys with a device become a profile (region of AWS_PROFILE\'s); anything else leaves the files alone', () => {
  const keys = { AWS_ACCESS_KEY_ID: 'AKIA1', AWS_SECRET_ACCESS_KEY: 's' };
  const out = withEnvironmentProfile(FILES, { ...keys, TFW_MFA_SERIAL: 'arn:aws:iam::1:mfa/a', AWS_PROFILE: 'ops' });
  assert.deepEqual(out.credentials[ENVIRONMENT_PROFILE], { aws_access_key_id: 'AKIA1', aws_secret_access_key: 's', mfa_serial: 'arn:aws:iam::1:mfa/a', region: 'eu-central-1' });
  assert.equal(FILES.credentials[ENVIRONMENT_PROFILE], undefined, 'the input is not changed');
  assert.equal(withEnvironmentProfile(FILES, keys), FILES, 'no device: unchanged');
  assert.equal(withEnvironmentProfile(FILES, { ...keys, AWS_SESSION_TOKEN: 't', TFW_MFA_SERIAL: 'x' }), FILES, 'a session: unchanged');
  const own = { ...FILES, config: { ...FILES.config, [ENVIRONMENT_PROFILE]: { region: 'x' } } };
  assert.equal(withEnvironmentProfile(own, { ...keys, TFW_MFA_SERIAL: 'x' }), own, 'a profile of that name of the user\'s own wins');
});
