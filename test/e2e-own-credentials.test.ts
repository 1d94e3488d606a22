// A provider block with its own `shared_credentials_files` (as public modules
// write `shared_credentials_files = ["~/.aws/credentials"]`): terraform reads
// that file instead of AWS_SHARED_CREDENTIALS_FILE, but still the per-run
// config through AWS_CONFIG_FILE. With the real AWS provider: its role profile
// reaches the MFA session through a session profile in the per-run config that
// the user's credentials file does not have, so it cannot shadow it. The S3
// backend (on moto_server) reads its files the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, which } from './support/harness.ts';
import { mfaUser, PLUGIN_DIR, realProviderSkip, roleProfiles, useS3Bucket, useStsStandIn } from './support/world.ts';

const skip = realProviderSkip('end-to-end tests with the real AWS provider');
const ALICE = mfaUser('0047');
const NETWORK = 'arn:aws:iam::222222222222:role/network';
const APPS = 'arn:aws:iam::333333333333:role/apps';
const world = useStsStandIn({ users: [ALICE], roles: [NETWORK, APPS].map((arn) => ({ arn, requireMfa: true })) }, 310000, { skip });
const { config: CONFIG, credentials: CREDENTIALS } = roleProfiles(ALICE, { network: NETWORK, apps: APPS }, 'us-east-1');
const moto = which('moto_server');
const backendSkip = skip ?? (moto ? undefined : 'moto_server is not on PATH');
const s3 = useS3Bucket(moto, 'tfstate-own', { skip: backendSkip });

const MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  alias                    = "network"
  profile                  = "network"
  region                   = "us-east-1"
  shared_credentials_files = ["~/.aws/credentials"]
  skip_metadata_api_check  = true
  skip_region_validation   = true
}

provider "aws" {
  alias                   = "apps"
  profile                 = "apps"
  region                  = "us-east-1"
  skip_metadata_api_check = true
  skip_region_validation  = true
}

data "aws_caller_identity" "network" {
  provider = aws.network
}

data "aws_caller_identity" "apps" {
  provider = aws.apps
}

output "network" {
  value = data.aws_caller_identity.network.arn
}

output "apps" {
  value = data.aws_caller_identity.apps.arn
}
`;

test('a provider with its own shared_credentials_files on an MFA role, real AWS provider: served through the per-run config, one code for both providers', { skip, timeout: 900_000 }, async (t) => {
  const box = await sandbox(t);
  await box.writeAws(CONFIG, CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), MAIN);
  const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, TF_IN_AUTOMATION: '1' });
  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);

  const explain = await runTfw(['auth', 'explain', '--json'], { cwd: dir, env });
  assert.equal(explain.code, 0, explain.stderr);
  const targets = (JSON.parse(explain.stdout) as { targets: { name: string; action: string }[] }).targets;
  assert.deepEqual(targets.map((x) => [x.name, x.action]), [['aws.network', 'mfa'], ['aws.apps', 'mfa']]);

  const before = world.sts.calls.GetSessionToken;
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'one code for both providers');
  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
  assert.match(outputs.network!.value, /^arn:aws:sts::222222222222:assumed-role\/network\//);
  assert.match(outputs.apps!.value, /^arn:aws:sts::333333333333:assumed-role\/apps\//);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('the S3 backend with its own shared_credentials_files on an MFA role, real terraform: init and apply reach the state through the per-run config', { skip: backendSkip, timeout: 900_000 }, async (t) => {
  const box = await sandbox(t);
  await box.writeAws(CONFIG, CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(
    join(dir, 'main.tf'),
    `terraform {
  backend "s3" {
    bucket                   = "tfstate-own"
    key                      = "own/terraform.tfstate"
    region                   = "us-east-1"
    profile                  = "network"
    shared_credentials_files = ["~/.aws/credentials"]
    use_path_style           = true
  }
}

resource "terraform_data" "x" {
  input = "kept"
}
`,
  );
  const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, AWS_ENDPOINT_URL_S3: s3.url, TF_IN_AUTOMATION: '1' });
  const before = world.sts.calls.GetSessionToken;
  const init = await runTfw(['init', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: world.fresh() } });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  const list = await runTfw(['state', 'list'], { cwd: dir, env });
  assert.equal(list.stdout.trim(), 'terraform_data.x', list.stderr);
  assert.equal(world.sts.calls.GetSessionToken - before, 1, 'one code, then the cached session');
  assert.deepEqual(await readdir(box.runtime), []);
});
