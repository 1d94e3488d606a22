// Invisible as terraform (issue 14), with the real terraform binary: what
// needs no credentials, a completion request, and a run terraform will
// refuse cost no code and show exactly what terraform alone shows. The
// module's provider needs MFA, there is no code source and no terminal:
// had tfw asked for a code, it would have failed with a line of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, TFW_BIN, which, type Ran } from './support/harness.ts';
import { PLUGIN_DIR, realProviderSkip } from './support/world.ts';

const terraform = which('terraform');
const skip = terraform ? undefined : 'terraform is not on PATH';
if (skip) console.log(`# skipping invisible-as-terraform tests: ${skip}`);
const noProvider = realProviderSkip('the invisible-as-terraform test with the real AWS provider');

const CONFIG = `[profile source]
region = us-east-1
mfa_serial = arn:aws:iam::111111111111:mfa/alice

[profile switch]
source_profile = source
role_arn = arn:aws:iam::222222222222:role/switch
mfa_serial = arn:aws:iam::111111111111:mfa/alice
region = us-east-1
`;
const CREDENTIALS = `[source]
aws_access_key_id = AKIAALICEEXAMPLE0014
aws_secret_access_key = alice/secret/EXAMPLEKEY0000000000014
`;
const MAIN = `terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

provider "aws" {
  profile = "switch"
  region  = "us-east-1"
}
`;

async function project(t: Parameters<typeof sandbox>[0], main = MAIN) {
  const box = await sandbox(t);
  await box.writeAws(CONFIG, CREDENTIALS);
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), main);
  // No TFW_MFA_CODE, no mfa_process, stdin not a terminal: asking for a code would fail at once.
  const env = box.env({ TF_CLI_CONFIG_FILE: undefined, AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
  return { box, dir, env };
}

function run(file: string, args: readonly string[], cwd: string, env: Record<string, string>): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, [...args], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end();
  });
}

/** terraform alone, tfw (the launcher), and tfw's Node side: the same bytes and status. */
async function sameAsTerraform(args: readonly string[], cwd: string, env: Record<string, string>, stdoutOf = (s: string) => s): Promise<Ran> {
  const alone = await run(terraform!, args, cwd, env);
  const viaLauncher = await runTfw([...args], { cwd, env });
  const viaNode = await run(process.execPath, [TFW_BIN, ...args], cwd, env);
  for (const [name, r] of [['tfw', viaLauncher], ['node bin/tfw.js', viaNode]] as const) {
    assert.deepEqual(
      { code: r.code, stdout: stdoutOf(r.stdout), stderr: r.stderr },
      { code: alone.code, stdout: stdoutOf(alone.stdout), stderr: alone.stderr },
      `${name} ${args.join(' ')}`,
    );
  }
  return alone;
}

for (const args of [['paln'], ['planx', '-var', 'a=1'], ['-chdir=.', 'auth', 'explain'], ['state', 'lsit'], ['-foo', 'plan'], ['plan', '-v']]) {
  test(`\`${args.join(' ')}\` beside an MFA provider, no code source, no terminal: terraform's own message and exit status, byte for byte`, { skip }, async (t) => {
    const { dir, env } = await project(t);
    const r = await sameAsTerraform(args, dir, env);
    assert.doesNotMatch(r.stderr, /^tfw:/m);
  });
}

test('-chdir to a missing directory: stderr identical to terraform\'s, nothing of tfw\'s', { skip }, async (t) => {
  const { dir, env } = await project(t);
  const r = await sameAsTerraform(['-chdir=nosuchdir', 'plan'], dir, env);
  assert.match(r.stderr, /Error handling -chdir option/);
  assert.equal(r.code, 1);
});

test('a completion request (COMP_LINE, as `complete -C terraform terraform` sets it) on a cold cache: no prompt, terraform\'s answer exactly', { skip }, async (t) => {
  const { box, dir, env } = await project(t);
  for (const [line, args] of [
    ['terraform pl', ['terraform', 'pl', 'terraform']],
    ['terraform plan -', ['terraform', '-', 'plan']],
    ['terraform ', []],
  ] as const) {
    const completing = { ...env, COMP_LINE: line, COMP_POINT: String(line.length) };
    // terraform lists candidates in Go map order: compared as a set.
    const r = await sameAsTerraform(args, dir, completing, (s) => s.split('\n').sort().join('\n'));
    assert.equal(r.code, 0);
  }
  assert.deepEqual(await readdir(box.cache).catch(() => []), [], 'no session cached, none asked for');
});

test('a profile in no AWS file beside an MFA provider: no code asked, terraform\'s error shown once, nothing of tfw\'s', { skip: skip ?? noProvider, timeout: 900_000 }, async (t) => {
  const main = `${MAIN}
provider "aws" {
  alias   = "other"
  profile = "nosuch"
  region  = "us-east-1"
}

data "aws_caller_identity" "me" {}

data "aws_caller_identity" "other" {
  provider = aws.other
}
`;
  const { dir, env } = await project(t, main);
  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  const r = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_DEBUG: '' } });
  assert.equal(r.code, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /^tfw:/m, 'tfw said something (a code asked for fails here with a tfw line)');
  assert.equal(r.stderr.match(/failed to get shared config profile, nosuch/g)?.length, 1, r.stderr);
});

test('a profile in no AWS file on a provider nothing uses (terraform prunes it): the MFA provider beside it is still served', { skip }, async (t) => {
  // terraform 1.11 plans such a module without a word about the unused provider's profile, so tfw must not
  // take it for a run terraform will refuse: it goes on to ask for the code (here there is no source for one).
  const main = `${MAIN}
provider "aws" {
  alias   = "unused"
  profile = "nosuch"
  region  = "us-east-1"
}
`;
  const { dir, env } = await project(t, main);
  const r = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_DEBUG: '' } });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^tfw: MFA code needed for arn:aws:iam::111111111111:mfa\/alice/m, r.stderr);
  assert.doesNotMatch(r.stderr, /AssumeRoleTokenProvider/, 'terraform was run without the MFA session');
});

test('a missing local module directory beside an MFA provider: no code asked, nothing of tfw\'s; with TFW_DEBUG the module block\'s file:line', { skip }, async (t) => {
  const main = `${MAIN}
module "backend" {
  source = "./modules/backend"
}
`;
  const { dir, env } = await project(t, main);
  const r = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env });
  assert.notEqual(r.code, 0);
  assert.doesNotMatch(r.stderr, /^tfw:/m, r.stderr);
  const debug = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_DEBUG: '1' } });
  assert.match(debug.stderr, /^tfw: debug: could not read main\.tf:12: module\.backend: modules\/backend: cannot read the module directory/m, debug.stderr);
});
