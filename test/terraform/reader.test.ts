// readModuleAuth end to end on the fixtures in fixtures/config/<case>/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readModuleAuth } from '../../src/terraform/index.ts';
import type { AuthTarget, ReadModuleOptions } from '../../src/model.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/config');

function read(dir: string, over: Partial<ReadModuleOptions> = {}) {
  return readModuleAuth({ dir, cwd: FIXTURES, env: { HOME: '/home/u' }, vars: [], backendConfig: [], command: 'plan', ...over });
}

/** The parts of a target a test states exactly. */
function brief(t: AuthTarget) {
  return {
    name: t.name,
    at: `${t.source.file}:${t.source.line}`,
    profile: t.profile,
    region: t.region,
    roles: t.assumeRoles.map((r) => r.roleArn),
    unknowns: t.unknowns.map((u) => `${u.attribute}@${u.source.file}:${u.source.line}`),
  };
}

test('reads the backend and every aws provider with their auth settings', async () => {
  const r = await read('basic');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    { name: 'backend "s3"', at: 'basic/main.tf:2', profile: 'state-admin', region: 'eu-west-1', roles: [], unknowns: [] },
    { name: 'aws', at: 'basic/main.tf:10', profile: 'dev', region: 'eu-west-1', roles: [], unknowns: [] },
    { name: 'aws.west', at: 'basic/main.tf:15', profile: 'source', region: 'us-west-2', roles: ['arn:aws:iam::222222222222:role/deploy', 'arn:aws:iam::333333333333:role/next'], unknowns: [] },
    { name: 'aws.static', at: 'basic/main.tf:31', profile: undefined, region: undefined, roles: [], unknowns: [] },
    { name: 'aws.web', at: 'basic/main.tf:37', profile: undefined, region: undefined, roles: [], unknowns: [] },
  ]);
  const west = r.targets[2]!;
  assert.deepEqual(west.assumeRoles[0], {
    roleArn: 'arn:aws:iam::222222222222:role/deploy', sessionName: 'tfw', externalId: 'ext-1', durationSeconds: 5400,
    source: { file: 'basic/main.tf', line: 20 },
  });
  assert.equal(r.targets[3]!.staticCredentials, true);
  assert.equal(r.targets[4]!.webIdentity, true);
  assert.equal(r.targets[1]!.staticCredentials, false);
});

test('variables: default < TF_VAR < terraform.tfvars < .tfvars.json < *.auto.tfvars in order < -var/-var-file in order', async () => {
  const r = await read('var-precedence', {
    env: { TF_VAR_b: 'b-env', TF_VAR_c: 'c-env', TF_VAR_roles: '["from-env"]' },
    vars: [
      { kind: 'var-file', value: 'extra.tfvars' },
      { kind: 'var', value: 'h=h-var' },
      { kind: 'var', value: 'i=i-var' },
      { kind: 'var-file', value: join(FIXTURES, 'var-precedence/extra.tfvars') },
      { kind: 'var', value: 'i=i-var-last' },
    ],
  });
  assert.deepEqual(r.problems, []);
  const profiles = Object.fromEntries(r.targets.map((t) => [t.name, t.profile]));
  assert.deepEqual(profiles, {
    'aws.a': 'a-default',
    'aws.b': 'b-env',
    'aws.c': 'c-tfvars',
    'aws.d': 'd-tfvars-json',
    'aws.e': 'e-a-auto',
    'aws.f': 'f-b-auto-json',
    'aws.g': 'g-var-file',
    'aws.h': 'h-var-file',
    'aws.i': 'i-var-last',
  });
  // A list variable from the environment is parsed as HCL.
  assert.equal(r.targets.find((t) => t.name === 'aws.i')!.region, 'from-env');
});

test('a missing -var-file is a problem; the rest is still read', async () => {
  const r = await read('var-precedence', { vars: [{ kind: 'var-file', value: 'nope.tfvars' }] });
  assert.deepEqual(r.problems.map((p) => p.source.file), ['var-precedence/nope.tfvars']);
  assert.equal(r.targets.length, 9);
});

test('override files replace attributes and same-type nested blocks; an override backend replaces the whole backend', async () => {
  const r = await read('override');
  assert.deepEqual(r.targets.map(brief), [
    { name: 'backend "s3"', at: 'override/z_override.tf:7', profile: undefined, region: undefined, roles: [], unknowns: [] },
    { name: 'aws', at: 'override/main.tf:1', profile: 'overridden', region: 'eu-west-1', roles: ['arn:aws:iam::999999999999:role/replacement'], unknowns: [] },
    { name: 'aws.west', at: 'override/main.tf:9', profile: 'west-base', region: 'us-west-1', roles: [], unknowns: [] },
  ]);
});

test('.tf.json: providers as object or array, backend under terraform, templates in strings', async () => {
  const r = await read('tf-json');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    { name: 'backend "s3"', at: 'tf-json/main.tf.json:9', profile: 'json-backend', region: undefined, roles: ['arn:aws:iam::555555555555:role/state'], unknowns: [] },
    { name: 'aws', at: 'tf-json/main.tf.json:19', profile: 'prod-admin', region: 'eu-central-1', roles: [], unknowns: [] },
    { name: 'aws.second', at: 'tf-json/main.tf.json:20', profile: 'second', region: undefined, roles: ['arn:aws:iam::666666666666:role/prod'], unknowns: [] },
    { name: 'aws.third', at: 'tf-json/other.tf.json:2', profile: 'third', region: undefined, roles: [], unknowns: [] },
  ]);
});

test('provider look-alikes in comments, strings and heredocs are not blocks', async () => {
  const r = await read('lookalike');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    { name: 'aws', at: 'lookalike/main.tf:26', profile: 'real', region: 'eu-west-1', roles: [], unknowns: [] },
  ]);
});

test('terraform.workspace: TF_WORKSPACE, else .terraform/environment, else default', async () => {
  const cases: [Record<string, string>, string, string][] = [
    [{}, 'prod-admin', 'prod-region'],
    [{ TF_WORKSPACE: 'default' }, 'dev', 'default-region'],
    [{ TF_WORKSPACE: 'qa' }, 'other', 'qa-region'],
    [{ TF_DATA_DIR: 'elsewhere' }, 'dev', 'default-region'],
  ];
  for (const [env, profile, region] of cases) {
    const r = await read('workspace', { env });
    assert.deepEqual([r.targets[0]!.profile, r.targets[0]!.region], [profile, region], JSON.stringify(env));
  }
});

test('init: -backend-config file and key=value, in command-line order, later wins', async () => {
  const r = await read('backend-config', {
    command: 'init',
    backendConfig: [
      { kind: 'kv', value: 'profile=from-kv-first' },
      { kind: 'file', value: 'prod.s3.tfbackend' },
      { kind: 'kv', value: 'region=us-east-2' },
      { kind: 'kv', value: 'shared_config_files=["~/cfg", "rel/cfg"]' },
    ],
  });
  assert.deepEqual(r.problems, []);
  const t = r.targets[0]!;
  assert.deepEqual(brief(t), {
    name: 'backend "s3"', at: 'backend-config/backend.tf:2', profile: 'from-file', region: 'us-east-2',
    roles: ['arn:aws:iam::777777777777:role/legacy'], unknowns: [],
  });
  assert.equal(t.assumeRoles[0]!.sessionName, 'legacy-session');
  assert.deepEqual(t.sharedCredentialsFiles, ['/home/u/.aws/creds-prod']);
  assert.deepEqual(t.sharedConfigFiles, ['/home/u/cfg', join(FIXTURES, 'backend-config/rel/cfg')]);
});

test('-backend-config only counts for init', async () => {
  const r = await read('backend-config', { command: 'plan', backendConfig: [{ kind: 'kv', value: 'profile=x' }] });
  assert.equal(r.targets[0]!.profile, undefined);
});

test('plan uses the backend settings init recorded in .terraform/terraform.tfstate; init uses the files', async () => {
  const plan = await read('tfstate-plan', { command: 'plan' });
  assert.deepEqual(plan.problems, []);
  const t = plan.targets[0]!;
  assert.deepEqual(brief(t), { name: 'backend "s3"', at: 'tfstate-plan/backend.tf:2', profile: 'recorded', region: 'eu-west-2', roles: ['arn:aws:iam::888888888888:role/recorded'], unknowns: [] });
  assert.deepEqual(t.assumeRoles[0], { roleArn: 'arn:aws:iam::888888888888:role/recorded', sessionName: 'rec', durationSeconds: 900, source: { file: 'tfstate-plan/.terraform/terraform.tfstate', line: 1 } });
  assert.deepEqual(t.sharedConfigFiles, ['/etc/aws/config']);
  const init = await read('tfstate-plan', { command: 'init' });
  assert.equal(init.targets[0]!.profile, 'in-file');
});

test('a plain re-init of a partial backend block reuses what the last init recorded; with -backend-config it does not', async () => {
  // What terraform does: the block's attributes win, the rest comes from the recorded settings.
  const again = await read('tfstate-plan', { command: 'init' });
  assert.deepEqual(brief(again.targets[0]!), { name: 'backend "s3"', at: 'tfstate-plan/backend.tf:2', profile: 'in-file', region: 'eu-west-2', roles: ['arn:aws:iam::888888888888:role/recorded'], unknowns: [] });
  const reconfigured = await read('tfstate-plan', { command: 'init', backendConfig: [{ kind: 'kv', value: 'region=us-east-2' }] });
  assert.deepEqual(brief(reconfigured.targets[0]!), { name: 'backend "s3"', at: 'tfstate-plan/backend.tf:2', profile: 'in-file', region: 'us-east-2', roles: [], unknowns: [] });
});

test('what tfw cannot evaluate is reported as unknown with file:line and left unset', async () => {
  const r = await read('unknowns');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    {
      // The role is known only to terraform, but terraform assumes one: the hop stays.
      name: 'aws', at: 'unknowns/main.tf:3', profile: undefined, region: undefined, roles: [undefined],
      unknowns: ['profile@unknowns/main.tf:4', 'region@unknowns/main.tf:5', 'shared_config_files@unknowns/main.tf:6', 'assume_role.role_arn@unknowns/main.tf:9'],
    },
    { name: 'aws.cycle', at: 'unknowns/main.tf:14', profile: undefined, region: undefined, roles: [], unknowns: ['profile@unknowns/main.tf:16'] },
  ]);
  assert.match(r.targets[0]!.unknowns[0]!.reason, /aws_iam_role\.x/);
  assert.match(r.targets[1]!.unknowns[0]!.reason, /refers to itself/);
  assert.deepEqual(r.targets[0]!.assumeRoles[0]!.source, { file: 'unknowns/main.tf', line: 9 });
  assert.match(r.targets[0]!.assumeRoles[0]!.roleArnUnknown!, /./);
});

test('local child modules are read with their own variables; remote sources are skipped; cycles are a problem', async () => {
  const r = await read('child-modules');
  assert.deepEqual(r.targets.map(brief), [
    { name: 'module.net: aws.west', at: 'child-modules/modules/net/main.tf:7', profile: 'net-default', region: 'eu-west-1', roles: ['arn:aws:iam::123456789012:role/net'], unknowns: [] },
    { name: 'module.net.module.inner: aws', at: 'child-modules/modules/inner/main.tf:1', profile: 'inner', region: undefined, roles: [], unknowns: [] },
  ]);
  assert.deepEqual(r.problems.map((p) => `${p.source.file}:${p.source.line}`), ['child-modules/modules/loop/main.tf:1']);
  assert.match(r.problems[0]!.message, /cycle/);
});

test('provider for_each: one target per key; unknown keys give one target with the reason', async () => {
  const r = await read('for-each');
  assert.deepEqual(r.targets.map(brief), [
    { name: 'aws.by_region["eu-west-1"]', at: 'for-each/main.tf:8', profile: 'ireland-admin', region: 'eu-west-1', roles: [], unknowns: [] },
    { name: 'aws.by_region["us-east-1"]', at: 'for-each/main.tf:8', profile: 'virginia-admin', region: 'us-east-1', roles: [], unknowns: [] },
    { name: 'aws.by_instance', at: 'for-each/main.tf:15', profile: 'fixed', region: undefined, roles: [], unknowns: ['for_each@for-each/main.tf:16', 'region@for-each/main.tf:18'] },
  ]);
});

test('a syntax error is a problem with file:line and the other files are still read', async () => {
  const r = await read('syntax-error');
  assert.deepEqual(r.problems.map((p) => `${p.source.file}:${p.source.line}`), ['syntax-error/bad.tf:6']);
  assert.deepEqual(r.targets.map((t) => t.name), ['aws.good']);
});

test('a binary file named x.tf is a problem, not a crash', async () => {
  const r = await read('binary');
  assert.deepEqual(r.problems.map((p) => p.source.file), ['binary/x.tf']);
  assert.deepEqual(r.targets.map((t) => t.profile), ['still-read']);
});

test('real-world split layout: versions.tf / backend.tf / providers.tf, another local name for hashicorp/aws', async () => {
  const r = await read('layout-split', { env: { TF_VAR_profile: 'network-admin' } });
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    { name: 'backend "s3"', at: 'layout-split/backend.tf:2', profile: undefined, region: 'us-east-1', roles: ['arn:aws:iam::111111111111:role/state-access'], unknowns: [] },
    { name: 'aws', at: 'layout-split/providers.tf:1', profile: 'network-admin', region: 'us-east-1', roles: [], unknowns: [] },
    { name: 'awsalt.dr', at: 'layout-split/providers.tf:12', profile: undefined, region: 'us-west-2', roles: [], unknowns: [] },
  ]);
});

test('a required variable without a value is unknown, not a crash', async () => {
  const r = await read('layout-split');
  assert.deepEqual(r.targets[1]!.unknowns.map((u) => u.attribute), ['profile']);
});

test('live/<env>/ layouts: each env reads its own tfvars, paths shown relative to cwd', async () => {
  for (const [env, account, region] of [['prod', '100000000001', 'eu-west-1'], ['staging', '100000000002', 'eu-central-1']] as const) {
    const r = await readModuleAuth({ dir: `live/${env}`, cwd: join(FIXTURES, 'live-envs'), env: {}, vars: [], backendConfig: env === 'prod' ? [{ kind: 'file', value: 'backend.hcl' }] : [], command: 'init' });
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.targets.map(brief), [
      { name: 'backend "s3"', at: `live/${env}/main.tf:2`, profile: env === 'prod' ? 'acme-state' : undefined, region: undefined, roles: [], unknowns: [] },
      { name: 'aws', at: `live/${env}/main.tf:8`, profile: `acme-${env}`, region, roles: [`arn:aws:iam::${account}:role/deploy`], unknowns: [] },
    ]);
    assert.equal(r.targets[1]!.assumeRoles[0]!.durationSeconds, 3600);
  }
});

test('paths outside cwd are shown absolute', async () => {
  const other = await readModuleAuth({ dir: join(FIXTURES, 'basic'), cwd: join(FIXTURES, 'workspace'), env: {}, vars: [], backendConfig: [], command: 'plan' });
  assert.equal(other.targets[0]!.source.file, join(FIXTURES, 'basic/main.tf'));
});

test('an unreadable or missing directory is a problem, never a throw', async () => {
  const missing = await read('no-such-dir');
  assert.deepEqual(missing.targets, []);
  assert.deepEqual(missing.problems.map((p) => p.source.file), ['no-such-dir']);
  const tmp = mkdtempSync(join(tmpdir(), 'tfw-unreadable-'));
  try {
    const locked = join(tmp, 'locked');
    mkdirSync(locked);
    writeFileSync(join(locked, 'main.tf'), 'provider "aws" {}\n');
    chmodSync(locked, 0o000);
    const r = await readModuleAuth({ dir: locked, cwd: tmp, env: {}, vars: [], backendConfig: [], command: 'plan' });
    if (process.getuid?.() !== 0) assert.equal(r.problems.length, 1);
    chmodSync(locked, 0o755);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('deep nesting (100k "[") and huge files become problems quickly', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tfw-deep-'));
  try {
    writeFileSync(join(tmp, 'deep.tf'), `locals {\n  x = ${'['.repeat(100_000)}\n}\n`);
    writeFileSync(join(tmp, 'deepjson.tf.json'), `{"locals": {"x": ${'['.repeat(100_000)}}}`);
    writeFileSync(join(tmp, 'blocks.tf'), 'a {\n'.repeat(50_000));
    writeFileSync(join(tmp, 'huge.tf'), Buffer.alloc(9 * 1024 * 1024, 0x20));
    writeFileSync(join(tmp, 'main.tf'), 'provider "aws" {\n  profile = "ok"\n}\n');
    const start = performance.now();
    const r = await readModuleAuth({ dir: tmp, cwd: tmp, env: {}, vars: [], backendConfig: [], command: 'plan' });
    assert.ok(performance.now() - start < 2000);
    assert.deepEqual(r.problems.map((p) => `${p.source.file}:${p.source.line}`).sort(), ['blocks.tf:129', 'deep.tf:2', 'deepjson.tf.json:1', 'huge.tf:1']);
    assert.deepEqual(r.targets.map((t) => t.profile), ['ok']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('dynamic "assume_role" blocks: one hop per element, in order, with the iterator (named or not) in scope', async () => {
  const r = await read('dynamic-assume-role');
  assert.deepEqual(r.problems, []);
  assert.deepEqual(r.targets.map(brief), [
    { name: 'aws.one', at: 'dynamic-assume-role/main.tf:13', profile: 'base', region: undefined, roles: ['arn:aws:iam::222222222222:role/deploy'], unknowns: [] },
    { name: 'aws.chained', at: 'dynamic-assume-role/main.tf:24', profile: undefined, region: undefined, roles: ['arn:aws:iam::333333333333:role/a', 'arn:aws:iam::444444444444:role/b'], unknowns: [] },
    { name: 'aws.off', at: 'dynamic-assume-role/main.tf:36', profile: undefined, region: undefined, roles: [], unknowns: [] },
    { name: 'aws.from_data', at: 'dynamic-assume-role/main.tf:46', profile: undefined, region: undefined, roles: [], unknowns: ['assume_role@dynamic-assume-role/main.tf:49'] },
  ]);
  assert.deepEqual(r.targets[1]!.assumeRoles.map((h) => h.sessionName), ['hop-0', 'hop-1']);
});
