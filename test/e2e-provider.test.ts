// The real AWS provider (from a local plugin directory: this machine cannot
// download providers) with three aliased provider blocks on MFA-only roles in
// three accounts, behind one MFA device, against the STS stand-in: one code,
// and each alias's aws_caller_identity is its own assumed role.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const PLUGIN_DIR = process.env.TFW_TEST_PLUGIN_DIR ?? '/opt/tf-plugins';
const terraform = which('terraform');
const skip = !terraform
  ? 'terraform is not on PATH'
  : !existsSync(join(PLUGIN_DIR, 'registry.terraform.io', 'hashicorp', 'aws'))
    ? `no hashicorp/aws provider in ${PLUGIN_DIR} (set TFW_TEST_PLUGIN_DIR)`
    : undefined;
if (skip) console.log(`# skipping end-to-end tests with the real AWS provider: ${skip}`);

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0005', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000005', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLES = ['arn:aws:iam::222222222222:role/network', 'arn:aws:iam::333333333333:role/apps', 'arn:aws:iam::444444444444:role/audit'];
let sts: StsStandIn;
before(async () => {
  if (skip) return;
  sts = await startStsStandIn({ users: [ALICE], roles: ROLES.map((arn) => ({ arn, requireMfa: true })) });
});
after(() => sts?.stop());

const names = ['network', 'apps', 'audit'];
const CONFIG = `[profile source]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n${names.map((n, i) => `\n[profile ${n}]\nsource_profile = source\nrole_arn = ${ROLES[i]}\nmfa_serial = ${ALICE.mfaSerial}\n`).join('')}`;
const CREDENTIALS = `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
const MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}
${names
  .map(
    (n) => `
provider "aws" {
  alias                       = "${n}"
  profile                     = "${n}"
  region                      = "us-east-1"
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

data "aws_caller_identity" "${n}" {
  provider = aws.${n}
}

output "${n}" {
  value = data.aws_caller_identity.${n}.arn
}
`,
  )
  .join('')}`;

test('three aliased providers on MFA roles in three accounts, real AWS provider: one code, each alias is its own role', { skip, timeout: 300_000 }, async (t) => {
  const box = await sandbox(t);
  await box.writeAws(CONFIG, CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), MAIN);
  const env = box.env({ AWS_ENDPOINT_URL_STS: sts.url, TF_IN_AUTOMATION: '1' });
  const before = sts.calls.GetSessionToken;

  // init configures no provider (and the backend is local): nothing to ask.
  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.equal(sts.calls.GetSessionToken, before);
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '272727' } });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  assert.equal(out.code, 0, out.stderr);
  const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
  assert.match(outputs.network!.value, /^arn:aws:sts::222222222222:assumed-role\/network\//);
  assert.match(outputs.apps!.value, /^arn:aws:sts::333333333333:assumed-role\/apps\//);
  assert.match(outputs.audit!.value, /^arn:aws:sts::444444444444:assumed-role\/audit\//);
  assert.equal(sts.calls.GetSessionToken - before, 1, 'one code for the whole sequence');
  assert.deepEqual(await readdir(box.runtime), []);
});
