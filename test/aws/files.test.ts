import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAwsFiles, loadFilesForTargets, profileFromEnv, profileSection } from '../../src/aws/files.ts';
import type { AuthTarget } from '../../src/model.ts';

const FIX = fileURLToPath(new URL('../../fixtures/aws/', import.meta.url));
const envFor = (c: string) => ({
  AWS_CONFIG_FILE: join(FIX, c, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(FIX, c, 'credentials'),
  HOME: '/nonexistent-home',
});

test('profiles, sso-session and services sections are split the way the SDK names them', async () => {
  const files = await loadAwsFiles({ env: envFor('basic') });
  assert.deepEqual(Object.keys(files.config).sort(), ['default', 'source', 'switch']);
  assert.deepEqual(files.ssoSessions, {
    corp: { sso_start_url: 'https://corp.awsapps.com/start', sso_region: 'eu-west-1' },
  });
  assert.deepEqual(files.otherSections, { 'services local': { 's3.endpoint_url': 'http://127.0.0.1:9000' } });
  assert.deepEqual(files.configPaths, [join(FIX, 'basic', 'config')]);
  assert.deepEqual(files.credentialsPaths, [join(FIX, 'basic', 'credentials')]);
});

test('comments are stripped and sub-sections become dotted keys', async () => {
  const files = await loadAwsFiles({ env: envFor('basic') });
  assert.equal(files.config.default?.region, 'us-east-1');
  assert.deepEqual(files.config.switch, {
    source_profile: 'source',
    role_arn: 'arn:aws:iam::222222222222:role/switch',
    mfa_serial: 'arn:aws:iam::111111111111:mfa/alice',
    's3.max_concurrent_requests': '10',
    's3.multipart_threshold': '64MB',
    cli_pager: 'less',
  });
});

test('a config section without the profile prefix is ignored, as by the SDK', async () => {
  const files = await loadAwsFiles({ env: envFor('basic') });
  assert.equal(Object.hasOwn(files.config, 'ignored'), false);
});

test('the credentials file wins over the config file for the same key', async () => {
  const files = await loadAwsFiles({ env: envFor('basic') });
  assert.equal(files.config.source?.region, 'eu-west-1');
  assert.equal(profileSection(files, 'source')?.region, 'ap-south-1');
  assert.equal(profileSection(files, 'source')?.aws_access_key_id, 'AKIAIOSFODNN7EXAMPLE');
  assert.equal(profileSection(files, 'nope'), undefined);
});

test('default paths come from the given HOME, not from process.env', async () => {
  const files = await loadAwsFiles({ env: { HOME: join(FIX, 'home') } });
  assert.deepEqual(Object.keys(files.config), ['from-home']);
  assert.deepEqual(files.configPaths, [join(FIX, 'home', '.aws', 'config')]);
  assert.deepEqual(files.credentialsPaths, [], 'a missing file reads as empty and is not listed');
});

test('~ in a path is the given HOME', async () => {
  const files = await loadAwsFiles({ env: { HOME: FIX }, configPaths: ['~/basic/config'], credentialsPaths: [] });
  assert.ok(Object.hasOwn(files.config, 'switch'));
});

test('several files: later ones win per key, earlier keys stay', async () => {
  const files = await loadAwsFiles({
    env: {},
    configPaths: [join(FIX, 'own-files', 'config'), join(FIX, 'own-files', 'config-override')],
    credentialsPaths: [join(FIX, 'own-files', 'credentials')],
  });
  assert.equal(files.config.switch?.role_arn, 'arn:aws:iam::999999999999:role/override');
  assert.equal(files.config.switch?.mfa_serial, 'arn:aws:iam::111111111111:mfa/alice');
  assert.equal(files.configPaths.length, 2);
});

test('missing files read as empty (SDK behaviour)', async () => {
  const files = await loadAwsFiles({ env: { HOME: '/nonexistent-home' } });
  assert.deepEqual(files, {
    configPaths: [],
    credentialsPaths: [],
    config: {},
    ssoSessions: {},
    otherSections: {},
    credentials: {},
  });
});

test('AWS_PROFILE, else AWS_DEFAULT_PROFILE, else default', () => {
  assert.equal(profileFromEnv({ AWS_PROFILE: 'a', AWS_DEFAULT_PROFILE: 'b' }), 'a');
  assert.equal(profileFromEnv({ AWS_DEFAULT_PROFILE: 'b' }), 'b');
  assert.equal(profileFromEnv({ AWS_PROFILE: '', AWS_DEFAULT_PROFILE: 'b' }), 'b');
  assert.equal(profileFromEnv({}), 'default');
});

test("a target's own shared files are loaded for it, the defaults for the others", async () => {
  const base: AuthTarget = {
    kind: 'provider',
    name: 'aws',
    source: { file: 'main.tf', line: 1 },
    assumeRoles: [],
    staticCredentials: false,
    webIdentity: false,
    unknowns: [],
  };
  const own: AuthTarget = { ...base, name: 'aws.own', sharedConfigFiles: [join(FIX, 'own-files', 'config-override')] };
  const { defaults, filesFor } = await loadFilesForTargets([base, own], envFor('basic'));
  assert.equal(filesFor(base), defaults);
  assert.equal(filesFor(own).config.switch?.role_arn, 'arn:aws:iam::999999999999:role/override');
  // shared_credentials_files unset: the default credentials file still applies
  assert.equal(filesFor(own).credentials.source?.aws_access_key_id, 'AKIAIOSFODNN7EXAMPLE');
});
