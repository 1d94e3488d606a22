import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fromIni } from '@aws-sdk/credential-providers';
import { loadAwsFiles } from '../../src/aws/files.ts';
import { planAuth } from '../../src/aws/plan.ts';
import { generateFiles } from '../../src/aws/materialize.ts';
import { ConfigError } from '../../src/errors.ts';
import type { AuthTarget } from '../../src/model.ts';
import type { AuthPlan, AwsFiles, GeneratedFiles, SessionCredentials } from '../../src/aws/types.ts';

const FIX = fileURLToPath(new URL('../../fixtures/aws/', import.meta.url));
const load = (c: string) =>
  loadAwsFiles({ env: {}, configPaths: [join(FIX, c, 'config')], credentialsPaths: [join(FIX, c, 'credentials')] });

const target = (name: string, over: Partial<AuthTarget> = {}): AuthTarget => ({
  kind: 'provider',
  name,
  source: { file: 'main.tf', line: 1 },
  assumeRoles: [],
  staticCredentials: false,
  webIdentity: false,
  unknowns: [],
  ...over,
});
const session = (n = 1): SessionCredentials => ({
  accessKeyId: `ASIASESSION${n}EXAMPLE`,
  secretAccessKey: `sessionSecret${n}EXAMPLE`,
  sessionToken: `sessionToken${n}EXAMPLE`,
  expiration: new Date('2030-01-01T00:00:00Z'),
});
const sessionsFor = (plan: AuthPlan) => new Map(plan.devices.map((d, i) => [d.id, session(i + 1)]));

interface AssumeCall {
  source: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  params: Record<string, unknown>;
}

/** Resolves a profile from generated files with the SDK's own fromIni: no network, a recording role assumer. */
async function resolveWithSdk(generated: GeneratedFiles, profile: string) {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-materialize-'));
  try {
    await writeFile(join(dir, 'config'), generated.config, { mode: 0o600 });
    await writeFile(join(dir, 'credentials'), generated.credentials, { mode: 0o600 });
    const calls: AssumeCall[] = [];
    const creds = await fromIni({
      profile,
      configFilepath: join(dir, 'config'),
      filepath: join(dir, 'credentials'),
      ignoreCache: true,
      roleAssumer: async (source, params) => {
        calls.push({
          source: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken },
          params: { ...params },
        });
        return { accessKeyId: `ASIAROLE${calls.length}`, secretAccessKey: 'roleSecret', sessionToken: 'roleToken' };
      },
    })();
    return { creds, calls };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Parses generated text with the SDK's parser, as terraform's files would be read. */
async function parseWithSdk(generated: GeneratedFiles): Promise<AwsFiles> {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-materialize-'));
  try {
    await writeFile(join(dir, 'config'), generated.config);
    await writeFile(join(dir, 'credentials'), generated.credentials);
    return await loadAwsFiles({ env: {}, configPaths: [join(dir, 'config')], credentialsPaths: [join(dir, 'credentials')] });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const S1 = session(1);
const asSource = (s: SessionCredentials) => ({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });

test('the MFA root resolves to the session keys; its long-term keys are not copied', async () => {
  const files = await load('one-device');
  const plan = planAuth([target('aws.dev', { profile: 'dev' })], () => files, {});
  const out = generateFiles(plan, files, sessionsFor(plan));
  const { creds, calls } = await resolveWithSdk(out, 'source');
  assert.deepEqual([creds.accessKeyId, creds.secretAccessKey, creds.sessionToken], [S1.accessKeyId, S1.secretAccessKey, S1.sessionToken]);
  assert.equal(calls.length, 0);
  assert.doesNotMatch(out.config + out.credentials, /AKIAIOSFODNN7EXAMPLE|EXAMPLEKEY/);
  assert.doesNotMatch(out.config, /aws_session_token|aws_secret/, 'keys only in the credentials file');
});

test('roles are assumed by the SDK from the session, without MFA, with their settings', async () => {
  const files = await load('one-device');
  const plan = planAuth(['dev', 'prod', 'deep'].map((p) => target(`aws.${p}`, { profile: p })), () => files, {});
  const out = generateFiles(plan, files, sessionsFor(plan));
  assert.doesNotMatch(out.config, /mfa_serial|mfa_process/);

  const dev = await resolveWithSdk(out, 'dev');
  assert.equal(dev.calls.length, 1);
  assert.deepEqual(dev.calls[0]?.source, asSource(S1));
  assert.equal(dev.calls[0]?.params.RoleArn, 'arn:aws:iam::222222222222:role/dev');
  assert.equal(dev.calls[0]?.params.SerialNumber, undefined);

  const prod = await resolveWithSdk(out, 'prod');
  assert.deepEqual(
    [prod.calls[0]?.params.RoleArn, prod.calls[0]?.params.ExternalId, prod.calls[0]?.params.RoleSessionName, prod.calls[0]?.params.DurationSeconds],
    ['arn:aws:iam::333333333333:role/prod', 'ext-42', 'alice-prod', 1800],
  );

  const deep = await resolveWithSdk(out, 'deep');
  assert.deepEqual(deep.calls.map((c) => c.params.RoleArn), ['arn:aws:iam::333333333333:role/prod', 'arn:aws:iam::444444444444:role/deep']);
  assert.deepEqual(deep.calls[0]?.source, asSource(S1));
  assert.equal(deep.calls[1]?.source.accessKeyId, 'ASIAROLE1', 'second hop from the first role, as terraform would');
  assert.ok(deep.calls.every((c) => c.params.SerialNumber === undefined));
});

test('regions and other settings survive', async () => {
  const files = await load('one-device');
  const plan = planAuth([target('aws.dev', { profile: 'dev' })], () => files, {});
  const back = await parseWithSdk(generateFiles(plan, files, sessionsFor(plan)));
  assert.equal(back.config.dev?.region, 'eu-west-1');
  assert.equal(back.config.source?.region, 'eu-central-1');
  assert.equal(back.config.source?.mfa_process, undefined);
});

test('mfa_serial on the long-term profile: the session replaces it, used directly or under a role', async () => {
  const files = await load('vault-habit');
  const plan = planAuth([target('aws', { profile: 'base' }), target('aws.admin', { profile: 'admin' })], () => files, {});
  const out = generateFiles(plan, files, sessionsFor(plan));
  assert.equal((await resolveWithSdk(out, 'base')).creds.accessKeyId, S1.accessKeyId);
  const admin = await resolveWithSdk(out, 'admin');
  assert.deepEqual(admin.calls[0]?.source, asSource(S1));
  assert.doesNotMatch(out.credentials, /AKIAI44QH8DHBEXAMPLE/, 'keys the run does not use are left out');
  assert.doesNotMatch(out.config, /\[profile plain\]/);
});

test('a profile that is its own source keeps its role on top of the session', async () => {
  const files = await load('self-source');
  const plan = planAuth([target('aws', { profile: 'self' })], () => files, {});
  const out = generateFiles(plan, files, sessionsFor(plan));
  const { calls } = await resolveWithSdk(out, 'self');
  assert.deepEqual(calls.map((c) => [c.params.RoleArn, c.source.accessKeyId, c.params.SerialNumber]), [
    ['arn:aws:iam::222222222222:role/self', S1.accessKeyId, undefined],
  ]);
});

test('long-term keys of a root that needs no MFA are copied when the run uses them', async () => {
  const files = await load('vault-habit');
  const plan = planAuth([target('aws', { profile: 'plain' })], () => files, {});
  const out = generateFiles(plan, files, new Map());
  const { creds } = await resolveWithSdk(out, 'plain');
  assert.equal(creds.accessKeyId, 'AKIAI44QH8DHBEXAMPLE');
  assert.doesNotMatch(out.config + out.credentials, /AKIAIOSFODNN7EXAMPLE/, "the unused base's keys are not");
});

test('sso, credential_process and credential_source profiles pass through with their sso-session', async () => {
  const files = await load('passthrough');
  const plan = planAuth([target('aws', { profile: 'sso' })], () => files, {});
  const back = await parseWithSdk(generateFiles(plan, files, new Map()));
  assert.deepEqual(back.config.sso, files.config.sso);
  assert.deepEqual(back.ssoSessions.corp, files.ssoSessions.corp);
  for (const p of ['proc', 'ec2', 'env', 'webid']) assert.deepEqual(back.config[p], files.config[p], p);
  // not served by a session: a role's own mfa_serial stays (the CLI still asks for it)
  assert.equal(back.config['sso-mfa']?.mfa_serial, 'arn:aws:iam::111111111111:mfa/alice');
  // temporary keys nobody in the run uses are left out, and so is the role on top of them
  assert.equal(Object.hasOwn(back.credentials, 'temp'), false);
  assert.equal(Object.hasOwn(back.config, 'temp-mfa'), false);
});

test('sub-sections, [default] and the services sections profiles name are preserved', async () => {
  const files = await load('basic');
  const withServices: AwsFiles = { ...files, config: { ...files.config, default: { ...files.config.default!, services: 'local' } } };
  const plan = planAuth([target('aws', { profile: 'switch' })], () => withServices, {});
  const out = generateFiles(plan, withServices, sessionsFor(plan));
  assert.match(out.config, /^\[default\]$/m);
  assert.match(out.config, /^s3 =\n {2}max_concurrent_requests = 10$/m);
  const back = await parseWithSdk(out);
  const { mfa_serial: _dropped, ...switchRest } = files.config.switch!;
  assert.deepEqual(back.config.switch, switchRest);
  assert.deepEqual(back.config.default, withServices.config.default);
  assert.deepEqual(back.otherSections, files.otherSections);
  assert.deepEqual(back.ssoSessions, {}, 'an sso-session no written profile names is left out');
  // the credentials file won over the config file for `source`: that region is the one kept
  assert.equal(back.config.source?.region, 'ap-south-1');
});

test('a value or session with a newline is refused, never written', async () => {
  const files = await load('one-device');
  const plan = planAuth([target('aws.dev', { profile: 'dev' })], () => files, {});
  const evil: AwsFiles = { ...files, config: { ...files.config, dev: { ...files.config.dev!, region: 'eu-west-1\n[profile x]' } } };
  assert.throws(() => generateFiles(plan, evil, sessionsFor(plan)), (e: unknown) => e instanceof ConfigError && /"region"/.test(e.message));
  const badSession = new Map([[plan.devices[0]!.id, { ...S1, sessionToken: 'abc\naws_access_key_id = x' }]]);
  assert.throws(
    () => generateFiles(plan, files, badSession),
    (e: unknown) => e instanceof ConfigError && /aws_session_token/.test(e.message) && !/abc/.test(e.message),
  );
});

test('a device without a session is a programming error', async () => {
  const files = await load('one-device');
  const plan = planAuth([target('aws.dev', { profile: 'dev' })], () => files, {});
  assert.throws(() => generateFiles(plan, files, new Map()), /no session for MFA device/);
});

// ---- properties ----------------------------------------------------------

const name = fc.stringMatching(/^[A-Za-z0-9_@+.%:/-]{1,12}$/).filter((n) => n !== '__proto__' && !n.includes('.') && n !== 'default');
const key = fc.stringMatching(/^x_[a-z0-9_]{1,8}(\.[a-z0-9_]{1,8})?$/);
// anything the SDK parser itself could hand back: one line, trimmed, no comment start
const value = fc
  .string({ minLength: 1, maxLength: 20, unit: fc.constantFrom(...'aZ09 :/=._-#;[]"\'@+'.split('')) })
  .filter((v) => v.trim() === v && !/(^|\s)[;#]/.test(v));

test('any keyless profile round-trips through generateFiles and the SDK parser', async () => {
  await fc.assert(
    fc.asyncProperty(fc.dictionary(name, fc.dictionary(key, value, { minKeys: 1, maxKeys: 4 }), { minKeys: 1, maxKeys: 4 }), async (config) => {
      const files: AwsFiles = { configPaths: [], credentialsPaths: [], config, ssoSessions: {}, otherSections: {}, credentials: {} };
      const back = await parseWithSdk(generateFiles({ targets: [], devices: [], childEnvironment: { keepKeyVariables: false } }, files, new Map()));
      assert.deepEqual(back.config, JSON.parse(JSON.stringify(config)));
    }),
    { numRuns: 40 },
  );
});

test('no mfa_serial survives on a chain served by a session, and every target resolves from it', async () => {
  const serial = 'arn:aws:iam::111111111111:mfa/alice';
  // roles r0..rn, each sourced from the previous one (r0 from the keys), mfa_serial somewhere
  const arb = fc.record({
    depth: fc.integer({ min: 1, max: 4 }),
    mfaOn: fc.integer({ min: 0, max: 4 }),
    used: fc.integer({ min: 0, max: 3 }),
  });
  await fc.assert(
    fc.asyncProperty(arb, async ({ depth, mfaOn, used }) => {
      const config: AwsFiles['config'] = { keys: { region: 'eu-west-1' } };
      for (let i = 0; i < depth; i++) {
        config[`r${i}`] = { role_arn: `arn:aws:iam::222222222222:role/r${i}`, source_profile: i === 0 ? 'keys' : `r${i - 1}` };
      }
      (mfaOn >= depth ? config.keys! : config[`r${mfaOn}`]!).mfa_serial = serial;
      const files: AwsFiles = {
        configPaths: [],
        credentialsPaths: [],
        config,
        ssoSessions: {},
        otherSections: {},
        credentials: { keys: { aws_access_key_id: 'AKIAIOSFODNN7EXAMPLE', aws_secret_access_key: 'wJalrXUtnFEMIEXAMPLEKEY' } },
      };
      // the target's chain holds the serial, so the whole chain is served by the session
      const profile = `r${Math.min(Math.max(used, mfaOn), depth - 1)}`;
      const plan = planAuth([target('aws', { profile })], () => files, {});
      const out = generateFiles(plan, files, sessionsFor(plan));
      assert.doesNotMatch(out.config, /mfa_serial/);
      const { calls } = await resolveWithSdk(out, profile);
      assert.deepEqual(calls[0]?.source, asSource(S1));
      assert.ok(calls.every((c) => c.params.SerialNumber === undefined));
    }),
    { numRuns: 30 },
  );
});

test('a used profile with no credentials of its own (only a region) is still written', async () => {
  const files: AwsFiles = {
    configPaths: [],
    credentialsPaths: [],
    config: { default: { region: 'eu-west-2' } },
    ssoSessions: {},
    otherSections: {},
    credentials: {},
  };
  const plan = planAuth([target('aws')], () => files, {});
  assert.equal(plan.targets[0]?.action, 'none');
  const back = await parseWithSdk(generateFiles(plan, files, new Map()));
  assert.deepEqual(back.config, { default: { region: 'eu-west-2' } });
});
