// Profile kinds as the registry sees them, and the sources that answer for a
// device: a credential_process printing long-term keys, credential_source =
// Environment with exported long-term keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromIni } from '@aws-sdk/credential-providers';
import { loadAwsFiles } from '../../src/aws/files.ts';
import { planAuth } from '../../src/aws/plan.ts';
import { generateFiles } from '../../src/aws/materialize.ts';
import { KINDS } from '../../src/aws/kinds/index.ts';
import { keySources, parseProcessOutput, sourceIdentity } from '../../src/aws/sources.ts';
import { ConfigError, TfwError } from '../../src/errors.ts';
import { Secrets } from '../../src/redact.ts';
import type { AuthTarget } from '../../src/model.ts';
import type { AwsFiles, GeneratedFiles, MfaDevice } from '../../src/aws/types.ts';

const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const VAULT = 'aws-vault export --no-session --format=json base';
const files = (config: AwsFiles['config'], credentials: AwsFiles['credentials'] = {}): AwsFiles => ({
  configPaths: ['/home/u/.aws/config'],
  credentialsPaths: [],
  config,
  credentials,
  ssoSessions: {},
  otherSections: {},
});
const target = (name: string, profile: string): AuthTarget => ({
  kind: 'provider',
  name,
  profile,
  source: { file: 'main.tf', line: 1 },
  assumeRoles: [],
  staticCredentials: false,
  webIdentity: false,
  unknowns: [],
});
const ROLES = {
  network: { source_profile: 'base', role_arn: 'arn:aws:iam::222222222222:role/network', mfa_serial: ALICE },
  apps: { source_profile: 'base', role_arn: 'arn:aws:iam::333333333333:role/apps', mfa_serial: ALICE, external_id: 'x-1' },
};

test('the registry: every kind has a guard, a resolver, an MFA answer and words', () => {
  assert.deepEqual(KINDS.map((k) => k.kind), ['role', 'static', 'credential-source', 'web-identity', 'credential-process', 'sso']);
  for (const k of KINDS) for (const m of ['matches', 'resolve', 'mfaRoot', 'describe'] as const) assert.equal(typeof k[m], 'function', `${k.kind}.${m}`);
});

test('roles rooted in a credential_process: one device, answered by the process, no secret in the plan', () => {
  const f = files({ base: { credential_process: VAULT, region: 'eu-west-1' }, ...ROLES });
  const p = planAuth([target('aws.network', 'network'), target('aws.apps', 'apps')], () => f, {});
  assert.equal(p.devices.length, 1);
  assert.deepEqual(p.devices[0], { id: `base|${ALICE}`, serial: ALICE, rootProfile: 'base', source: { type: 'process', command: VAULT }, region: 'eu-west-1', targets: ['aws.network', 'aws.apps'] });
  assert.deepEqual(p.targets.map((t) => [t.action, t.chain.map((h) => h.kind)]), [
    ['mfa', ['role', 'credential-process']],
    ['mfa', ['role', 'credential-process']],
  ]);
  // The cache keys it on the command: nothing secret tfw does not have.
  assert.deepEqual(sourceIdentity(p.devices[0]!.source), ['credential_process', VAULT]);
});

test('mfa_serial on the credential_process profile itself (the aws-vault habit)', () => {
  const f = files({ base: { credential_process: VAULT, mfa_serial: ALICE } });
  const p = planAuth([target('aws', 'base')], () => f, {});
  assert.deepEqual(p.devices.map((d) => d.source), [{ type: 'process', command: VAULT }]);
});

test('credential_source = Environment: exported long-term keys answer; a session or nothing exported is a ConfigError saying so', () => {
  const f = files({ env: { role_arn: 'arn:aws:iam::222222222222:role/x', credential_source: 'Environment', mfa_serial: ALICE } });
  const keys = { AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE1', AWS_SECRET_ACCESS_KEY: 'exported-secret' };
  const p = planAuth([target('aws', 'env')], () => f, keys);
  assert.deepEqual(p.devices[0]?.source, { type: 'keys', from: 'environment', keys: { accessKeyId: 'AKIAEXPORTEDEXAMPLE1', secretAccessKey: 'exported-secret' } });
  assert.equal(p.childEnvironment.keepKeyVariables, false, 'the session replaces them: they leave terraform\'s environment');
  const both = files({ ...f.config, bare: { role_arn: 'arn:aws:iam::222222222222:role/y', credential_source: 'Environment' } });
  const mixed = planAuth([target('aws', 'env'), target('aws.bare', 'bare')], () => both, keys);
  assert.deepEqual(mixed.targets.map((t) => t.action), ['mfa', 'none']);
  assert.equal(mixed.childEnvironment.keepKeyVariables, true, 'a chain served without a session still reads them');
  assert.throws(() => planAuth([target('aws', 'env')], () => f, {}), (e: unknown) => e instanceof ConfigError && /credential_source = Environment, and no long-term keys are exported/.test(e.message));
  assert.throws(() => planAuth([target('aws', 'env')], () => f, { ...keys, AWS_SESSION_TOKEN: 't' }), (e: unknown) => e instanceof ConfigError && /exported keys are a session/.test(e.message));
  const ec2 = files({ ec2: { role_arn: 'arn:aws:iam::222222222222:role/x', credential_source: 'Ec2InstanceMetadata', mfa_serial: ALICE } });
  assert.throws(() => planAuth([target('aws', 'ec2')], () => ec2, keys), (e: unknown) => e instanceof ConfigError && /credential_source = Ec2InstanceMetadata/.test(e.message));
});

const device = (over: Partial<MfaDevice> = {}): MfaDevice => ({
  id: `base|${ALICE}`,
  serial: ALICE,
  rootProfile: 'base',
  source: { type: 'process', command: VAULT },
  region: 'us-east-1',
  targets: [],
  ...over,
});

test('a credential_process runs once per run, whatever the number of devices behind it', async () => {
  const runs: string[] = [];
  const secrets = new Secrets();
  const keysFor = keySources(async (command) => {
    runs.push(command);
    return { exitCode: 0, stdout: JSON.stringify({ Version: 1, AccessKeyId: 'AKIAPROCESSEXAMPLE01', SecretAccessKey: 'process-secret-EXAMPLE' }) };
  }, secrets);
  const [a, b] = await Promise.all([keysFor(device()), keysFor(device({ id: 'other', serial: 'arn:aws:iam::1:mfa/b' }))]);
  assert.deepEqual(a, { accessKeyId: 'AKIAPROCESSEXAMPLE01', secretAccessKey: 'process-secret-EXAMPLE' });
  assert.deepEqual(b, a);
  assert.deepEqual(runs, [VAULT]);
  assert.equal(secrets.redact('leaked process-secret-EXAMPLE'), 'leaked ****', 'its secret is redacted from then on (in the run\'s secrets)');
});

test('a credential_process failure is one line naming the profile and the exit status, never its output', async () => {
  const keysFor = keySources(async () => ({ exitCode: 3, stdout: 'AKIAHALFWRITTEN secret-in-stdout' }), new Secrets());
  await assert.rejects(keysFor(device()), (e: unknown) => e instanceof TfwError && e.message === 'credential_process of profile base failed (exit 3)');
});

test('the SDK\'s JSON contract: Version 1, long-term only, messages without the output', () => {
  const ok = (o: unknown) => parseProcessOutput(JSON.stringify(o), 'base', ALICE, new Secrets());
  assert.deepEqual(ok({ Version: 1, AccessKeyId: 'AKIA1', SecretAccessKey: 's1' }), { accessKeyId: 'AKIA1', secretAccessKey: 's1' });
  assert.deepEqual(ok({ Version: 1, AccessKeyId: 'AKIA1', SecretAccessKey: 's1', Expiration: '2030-01-01T00:00:00Z' }), { accessKeyId: 'AKIA1', secretAccessKey: 's1' });
  const cases: [unknown, RegExp][] = [
    ['not json', /did not print JSON/],
    [{ Version: 2, AccessKeyId: 'A', SecretAccessKey: 's' }, /Version 2; .* Version 1/],
    [{ Version: 1, AccessKeyId: 'A' }, /no AccessKeyId\/SecretAccessKey/],
    [{ Version: 1, AccessKeyId: 'ASIA1', SecretAccessKey: 'temp-secret-value', SessionToken: 'tok-value-123', Expiration: '2030-01-01T00:00:00Z' }, /returned temporary credentials .*GetSessionToken for arn:aws:iam::111111111111:mfa\/alice .*--no-session/],
    [{ Version: 1, AccessKeyId: 'A', SecretAccessKey: 's', Expiration: 'soon' }, /Expiration that is not a date/],
  ];
  for (const [out, re] of cases) {
    assert.throws(() => parseProcessOutput(typeof out === 'string' ? out : JSON.stringify(out), 'base', ALICE, new Secrets()), (e: unknown) => {
      const m = (e as Error).message;
      return e instanceof TfwError && re.test(m) && m.startsWith('credential_process of profile base ') && !/temp-secret-value|tok-value-123/.test(m);
    }, String(re));
  }
});

/** Resolves a profile from generated files with the SDK's own fromIni, recording role assumptions. */
async function resolveWithSdk(generated: GeneratedFiles, profile: string) {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-kinds-'));
  try {
    await writeFile(join(dir, 'config'), generated.config, { mode: 0o600 });
    await writeFile(join(dir, 'credentials'), generated.credentials, { mode: 0o600 });
    const sources: string[] = [];
    const creds = await fromIni({
      profile,
      configFilepath: join(dir, 'config'),
      filepath: join(dir, 'credentials'),
      ignoreCache: true,
      roleAssumer: async (source, params) => {
        sources.push(`${source.accessKeyId} → ${params.RoleArn}`);
        return { accessKeyId: 'ASIAROLE', secretAccessKey: 'roleSecret', sessionToken: 'roleToken' };
      },
    })();
    return { creds, sources };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SESSION = { accessKeyId: 'ASIASESSIONEXAMPLE01', secretAccessKey: 'session-secret', sessionToken: 'session-token', expiration: new Date('2030-01-01T00:00:00Z') };

test('per-run files: the process root becomes the session; the command is gone, roles assume from the session', async () => {
  const f = files({ base: { credential_process: VAULT, mfa_serial: ALICE }, ...ROLES });
  const p = planAuth([target('aws.network', 'network'), target('aws.apps', 'apps')], () => f, {});
  const g = generateFiles(p, f, new Map([[p.devices[0]!.id, SESSION]]));
  assert.doesNotMatch(g.config + g.credentials, /credential_process|aws-vault|mfa_serial/);
  const r = await resolveWithSdk(g, 'apps');
  assert.deepEqual(r.sources, ['ASIASESSIONEXAMPLE01 → arn:aws:iam::333333333333:role/apps']);
});

test('per-run files: a credential_source = Environment role takes the session on itself', async () => {
  const f = files({ env: { role_arn: 'arn:aws:iam::222222222222:role/x', credential_source: 'Environment', mfa_serial: ALICE, region: 'eu-west-1' } });
  const p = planAuth([target('aws', 'env')], () => f, { AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE1', AWS_SECRET_ACCESS_KEY: 'exported-secret' });
  const g = generateFiles(p, f, new Map([[p.devices[0]!.id, SESSION]]));
  assert.doesNotMatch(g.config + g.credentials, /credential_source|exported-secret|AKIAEXPORTED/);
  const r = await resolveWithSdk(g, 'env');
  assert.deepEqual(r.sources, ['ASIASESSIONEXAMPLE01 → arn:aws:iam::222222222222:role/x']);
});

test('a profile file round trip: credential_process profiles load like any other', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-kinds-'));
  try {
    await writeFile(join(dir, 'config'), `[profile base]\ncredential_process = ${VAULT}\nmfa_serial = ${ALICE}\n`);
    const f = await loadAwsFiles({ env: {}, configPaths: [join(dir, 'config')], credentialsPaths: [join(dir, 'none')] });
    assert.deepEqual(planAuth([target('aws', 'base')], () => f, {}).devices.map((d) => d.source.type), ['process']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a role hop carries the AssumeRole settings the SDKs honour (credential-process assumes with them)', async () => {
  const { roleAssumption } = await import('../../src/aws/kinds/role.ts');
  const f = files({ base: { credential_process: VAULT, mfa_serial: ALICE }, r: { source_profile: 'base', role_arn: 'arn:aws:iam::2:role/r', external_id: 'ext-9', role_session_name: 'me', duration_seconds: '900' }, plain: { source_profile: 'base', role_arn: 'arn:aws:iam::2:role/p', duration_seconds: 'soon' } });
  const [hop] = planAuth([target('aws', 'r')], () => f, {}).targets[0]!.chain;
  assert.ok(hop?.kind === 'role');
  assert.deepEqual(roleAssumption(hop, new Date(5)), { roleArn: 'arn:aws:iam::2:role/r', sessionName: 'me', externalId: 'ext-9', durationSeconds: 900 });
  const [plain] = planAuth([target('aws', 'plain')], () => f, {}).targets[0]!.chain;
  assert.ok(plain?.kind === 'role');
  assert.deepEqual(roleAssumption(plain, new Date(5)), { roleArn: 'arn:aws:iam::2:role/p', sessionName: 'tfw-5' }, 'the clock of Deps, not Date.now');
});
