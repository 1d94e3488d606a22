// A profile or role terraform marks sensitive (a `sensitive = true` variable,
// sensitive()) is used for the plan as it is, but explain never shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleSandbox, runTfw } from './support/harness.ts';
import { mfaUser } from './support/world.ts';

const ALICE = mfaUser('0015');
const CONFIG = `[profile source]
mfa_serial = ${ALICE.mfaSerial}

[profile hidden-switch]
source_profile = source
role_arn = arn:aws:iam::222222222222:role/switch
mfa_serial = ${ALICE.mfaSerial}

[profile plain]
region = eu-west-1
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}
`;
const MAIN = `variable "secret_profile" {
  type      = string
  default   = "hidden-switch"
  sensitive = true
}
variable "account" {
  default   = "444455556666"
  sensitive = true
}
provider "aws" {
  profile = var.secret_profile
}
provider "aws" {
  alias   = "ops"
  profile = "plain"
  assume_role {
    role_arn = "arn:aws:iam::\${var.account}:role/deploy"
  }
}
provider "aws" {
  alias   = "open"
  profile = nonsensitive(var.secret_profile)
}
`;

test('explain plans with a sensitive profile and role but prints "(sensitive value)" in their place', async (t) => {
  const { box, env } = await moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } });
  const json = await runTfw(['auth', 'explain', '-chdir=module', '--json'], { cwd: box.root, env });
  assert.equal(json.code, 0, json.stderr);
  const text = await runTfw(['auth', 'explain', '-chdir=module'], { cwd: box.root, env });
  assert.equal(text.code, 0, text.stderr);
  const doctor = await runTfw(['auth', 'doctor', '-chdir=module'], { cwd: box.root, env });
  assert.match(doctor.stdout, /aws: profile \(sensitive value\)/);
  for (const out of [json.stdout, json.stderr, text.stdout, text.stderr, doctor.stdout, doctor.stderr]) {
    assert.doesNotMatch(out, /hidden-switch|444455556666/);
  }
  const plan = JSON.parse(json.stdout);
  const byName = (n: string) => plan.targets.find((x: { name: string }) => x.name === n);
  // The plan is the one the value makes: the MFA chain through the hidden profile.
  assert.equal(byName('aws').action, 'mfa');
  assert.equal(byName('aws').device, ALICE.mfaSerial);
  assert.equal(byName('aws').profile, '(sensitive value)');
  assert.deepEqual(byName('aws.ops').assumeRoles, ['(sensitive value)']);
  // nonsensitive() in the block: terraform shows it, and so does explain — but the same
  // string is hidden wherever it appears, because another block holds it as a secret.
  assert.equal(byName('aws.open').profile, '(sensitive value)');
  assert.match(text.stdout, /\(sensitive value\)/);
});

test('explain shows a profile that only looks like a sensitive one', async (t) => {
  const main = MAIN.replace(/provider "aws" \{\n  profile = var.secret_profile\n\}\n/, '');
  const { box, env } = await moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: main, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } });
  const json = await runTfw(['auth', 'explain', '-chdir=module', '--json'], { cwd: box.root, env });
  assert.equal(json.code, 0, json.stderr);
  const plan = JSON.parse(json.stdout);
  assert.equal(plan.targets.find((x: { name: string }) => x.name === 'aws.open').profile, 'hidden-switch');
  assert.doesNotMatch(json.stdout, /444455556666/);
});

test('a run never prints a profile terraform marks sensitive, not even in its errors', async (t) => {
  const config = `[profile secret-root]\nmfa_serial = ${ALICE.mfaSerial}\n`;
  const credentials = `[secret-root]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
  const main = `variable "p" {\n  default   = "secret-root"\n  sensitive = true\n}\nprovider "aws" {\n  profile = var.p\n}\n`;
  // STS is a closed port: getting the session fails, and the error names the device's profile.
  const { box, env } = await moduleSandbox(t, { config, credentials, mainTf: main, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9', TFW_MFA_CODE: '123456', TFW_NO_CACHE: '1', TFW_DEBUG: '1' } });
  const r = await runTfw(['-chdir=module', 'plan'], { cwd: box.root, env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /tfw: /);
  assert.doesNotMatch(r.stdout + r.stderr, /secret-root/);
});
