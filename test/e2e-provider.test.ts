// The real AWS provider (from a local plugin directory: this machine cannot
// download providers) with three aliased provider blocks on MFA-only roles in
// three accounts, behind one MFA device, against the STS stand-in: one code,
// and each alias's aws_caller_identity is its own assumed role.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { runTfw, sandbox, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';
import { callerIdentityModule, mfaUser, PLUGIN_DIR, realProviderSkip, roleProfiles, useStsStandIn } from './support/world.ts';

const skip = realProviderSkip('end-to-end tests with the real AWS provider');
const terraform = which('terraform');
const ALICE = mfaUser('0005');
const names = ['network', 'apps', 'audit'];
const ROLES = ['arn:aws:iam::222222222222:role/network', 'arn:aws:iam::333333333333:role/apps', 'arn:aws:iam::444444444444:role/audit'];
const world = useStsStandIn({ users: [ALICE], roles: ROLES.map((arn) => ({ arn, requireMfa: true })) }, 500000, { skip });
const { config: CONFIG, credentials: CREDENTIALS } = roleProfiles(ALICE, Object.fromEntries(names.map((n, i) => [n, ROLES[i]!])), 'us-east-1');
const MAIN = callerIdentityModule(names);

test('three aliased providers on MFA roles in three accounts, real AWS provider: one code, each alias is its own role', { skip, timeout: 900_000 }, async (t) => {
  const box = await sandbox(t);
  await box.writeAws(CONFIG, CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), MAIN);
  const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, TF_IN_AUTOMATION: '1' });
  const before = world.sts.calls.GetSessionToken;

  // init configures no provider (and the backend is local): nothing to ask.
  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.equal(world.sts.calls.GetSessionToken, before);
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '272727' } });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  assert.equal(out.code, 0, out.stderr);
  const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
  assert.match(outputs.network!.value, /^arn:aws:sts::222222222222:assumed-role\/network\//);
  assert.match(outputs.apps!.value, /^arn:aws:sts::333333333333:assumed-role\/apps\//);
  assert.match(outputs.audit!.value, /^arn:aws:sts::444444444444:assumed-role\/audit\//);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'one code for the whole sequence');
  assert.deepEqual(await readdir(box.runtime), []);
});

// Organisation layout: ten accounts, a provider block each with only an
// assume_role (no profile); the source identity is the environment's.
const ACCOUNTS = Array.from({ length: 10 }, (_, i) => `${510000000000 + i + 1}`);
const ORG_ROLES = ACCOUNTS.map((a) => `arn:aws:iam::${a}:role/OrganizationAccountAccessRole`);
const ORG_MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

locals {
  accounts = { ${ACCOUNTS.map((a, i) => `a${i} = "${a}"`).join(', ')} }
}
${ACCOUNTS.map(
  (_, i) => `
provider "aws" {
  alias                   = "a${i}"
  region                  = "us-east-1"
  skip_metadata_api_check = true
  skip_region_validation  = true
  assume_role {
    role_arn = "arn:aws:iam::\${local.accounts.a${i}}:role/OrganizationAccountAccessRole"
  }
}

data "aws_caller_identity" "a${i}" {
  provider = aws.a${i}
}

output "a${i}" {
  value = data.aws_caller_identity.a${i}.arn
}
`,
).join('')}`;

/** terraform itself, without tfw (asynchronously: the stand-in runs in this process). */
function plainTerraform(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(terraform!, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function orgRun(t: Parameters<typeof sandbox>[0], sts: StsStandIn, config: string, credentials: string, extraEnv: Record<string, string>) {
  const box = await sandbox(t);
  await box.writeAws(config, credentials);
  const dir = join(box.root, 'org');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), ORG_MAIN);
  const env = box.env({ AWS_ENDPOINT_URL_STS: sts.url, TF_IN_AUTOMATION: '1', ...extraEnv });
  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  return { box, dir, env };
}

function assertTenRoles(stdout: string): void {
  const outputs = JSON.parse(stdout) as Record<string, { value: string }>;
  ACCOUNTS.forEach((a, i) => assert.match(outputs[`a${i}`]!.value, new RegExp(`^arn:aws:sts::${a}:assumed-role/OrganizationAccountAccessRole/`), `a${i}`));
}

test('ten assume_role-only providers (no profile) behind the default profile\'s device, real AWS provider: one code, every account reached', { skip, timeout: 900_000 }, async (t) => {
  const org = await startStsStandIn({ users: [ALICE], roles: ORG_ROLES.map((arn) => ({ arn, requireMfa: true })) });
  t.after(() => org.stop());
  // The aws-vault habit: mfa_serial on the long-term profile itself.
  const { box, dir, env } = await orgRun(t, org, `[default]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n`, `[default]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`, {});

  // Without tfw: the provider assumes each role with the bare long-term keys (mfa_serial on a
  // profile without role_arn means nothing to the SDK), and the MFA-only roles refuse.
  const direct = await plainTerraform(['plan', '-input=false', '-no-color'], dir, env);
  assert.notEqual(direct.code, 0);
  assert.match(direct.stderr, /api error AccessDenied/);
  assert.equal(org.calls.GetSessionToken, 0);
  const first = org.requests.length;
  const plan = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '313131' } });
  assert.equal(plan.code, 0, plan.stderr + plan.stdout);
  assert.equal(org.calls.GetSessionToken, 1, 'one code for ten accounts');
  // terraform assumed every role itself, each time from the MFA session, never from the long-term keys.
  const assumed = org.requests.slice(first).filter((r) => r.action === 'AssumeRole');
  assert.deepEqual(new Set(assumed.map((r) => r.params.RoleArn)), new Set(ORG_ROLES));
  for (const r of assumed) assert.notEqual(r.accessKeyId, ALICE.accessKeyId);
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.equal(org.calls.GetSessionToken, 1, 'the cached session serves the next run: no second code');
  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  assertTenRoles(out.stdout);
  // The plan memo under the real terraform: a plan after the apply plans (the state file changed the module's
  // listing); the next is served from its memo, and terraform still assumes every role from the session.
  const replan = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_DEBUG: '1' } });
  assert.equal(replan.code, 0, replan.stderr + replan.stdout);
  assert.doesNotMatch(replan.stderr, /still holds/);
  const before = org.requests.length;
  const served = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_DEBUG: '1' } });
  assert.equal(served.code, 0, served.stderr + served.stdout);
  assert.match(served.stderr, /the plan of an earlier run with these arguments here still holds/);
  // The same plan: its lines but the progress of the reads (parallel, timed), each AssumeRole naming its session by the clock.
  const lines = (text: string) =>
    text
      .replace(/aws-go-sdk-\d+/g, 'aws-go-sdk-N')
      .split('\n')
      .filter((l) => !/Reading\.\.\.|Read complete after|Still reading|Refreshing state/.test(l))
      .sort();
  assert.deepEqual(lines(served.stdout), lines(replan.stdout), 'terraform says the same either way');
  const reassumed = org.requests.slice(before).filter((r) => r.action === 'AssumeRole');
  assert.deepEqual(new Set(reassumed.map((r) => r.params.RoleArn)), new Set(ORG_ROLES));
  for (const r of reassumed) assert.notEqual(r.accessKeyId, ALICE.accessKeyId);
  assert.equal(org.calls.GetSessionToken, 1);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('exported long-term keys with TFW_MFA_SERIAL and no ~/.aws at all, real AWS provider: one code, the keys never reach terraform', { skip, timeout: 900_000 }, async (t) => {
  const org = await startStsStandIn({ users: [ALICE], roles: ORG_ROLES.map((arn) => ({ arn, requireMfa: true })) });
  t.after(() => org.stop());
  const keys = { AWS_ACCESS_KEY_ID: ALICE.accessKeyId, AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey, AWS_REGION: 'us-east-1' };
  const { box, dir, env } = await orgRun(t, org, '', '', { ...keys, TFW_MFA_SERIAL: ALICE.mfaSerial });
  // terraform without tfw: the MFA-only roles refuse the bare keys.
  const direct = await plainTerraform(['plan', '-input=false', '-no-color'], dir, env);
  assert.notEqual(direct.code, 0, 'plain terraform cannot assume MFA-only roles with the exported keys');
  assert.match(direct.stderr, /AccessDenied|not authorized/);
  const before = org.calls.GetSessionToken;
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '414141' } });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.equal(org.calls.GetSessionToken - before, 1);
  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  assertTenRoles(out.stdout);
  assert.deepEqual(await readdir(box.runtime), []);
});
