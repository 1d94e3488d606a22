// The user path of DESIGN.md with the real terraform binary: an S3 backend
// whose profile is an MFA-only role, against the project's STS stand-in and
// moto_server's S3 API on loopback. Skips, saying why, where either is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree, runTfw, sandbox, tfwOnPty, which, type Sandbox } from './support/harness.ts';
import { useS3Bucket, useStsStandIn } from './support/world.ts';

const terraform = which('terraform');
const moto = which('moto_server');
const script = which('script');
const skip = !terraform ? 'terraform is not on PATH' : !moto ? 'moto_server is not on PATH' : undefined;
if (skip) console.log(`# skipping end-to-end tests with real terraform: ${skip}`);

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0001', secretAccessKey: 'alice/long/term/secret/EXAMPLEKEY000000', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const SWITCH_ROLE = 'arn:aws:iam::222222222222:role/switch';

const world = useStsStandIn({ users: [ALICE], roles: [{ arn: SWITCH_ROLE, requireMfa: true }] }, 100000, { skip });
const s3 = useS3Bucket(moto, 'tfstate', { skip });

const AWS_CONFIG = `[profile source]
region = us-east-1
mfa_serial = ${ALICE.mfaSerial}

[profile switch]
source_profile = source
role_arn = ${SWITCH_ROLE}
mfa_serial = ${ALICE.mfaSerial}
region = us-east-1
`;
const AWS_CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}
`;

function moduleText(key: string): string {
  return `terraform {
  backend "s3" {
    bucket         = "tfstate"
    key            = "${key}/terraform.tfstate"
    region         = "us-east-1"
    profile        = "switch"
    use_path_style = true
  }
}

variable "n" {
  default = "1"
}

resource "terraform_data" "thing" {
  input = var.n
}
`;
}

async function project(t: Parameters<typeof sandbox>[0], key: string): Promise<{ box: Sandbox; dir: string; env: Record<string, string> }> {
  const box = await sandbox(t);
  await box.writeAws(AWS_CONFIG, AWS_CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), moduleText(key));
  const env = box.env({
    AWS_ENDPOINT_URL_STS: world.url,
    AWS_ENDPOINT_URL_S3: s3.url,
    TF_IN_AUTOMATION: '1',
  });
  return { box, dir, env };
}

async function noCredentialsLeft(box: Sandbox): Promise<void> {
  assert.deepEqual(await readdir(box.runtime), [], 'per-run files removed');
  const leaked = (await listTree(box.root)).filter((p) => /credentials$|tfw-run-/.test(p) && !p.startsWith(box.aws));
  assert.deepEqual(leaked, []);
}

test('plain terraform cannot init this module: the problem tfw exists for', { skip }, async (t) => {
  const { dir, env } = await project(t, 'plain');
  const r = spawnSync(terraform!, ['init', '-input=false', '-no-color'], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /AssumeRoleTokenProvider session option not set|MFA/);
});

test('init asks for one code, then plan/apply reuse the cached session; -detailed-exitcode passes 2 and 0 through', { skip, timeout: 900_000 }, async (t) => {
  const { box, dir, env } = await project(t, 'path');
  const before = world.sts.calls.GetSessionToken;

  const init = await runTfw(['init', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '123456' } });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.match(init.stdout, /Successfully configured the backend "s3"/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
  await noCredentialsLeft(box);

  // No code source at all from here on: the cache must serve.
  const plan = await runTfw(['plan', '-input=false', '-no-color', '-detailed-exitcode'], { cwd: dir, env });
  assert.equal(plan.code, 2, plan.stderr);
  assert.match(plan.stdout, /1 to add/);

  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(apply.code, 0, apply.stderr);
  assert.match(apply.stdout, /Apply complete! Resources: 1 added/);

  const again = await runTfw(['plan', '-input=false', '-no-color', '-detailed-exitcode'], { cwd: dir, env: { ...env, TFW_DEBUG: '1' } });
  assert.equal(again.code, 0, again.stderr);
  // Nothing tfw reads changed since the first plan (the state is in the bucket): served by that plan's memo.
  assert.match(again.stderr, /the plan of an earlier run with these arguments here still holds/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'one GetSessionToken for the whole sequence');
  // The state really is in the S3 bucket, written with the role's credentials.
  const listing = await (await fetch(`${s3.url}/tfstate?list-type=2`)).text();
  assert.match(listing, /path\/terraform\.tfstate/);
  // terraform's own prompt reads tfw's stdin.
  const destroy = await runTfw(['destroy', '-no-color'], { cwd: dir, env, input: 'yes\n' });
  assert.equal(destroy.code, 0, destroy.stderr + destroy.stdout);
  assert.match(destroy.stdout, /Destroy complete! Resources: 1 destroyed/);
  await noCredentialsLeft(box);
  // The secret never reached terraform's output.
  for (const r of [init, plan, apply, again, destroy]) assert.doesNotMatch(r.stdout + r.stderr, /alice\/long\/term|ASIA/);
});

test('fmt and version with real terraform: untouched, no MFA asked', { skip }, async (t) => {
  const { dir, env } = await project(t, 'fmt');
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['fmt', '-check'], { cwd: dir, env });
  assert.equal(r.code, 0, r.stderr);
  const v = await runTfw(['version'], { cwd: dir, env });
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^Terraform v/);
  assert.equal(world.sts.calls.GetSessionToken, before);
});

test('no terminal and no code source: fails at once with one tfw line, nothing left on disk', { skip }, async (t) => {
  const { box, dir, env } = await project(t, 'noterm');
  const r = await runTfw(['init', '-input=false'], { cwd: dir, env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^tfw: MFA code needed for arn:aws:iam::111111111111:mfa\/alice \(for backend "s3"\) but there is no terminal/m);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  await noCredentialsLeft(box);
});

test('the code typed at a terminal prompt (on stderr, naming the device)', { skip: skip ?? (!script ? 'script(1) is not on PATH' : undefined), timeout: 180_000 }, async (t) => {
  const { dir, env } = await project(t, 'tty');
  const before = world.sts.calls.GetSessionToken;
  // script(1) gives tfw a terminal; the code is typed when the prompt shows.
  const { status, screen, typed } = await tfwOnPty(['init', '-input=false', '-no-color'], { cwd: dir, env, answers: [[/MFA code for arn:aws:iam::111111111111:mfa\/alice/, '654321\r']] });
  assert.deepEqual(typed, ['654321\r'], screen);
  assert.equal(status, 0, screen);
  assert.match(screen, /Successfully configured the backend "s3"/);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
});

test('a syntax error: terraform\'s own diagnostic and exit status, nothing of tfw\'s; no code asked', { skip }, async (t) => {
  const { box, dir, env } = await project(t, 'syntax');
  await writeFile(join(dir, 'broken.tf'), 'resource "terraform_data" "x" {\n  input = \n}\n');
  const before = world.sts.calls.GetSessionToken;
  const r = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(r.code, 1);
  assert.doesNotMatch(r.stderr, /^tfw:/m);
  assert.match(r.stderr, /Error: /);
  assert.equal(world.sts.calls.GetSessionToken, before);
  await noCredentialsLeft(box);
});

test('a partial backend block: init -backend-config=FILE, then a plain re-init and plan use the recorded profile', { skip, timeout: 900_000 }, async (t) => {
  const { box, dir, env } = await project(t, 'partial');
  await writeFile(join(dir, 'main.tf'), 'terraform {\n  backend "s3" {}\n}\n\nresource "terraform_data" "thing" {}\n');
  await writeFile(join(dir, 'backend.hcl'), 'bucket = "tfstate"\nkey = "partial/terraform.tfstate"\nregion = "us-east-1"\nprofile = "switch"\nuse_path_style = true\n');
  const before = world.sts.calls.GetSessionToken;
  const first = await runTfw(['init', '-backend-config=backend.hcl', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '314159' } });
  assert.equal(first.code, 0, first.stderr + first.stdout);
  // Plain terraform would fail here with the MFA error: the recorded profile is an MFA role.
  const again = await runTfw(['init', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr + again.stdout);
  assert.match(again.stderr, /^tfw: MFA session /);
  const plan = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(plan.code, 0, plan.stderr);
  assert.equal(world.sts.calls.GetSessionToken - before, 1);
  await noCredentialsLeft(box);
});

test('organisation layout: a backend with only assume_role = {…} (no profile), the default profile holding the device; one code for init and apply', { skip, timeout: 900_000 }, async (t) => {
  const box = await sandbox(t);
  // The aws-vault habit: mfa_serial on the long-term profile itself.
  await box.writeAws(
    `[default]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n`,
    `[default]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
  );
  const dir = join(box.root, 'org');
  await mkdir(dir);
  await writeFile(
    join(dir, 'main.tf'),
    `terraform {\n  backend "s3" {\n    bucket         = "tfstate"\n    key            = "org/terraform.tfstate"\n    region         = "us-east-1"\n    use_path_style = true\n    assume_role = {\n      role_arn = "${SWITCH_ROLE}"\n    }\n  }\n}\n\nresource "terraform_data" "thing" {\n  input = "org"\n}\n`,
  );
  const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, AWS_ENDPOINT_URL_S3: s3.url, TF_IN_AUTOMATION: '1' });
  const before = world.sts.calls.GetSessionToken;
  const assumedBefore = world.sts.requests.length;
  const init = await runTfw(['init', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '515151' } });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'one code for init and apply');
  // terraform assumed the backend's role from the MFA session, never from the long-term keys.
  const assumed = world.sts.requests.slice(assumedBefore).filter((r) => r.action === 'AssumeRole');
  assert.ok(assumed.length > 0);
  for (const r of assumed) assert.notEqual(r.accessKeyId, ALICE.accessKeyId);
  const listing = await (await fetch(`${s3.url}/tfstate?list-type=2`)).text();
  assert.match(listing, /org\/terraform\.tfstate/);
  await noCredentialsLeft(box);
});
