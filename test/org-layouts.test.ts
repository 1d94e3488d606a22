// Organisation layouts (fixtures/org/<case>/): for each shape, the source
// identity tfw resolves for every provider and the backend, the MFA devices
// that makes, and the reason `tfw auth explain` gives. Through the built CLI,
// with a private HOME: what a user running `tfw auth explain --json` sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, runTfw, sandbox, type Sandbox } from './support/harness.ts';
import { startStsStandIn } from './support/sts-standin.ts';

const ORG = join(FIXTURES, 'org');
const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const OPS = 'arn:aws:iam::111111111111:mfa/ops';
const NAMED = 'arn:aws:iam::111111111111:mfa/named-by-env';

const CONFIG = `[default]
region = eu-west-1
mfa_serial = ${ALICE}

[profile ops]
mfa_serial = ${OPS}

[profile plain]
region = us-east-2

[profile named]
region = eu-west-1

[profile org-prod]
source_profile = default
role_arn = arn:aws:iam::230000000001:role/admin

[profile org-staging]
source_profile = default
role_arn = arn:aws:iam::230000000002:role/admin

[profile org-dev]
source_profile = plain
role_arn = arn:aws:iam::230000000003:role/admin

[profile org-state]
source_profile = default
role_arn = arn:aws:iam::210000000002:role/terraform-state
`;

const CREDENTIALS = `[default]
aws_access_key_id = AKIADEFAULTEXAMPLE01
aws_secret_access_key = default-secret

[ops]
aws_access_key_id = AKIAOPSEXAMPLE000001
aws_secret_access_key = ops-secret

[plain]
aws_access_key_id = AKIAPLAINEXAMPLE0001
aws_secret_access_key = plain-secret

[named]
aws_access_key_id = AKIANAMEDEXAMPLE0001
aws_secret_access_key = named-secret
`;

interface Explained {
  action: string;
  prompts: string[];
  targets: Array<{ name: string; source: string; profile: string; action: string; device: string | null; reason: string; assumeRoles: Array<string | null>; unknowns: Array<{ attribute: string; source: string; reason: string }> }>;
  devices: Array<{ serial: string; profile: string; targets: string[] }>;
  problems: unknown[];
}

async function box(t: Parameters<typeof sandbox>[0]): Promise<Sandbox> {
  const b = await sandbox(t);
  await b.writeAws(CONFIG, CREDENTIALS);
  return b;
}

async function explain(b: Sandbox, fixture: string, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Explained> {
  const r = await runTfw(['auth', 'explain', '--json', `-chdir=${join(ORG, fixture)}`, ...args], { cwd: ORG, env: b.env(env) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '', 'explain says everything in its output');
  return JSON.parse(r.stdout) as Explained;
}

/** name → "profile action device" for one-line comparisons. */
const summary = (e: Explained) => Object.fromEntries(e.targets.map((t) => [t.name, `${t.profile} ${t.action} ${t.device ?? '-'}`]));

const TEN = ['aws', 'aws.security', 'aws.logs', 'aws.shared', 'aws.dev', 'aws.staging', 'aws.prod', 'aws.data', 'aws.sandbox', 'aws.audit'];

test('assume_role-only, ten accounts: the default profile\'s mfa_serial (on the long-term profile) is the one device for all of them', async (t) => {
  const e = await explain(await box(t), 'assume-role-only');
  assert.deepEqual(e.problems, []);
  assert.deepEqual(e.targets.map((x) => x.name), ['backend "s3"', ...TEN]);
  for (const target of e.targets) {
    assert.equal(target.profile, 'default', target.name);
    assert.equal(target.action, 'mfa', target.name);
    assert.equal(target.device, ALICE, target.name);
    assert.match(target.reason, /^assume_role arn:aws:iam::2100000000\d\d:role\/\S+ on the default identity: MFA session for "default" \(mfa_serial on "default"\), so terraform's AssumeRole carries MFA$/);
  }
  assert.deepEqual(e.targets[1]!.assumeRoles, ['arn:aws:iam::210000000001:role/OrganizationAccountAccessRole']);
  assert.deepEqual(e.targets[4]!.assumeRoles, ['arn:aws:iam::210000000004:role/OrganizationAccountAccessRole'], 'format() evaluated');
  assert.deepEqual(e.devices.map((d) => [d.serial, d.profile, d.targets.length]), [[ALICE, 'default', 11]]);
  assert.deepEqual(e.prompts, [ALICE]);
  assert.equal(e.action, 'materialize');
});

test('assume_role-only with AWS_PROFILE: the source identity and its device follow AWS_PROFILE', async (t) => {
  const e = await explain(await box(t), 'assume-role-only', [], { AWS_PROFILE: 'ops' });
  assert.deepEqual(new Set(Object.values(summary(e))), new Set([`ops mfa ${OPS}`]));
  assert.deepEqual(e.devices.map((d) => [d.serial, d.profile]), [[OPS, 'ops']]);
});

test('assume_role-only from long-term keys with no device named: terraform runs untouched, and the reason says how to name one', async (t) => {
  const e = await explain(await box(t), 'assume-role-only', [], { AWS_PROFILE: 'plain' });
  assert.equal(e.action, 'pass-through');
  assert.deepEqual(e.devices, []);
  for (const target of e.targets) {
    assert.equal(target.action, 'none');
    assert.match(target.reason, /no MFA device named in plain, so terraform runs as it would without tfw; if the role needs MFA, put mfa_serial on the profile or set TFW_MFA_SERIAL \(tfw auth explain --find-device looks yours up\)/);
  }
});

test('TFW_MFA_SERIAL names the device of a long-term profile that names none', async (t) => {
  const e = await explain(await box(t), 'assume-role-only', [], { AWS_PROFILE: 'plain', TFW_MFA_SERIAL: NAMED });
  assert.deepEqual(new Set(Object.values(summary(e))), new Set([`plain mfa ${NAMED}`]));
  assert.match(e.targets[0]!.reason, /MFA session for "plain", device from TFW_MFA_SERIAL/);
  assert.deepEqual(e.devices.map((d) => [d.serial, d.profile]), [[NAMED, 'plain']]);
  // A chain that names its own device keeps it: TFW_MFA_SERIAL only fills a gap.
  const own = await explain(await box(t), 'assume-role-only', [], { TFW_MFA_SERIAL: NAMED });
  assert.deepEqual(own.devices.map((d) => d.serial), [ALICE]);
});

test('exported long-term keys are the source identity: a per-run profile with TFW_MFA_SERIAL, left as they are without', async (t) => {
  const b = await box(t);
  const keys = { AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE1', AWS_SECRET_ACCESS_KEY: 'exported-secret' };
  const withDevice = await explain(b, 'assume-role-only', [], { ...keys, TFW_MFA_SERIAL: NAMED });
  assert.deepEqual(new Set(Object.values(summary(withDevice))), new Set([`tfw-environment mfa ${NAMED}`]));
  assert.match(withDevice.targets[0]!.reason, /MFA session for the keys exported in AWS_ACCESS_KEY_ID, device from TFW_MFA_SERIAL/);
  assert.deepEqual(withDevice.devices.map((d) => [d.serial, d.profile]), [[NAMED, 'tfw-environment']]);

  const without = await explain(b, 'assume-role-only', [], keys);
  assert.equal(without.action, 'pass-through');
  for (const target of without.targets) {
    assert.equal(`${target.profile} ${target.action}`, '(environment keys) none');
    assert.match(target.reason, /^long-term keys exported in AWS_ACCESS_KEY_ID, assume_role \S+: no MFA device named for them \(TFW_MFA_SERIAL\)/);
  }
  // The profile named in a block wins over exported keys (terraform's SDK does the same).
  const named = await explain(b, 'alias-default', [], { ...keys, TFW_MFA_SERIAL: NAMED });
  assert.deepEqual(summary(named), { aws: 'org-dev none -', 'aws.default': `org-prod mfa ${ALICE}` });
  for (const text of [JSON.stringify(withDevice), JSON.stringify(without)]) assert.doesNotMatch(text, /exported-secret|AKIAEXPORTED/);
});

test('exported session keys (aws-vault exec, a CI role): passed through, nothing to ask', async (t) => {
  const e = await explain(await box(t), 'assume-role-only', [], {
    AWS_ACCESS_KEY_ID: 'ASIASESSIONEXAMPLE01',
    AWS_SECRET_ACCESS_KEY: 'session-secret',
    AWS_SESSION_TOKEN: 'session-token',
  });
  assert.equal(e.action, 'pass-through');
  assert.deepEqual(e.prompts, []);
  for (const target of e.targets) {
    assert.equal(target.action, 'none');
    assert.equal(target.reason, 'session keys exported in the environment (AWS_SESSION_TOKEN): terraform uses them as they are');
  }
});

test('a profile that is null or "" (from a conditional or an empty default) is not set: the environment decides', async (t) => {
  const b = await box(t);
  const e = await explain(b, 'conditional-profile');
  assert.deepEqual(summary(e), { aws: `default mfa ${ALICE}`, 'aws.empty': `default mfa ${ALICE}`, 'aws.coalesced': `default mfa ${ALICE}` });
  const set = await explain(b, 'conditional-profile', ['-var', 'use_named_profile=true', '-var', 'profile=ops']);
  assert.deepEqual(summary(set), { aws: 'named none -', 'aws.empty': `ops mfa ${OPS}`, 'aws.coalesced': `ops mfa ${OPS}` });
});

test('role ARNs known only during the plan: reported unknown with file:line and why, and the run is not stopped', async (t) => {
  const e = await explain(await box(t), 'plan-time-roles');
  assert.deepEqual(summary(e), { aws: `default mfa ${ALICE}`, 'aws.ssm': `default mfa ${ALICE}`, 'aws.by_account': `default mfa ${ALICE}` });
  assert.equal(e.action, 'materialize');
  const at = (name: string) => e.targets.find((x) => x.name === name)!;
  assert.deepEqual(at('aws').assumeRoles, [null]);
  assert.deepEqual(at('aws').unknowns.map((u) => `${u.attribute}@${u.source}`), ['assume_role.role_arn@plan-time-roles/main.tf:19']);
  assert.match(at('aws').unknowns[0]!.reason, /data\.terraform_remote_state/);
  assert.match(at('aws').reason, /^assume_role \(role known only during the plan, plan-time-roles\/main\.tf:19\) on the default identity: MFA session for "default"/);
  assert.match(at('aws.ssm').unknowns[0]!.reason, /refers to data\.aws_ssm_parameter/, 'nonsensitive() is looked through');
  assert.deepEqual(at('aws.by_account').unknowns.map((u) => `${u.attribute}@${u.source}`).slice(0, 1), ['for_each@plan-time-roles/main.tf:35']);
});

test('the workspace picks the profile and the role: TF_WORKSPACE, else .terraform/environment; lookup with a default, title, format, lower', async (t) => {
  const b = await box(t);
  const staging = await explain(b, 'workspace-functions');
  assert.deepEqual(summary(staging), { aws: `org-staging mfa ${ALICE}`, 'aws.deploy': `default mfa ${ALICE}` });
  assert.deepEqual(staging.targets[1]!.assumeRoles, ['arn:aws:iam::230000000002:role/StagingDeployer']);
  const prod = await explain(b, 'workspace-functions', [], { TF_WORKSPACE: 'prod' });
  assert.equal(prod.targets[0]!.profile, 'org-prod');
  assert.deepEqual(prod.targets[1]!.assumeRoles, ['arn:aws:iam::230000000001:role/ProdDeployer']);
  const other = await explain(b, 'workspace-functions', [], { TF_WORKSPACE: 'qa' });
  assert.equal(other.targets[0]!.profile, 'default', 'lookup() falls back to its default');
});

test('TF_CLI_ARGS_plan and TF_CLI_ARGS_init carry -var-file and -backend-config; partial backend files under any name', async (t) => {
  const b = await box(t);
  const plain = await explain(b, 'tf-cli-args');
  assert.deepEqual(summary(plain), { 'backend "s3"': `default mfa ${ALICE}`, aws: `default mfa ${ALICE}` });
  const viaEnv = await explain(b, 'tf-cli-args', [], { TF_CLI_ARGS_plan: '-var-file=config/prod.tfvars' });
  assert.equal(viaEnv.targets.find((x) => x.name === 'aws')!.profile, 'org-prod');
  const general = await explain(b, 'tf-cli-args', [], { TF_CLI_ARGS: '-var profile=org-staging' });
  assert.equal(general.targets.find((x) => x.name === 'aws')!.profile, 'org-staging');
  // init configures the backend only; its settings come from the file TF_CLI_ARGS_init names.
  const init = await explain(b, 'tf-cli-args', ['init'], { TF_CLI_ARGS_init: '-backend-config=config/prod.s3.tfbackend' });
  assert.deepEqual(summary(init), { 'backend "s3"': `org-state mfa ${ALICE}` });
  const tfconf = await explain(b, 'tf-cli-args', ['init', '-backend-config=terraform.tfconf']);
  assert.deepEqual(summary(tfconf), { 'backend "s3"': `org-dev none -` });
});

test('TF_DATA_DIR: the workspace and the recorded backend are read from there', async (t) => {
  const b = await box(t);
  const e = await explain(b, 'data-dir', [], { TF_DATA_DIR: 'tfdata' });
  assert.deepEqual(summary(e), { 'backend "s3"': `org-state mfa ${ALICE}`, aws: `org-prod mfa ${ALICE}` });
  const without = await explain(b, 'data-dir');
  assert.deepEqual(summary(without), { 'backend "s3"': `default mfa ${ALICE}`, aws: 'org-default none -' });
});

test('a backend supplied only by an override file', async (t) => {
  const e = await explain(await box(t), 'backend-override');
  assert.deepEqual(summary(e), { 'backend "s3"': `org-state mfa ${ALICE}`, aws: `default mfa ${ALICE}` });
  assert.equal(e.targets[0]!.source, 'backend-override/backend_override.tf:3');
});

test('alias = "default" is a provider of its own, named apart from the unaliased one', async (t) => {
  const e = await explain(await box(t), 'alias-default');
  assert.deepEqual(summary(e), { aws: 'org-dev none -', 'aws.default': `org-prod mfa ${ALICE}` });
  assert.deepEqual(e.targets.map((x) => x.source), ['alias-default/main.tf:2', 'alias-default/main.tf:7']);
});

test('profile on a module block is a module input: it counts where the child hands it to a provider, nowhere else', async (t) => {
  const e = await explain(await box(t), 'module-inputs');
  assert.deepEqual(summary(e), { 'module.account: aws': `org-prod mfa ${ALICE}` });
});

test('the legacy backend role_arn and OpenTofu-only syntax (locals in the backend, provider for_each) are read', async (t) => {
  const b = await box(t);
  const legacy = await explain(b, 'legacy-backend');
  assert.deepEqual(summary(legacy), { 'backend "s3"': `default mfa ${ALICE}` });
  assert.deepEqual(legacy.targets[0]!.assumeRoles, ['arn:aws:iam::240000000001:role/terraform-state']);
  const tofu = await explain(b, 'opentofu');
  assert.deepEqual(summary(tofu), {
    'backend "s3"': `default mfa ${ALICE}`,
    'aws.by_region["eu-west-1"]': `default mfa ${ALICE}`,
    'aws.by_region["us-east-1"]': `default mfa ${ALICE}`,
  });
  assert.deepEqual(tofu.targets[0]!.assumeRoles, ['arn:aws:iam::250000000001:role/prod-state']);
});

test('explain --find-device asks IAM for the device of each identity that names none, says how to name it, and is the only path that calls IAM', async (t) => {
  const PLAIN_DEVICE = 'arn:aws:iam::111111111111:mfa/plain-user';
  const iam = await startStsStandIn({
    users: [
      { userName: 'plain-user', account: '111111111111', accessKeyId: 'AKIAPLAINEXAMPLE0001', secretAccessKey: 'plain-secret', mfaSerial: PLAIN_DEVICE },
      { userName: 'exported', account: '111111111111', accessKeyId: 'AKIAEXPORTEDEXAMPLE1', secretAccessKey: 'exported-secret' },
    ],
    roles: [],
  });
  t.after(() => iam.stop());
  const b = await box(t);
  const env = { AWS_PROFILE: 'plain', AWS_ENDPOINT_URL_IAM: iam.url, AWS_ENDPOINT_URL_STS: iam.url };

  await explain(b, 'assume-role-only', [], env);
  assert.equal(iam.calls.ListMFADevices, 0, 'explain without --find-device makes no call');

  const e = (await explain(b, 'assume-role-only', ['--find-device'], env)) as Explained & { deviceLookup: unknown };
  assert.deepEqual(e.deviceLookup, [{ identity: 'plain', devices: [PLAIN_DEVICE] }]);
  assert.equal(iam.calls.ListMFADevices, 1);
  assert.deepEqual(iam.requests.map((r) => [r.action, r.accessKeyId]), [['ListMFADevices', 'AKIAPLAINEXAMPLE0001']]);

  const text = await runTfw(['auth', 'explain', '--find-device', `-chdir=${join(ORG, 'assume-role-only')}`], { cwd: ORG, env: b.env(env) });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`MFA devices found \\(iam:ListMFADevices\\)\n  plain: ${PLAIN_DEVICE}\n    add "mfa_serial = ${PLAIN_DEVICE}" to \\[profile plain\\] in the AWS config, or export TFW_MFA_SERIAL=${PLAIN_DEVICE}`));
  assert.doesNotMatch(text.stdout + text.stderr, /plain-secret/);

  // Exported keys with no device: said plainly.
  const none = (await explain(b, 'assume-role-only', ['--find-device'], { ...env, AWS_ACCESS_KEY_ID: 'AKIAEXPORTEDEXAMPLE1', AWS_SECRET_ACCESS_KEY: 'exported-secret' })) as Explained & { deviceLookup: unknown };
  assert.deepEqual(none.deviceLookup, [{ identity: '(environment keys)', devices: [] }]);

  // IAM unreachable: one problem line in the output, explain still answers.
  const down = (await explain(b, 'assume-role-only', ['--find-device'], { ...env, AWS_ENDPOINT_URL_IAM: 'http://127.0.0.1:9' })) as Explained & { deviceLookup: Array<{ problem?: string }> };
  assert.match(down.deviceLookup[0]!.problem!, /^cannot ask IAM at http:\/\/127\.0\.0\.1:9: /);
});

test('explain\'s text escapes control characters in names from the module (an alias cannot rewrite the terminal)', async (t) => {
  const b = await box(t);
  const { mkdir, writeFile } = await import('node:fs/promises');
  const dir = join(b.root, 'hostile');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), 'provider "aws" {\n  alias = "x\\u001b[2Jy"\n  profile = "ops"\n}\n');
  const r = await runTfw(['auth', 'explain', `-chdir=${dir}`], { cwd: b.root, env: b.env() });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /\u001b/);
  assert.match(r.stdout, /aws\.x\\u001b\[2Jy/);
});
