// Odd files, end to end through the built tfw, the fake terraform and the STS
// stand-in (issue 8): unreadable, looping, dangling, binary, huge, a directory
// or a FIFO where a file should be. For each, tfw either proceeds (terraform
// runs: with the per-run files, or untouched when terraform will refuse the
// configuration and say why) or exits non-zero with exactly one `tfw:` line
// naming the file. Never a stack trace, never a hang, no run files left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, readRecord, runTfw, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';
import { deviceLabel } from '../src/aws/codes.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0008', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000008', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const NETWORK = 'arn:aws:iam::222222222222:role/network';

let sts: StsStandIn;
let codeCounter = 800000;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [{ arn: NETWORK, requireMfa: true }] });
});
after(() => sts?.stop());

const CONFIG = `[profile source]
region = us-east-1
mfa_serial = ${ALICE.mfaSerial}

[profile network]
source_profile = source
role_arn = ${NETWORK}
mfa_serial = ${ALICE.mfaSerial}
`;
const CREDENTIALS = `[source]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}
`;
const MAIN_TF = `provider "aws" {
  profile = "network"
}
`;
const BACKEND_TF = `terraform {
  backend "s3" {
    bucket  = "b"
    key     = "k"
    region  = "us-east-1"
    profile = "network"
  }
}
`;

// Root reads a mode-000 file anyway: as root, those cases run tfw as nobody.
const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;
const mkfifo = which('mkfifo');

interface Case {
  name: string;
  /** Why the case cannot run here (printed), or undefined. */
  skip?: string;
  /** A mode-000 case: tfw must run as a user that permissions apply to. */
  permissions?: boolean;
  /** Arguments after the command (default `plan`). */
  args?: string[];
  /** Global options before the command (`-chdir=…`). */
  globals?: string[];
  /** Makes the odd file; returns the label tfw must name when it complains. */
  make(p: { dir: string; aws: string; root: string }): Promise<string | undefined>;
  /** What tfw must do: run terraform with the MFA files, run it untouched, or either. */
  expect: 'mfa' | 'untouched' | 'either';
}

const CASES: Case[] = [
  {
    name: 'an unreadable main.tf (mode 000)',
    permissions: true,
    expect: 'untouched',
    make: async ({ dir }) => {
      await chmod(join(dir, 'main.tf'), 0o000);
      return 'main.tf';
    },
  },
  {
    name: 'a symlink loop named x.tf',
    expect: 'untouched',
    make: async ({ dir }) => {
      await symlink('x.tf', join(dir, 'x.tf'));
      return 'x.tf';
    },
  },
  {
    name: 'a dangling symlink named x.tf',
    expect: 'untouched',
    make: async ({ dir }) => {
      await symlink('nowhere.tf', join(dir, 'x.tf'));
      return 'x.tf';
    },
  },
  {
    name: 'a directory named main.tf (the provider in providers.tf)',
    expect: 'mfa',
    make: async ({ dir }) => {
      await rm(join(dir, 'main.tf'));
      await mkdir(join(dir, 'main.tf'));
      await writeFile(join(dir, 'main.tf', 'inner.tf'), 'this is not read');
      await writeFile(join(dir, 'providers.tf'), MAIN_TF);
      return undefined;
    },
  },
  {
    name: 'a FIFO named x.tf (reading it would block)',
    skip: mkfifo ? undefined : 'mkfifo is not on PATH',
    expect: 'mfa',
    make: async ({ dir }) => {
      spawnSync(mkfifo!, [join(dir, 'x.tf')]);
      return undefined;
    },
  },
  {
    name: 'non-UTF-8 bytes in a .tf file',
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'latin1.tf'), Buffer.from('locals {\n  caf\xe9 = "\xe9t\xe9"\n}\n', 'latin1'));
      return 'latin1.tf';
    },
  },
  {
    name: 'NUL bytes in a .tf file',
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'nul.tf'), Buffer.from('locals {\n  a = "\0"\n}\n'));
      return 'nul.tf';
    },
  },
  {
    name: 'a 10 MB .tf file',
    expect: 'mfa',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'big.tf'), `# ${'x'.repeat(97)}\n`.repeat(100_000));
      return 'big.tf';
    },
  },
  {
    name: '130,000 provider blocks in one .tf file',
    expect: 'mfa',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'many.tf'), Array.from({ length: 130_000 }, (_, i) => `provider "aws" {\n  alias = "a${i}"\n  profile = "network"\n}\n`).join(''));
      return undefined;
    },
  },
  {
    name: '180,000 provider blocks in a .tf.json file',
    expect: 'mfa',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'many.tf.json'), JSON.stringify({ provider: { aws: Array.from({ length: 180_000 }, (_, i) => ({ alias: `j${i}`, profile: 'network' })) } }));
      return undefined;
    },
  },
  {
    name: 'a syntax error with deep nesting in a .tf file',
    expect: 'either',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'deep.tf'), `locals {\n  x = ${'['.repeat(100_000)}\n}\n`);
      return 'deep.tf';
    },
  },
  {
    name: 'non-UTF-8 bytes in ~/.aws/config',
    expect: 'mfa',
    make: async ({ aws }) => {
      await writeFile(join(aws, 'config'), Buffer.concat([Buffer.from('# caf\xe9 \xff\xfe\n', 'latin1'), Buffer.from(CONFIG)]));
      return undefined;
    },
  },
  {
    name: 'an unreadable ~/.aws/config (mode 000)',
    permissions: true,
    expect: 'untouched',
    make: async ({ aws }) => {
      await chmod(join(aws, 'config'), 0o000);
      return join(aws, 'config');
    },
  },
  {
    name: 'a 10 MB ~/.aws/config',
    expect: 'mfa',
    make: async ({ aws }) => {
      const filler = Array.from({ length: 200_000 }, (_, i) => `[profile filler-${i}]\nregion = us-east-1\n`).join('');
      await writeFile(join(aws, 'config'), `${CONFIG}\n${filler}`.padEnd(10_000_000, '#'));
      return undefined;
    },
  },
  {
    name: 'a source_profile chain 120,000 profiles long in ~/.aws/config',
    expect: 'either',
    make: async ({ dir, aws }) => {
      const hops = Array.from({ length: 120_000 }, (_, i) => `[profile hop${i}]\nrole_arn = ${NETWORK}\nsource_profile = ${i + 1 < 120_000 ? `hop${i + 1}` : 'source'}\n`).join('');
      await writeFile(join(aws, 'config'), `${CONFIG}\n[profile top]\nrole_arn = ${NETWORK}\nmfa_serial = ${ALICE.mfaSerial}\nsource_profile = hop0\n${hops}`);
      await writeFile(join(dir, 'main.tf'), 'provider "aws" {\n  profile = "top"\n}\n');
      return join(aws, 'config');
    },
  },
  {
    name: 'a symlink loop named ~/.aws/config',
    expect: 'untouched',
    make: async ({ aws }) => {
      await rm(join(aws, 'config'));
      await symlink('config', join(aws, 'config'));
      return join(aws, 'config');
    },
  },
  {
    name: 'a -chdir that names a file',
    globals: ['-chdir=main.tf'],
    expect: 'untouched',
    make: async () => 'main.tf',
  },
  {
    name: 'an unreadable ~/.aws/credentials (mode 000)',
    permissions: true,
    expect: 'either',
    make: async ({ aws }) => {
      await chmod(join(aws, 'credentials'), 0o000);
      return join(aws, 'credentials');
    },
  },
  {
    name: '~/.aws/config is a directory',
    expect: 'untouched',
    make: async ({ aws }) => {
      await rm(join(aws, 'config'));
      await mkdir(join(aws, 'config'));
      return join(aws, 'config');
    },
  },
  {
    name: '~/.aws/credentials is a FIFO (reading it would block)',
    skip: mkfifo ? undefined : 'mkfifo is not on PATH',
    expect: 'either',
    make: async ({ aws }) => {
      await rm(join(aws, 'credentials'));
      spawnSync(mkfifo!, [join(aws, 'credentials')]);
      return join(aws, 'credentials');
    },
  },
  {
    name: 'an unreadable -var-file (mode 000)',
    permissions: true,
    args: ['-var-file=secret.tfvars'],
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'secret.tfvars'), 'x = 1\n');
      await chmod(join(dir, 'secret.tfvars'), 0o000);
      return 'secret.tfvars';
    },
  },
  {
    name: 'a -var-file that is a pipe (-var-file=<(…)): not read, not taken from terraform',
    skip: mkfifo ? undefined : 'mkfifo is not on PATH',
    args: ['-var-file=piped.tfvars'],
    expect: 'mfa',
    make: async ({ dir }) => {
      spawnSync(mkfifo!, [join(dir, 'piped.tfvars')]);
      return 'piped.tfvars';
    },
  },
  {
    name: 'a missing -var-file',
    args: ['-var-file=gone.tfvars'],
    expect: 'untouched',
    make: async () => 'gone.tfvars',
  },
  {
    name: 'a -var-file that is a directory',
    args: ['-var-file=vars'],
    expect: 'untouched',
    make: async ({ dir }) => {
      await mkdir(join(dir, 'vars'));
      return 'vars';
    },
  },
  {
    name: 'a -backend-config file that is a directory (init)',
    args: ['-backend-config=backend.d'],
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'backend.tf'), BACKEND_TF);
      await mkdir(join(dir, 'backend.d'));
      return 'backend.d';
    },
  },
  {
    name: 'a -backend-config file that is missing (init)',
    args: ['-backend-config=gone.s3.tfbackend'],
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'backend.tf'), BACKEND_TF);
      return 'gone.s3.tfbackend';
    },
  },
  {
    name: 'a module whose source directory is missing',
    expect: 'untouched',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'mod.tf'), 'module "m" {\n  source = "./nope"\n}\n');
      return 'nope';
    },
  },
  {
    name: 'a module whose source is a symlink loop',
    expect: 'untouched',
    make: async ({ dir }) => {
      await symlink('loop', join(dir, 'loop'));
      await writeFile(join(dir, 'mod.tf'), 'module "m" {\n  source = "./loop"\n}\n');
      return 'loop';
    },
  },
  {
    name: 'a module that calls its own directory',
    expect: 'either',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'mod.tf'), 'module "me" {\n  source = "./"\n}\n');
      return 'mod.tf';
    },
  },
  {
    name: 'a .terraform/terraform.tfstate nested 100,000 deep',
    expect: 'either',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'backend.tf'), BACKEND_TF);
      await mkdir(join(dir, '.terraform'));
      await writeFile(join(dir, '.terraform', 'terraform.tfstate'), `{"backend": {"type": "s3", "config": {"profile": ${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`);
      return undefined;
    },
  },
  {
    name: 'a .terraform/terraform.tfstate that is not JSON',
    expect: 'either',
    make: async ({ dir }) => {
      await writeFile(join(dir, 'backend.tf'), BACKEND_TF);
      await mkdir(join(dir, '.terraform'));
      await writeFile(join(dir, '.terraform', 'terraform.tfstate'), Buffer.from([0xff, 0xfe, 0x7b, 0x00]));
      return join('.terraform', 'terraform.tfstate');
    },
  },
];

for (const c of CASES) {
  test(`bad input: ${c.name} → tfw proceeds or fails with one line naming it; no stack trace, no run files left`, { skip: c.skip, timeout: 120_000 }, async (t) => {
    if (c.skip) t.diagnostic(`skipped: ${c.skip}`);
    const { box, dir, record, env } = await moduleSandbox(t, {
      config: CONFIG,
      credentials: CREDENTIALS,
      mainTf: MAIN_TF,
      env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_MFA_CODE: String(codeCounter++) },
    });
    // Restores permissions so the sandbox can be removed.
    t.after(() => spawnSync('chmod', ['-R', 'u+rwX', box.root]));
    const label = await c.make({ dir, aws: box.aws, root: box.root });
    const command = c.args?.some((a) => a.startsWith('-backend-config')) ? 'init' : 'plan';
    let as = {};
    if (c.permissions && isRoot) {
      const chown = spawnSync('chown', ['-R', '-h', `${NOBODY}:${NOBODY}`, box.root]);
      if (chown.status !== 0) return t.skip(`running as root and cannot hand the sandbox to nobody: ${chown.stderr}`);
      t.diagnostic('running as root: tfw runs as nobody (65534) so that mode 000 applies');
      as = { uid: NOBODY, gid: NOBODY };
    }
    const r = await runTfw([...(c.globals ?? []), command, ...(c.args ?? [])], { cwd: dir, env, timeoutMs: 100_000, ...as });

    t.diagnostic(`exit ${r.code}; stderr: ${r.stderr.trim() || '(empty)'}`);
    assert.equal(r.signal, null, `tfw was killed (a hang?): ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace');
    assert.doesNotMatch(r.stderr, /internal error|Maximum call stack|TypeError|RangeError/);
    const tfwLines = r.stderr.split('\n').filter((l) => l.startsWith('tfw:'));
    const [start] = (await readRecord(record)).filter((e) => e.event === 'start');
    if (start) {
      // Proceeded: terraform ran and its status is tfw's.
      assert.equal(r.code, 0, r.stderr);
      const withFiles = start.env.AWS_CONFIG_FILE !== undefined;
      if (c.expect === 'mfa') assert.ok(withFiles, `terraform ran without the per-run files: ${r.stderr}`);
      if (c.expect === 'untouched') assert.ok(!withFiles, `terraform ran with per-run files: ${r.stderr}`);
      const warnings = tfwLines.filter((l) => l.startsWith('tfw: warning:'));
      // Untouched: terraform reports what it refuses itself (tfw says nothing), or tfw names what only it met.
      for (const w of warnings) assert.ok(label !== undefined && w.includes(label), `a warning that names ${label}: ${w}`);
    } else {
      // Stopped: non-zero, exactly one line, naming the file.
      assert.notEqual(r.code, 0);
      assert.equal(tfwLines.length, 1, r.stderr);
      assert.ok(label !== undefined && tfwLines[0]!.includes(label), `the line names ${label}: ${r.stderr}`);
      assert.notEqual(c.expect, 'mfa', `expected terraform to run: ${r.stderr}`);
      assert.notEqual(c.expect, 'untouched', `expected terraform to run: ${r.stderr}`);
    }
    assert.deepEqual(await readdir(box.runtime), [], 'run files left behind');
  });
}

test('tfw auth login --all-devices over a 10 MB ~/.aws/config (150,000 profiles) finishes: the files are read once, not once per profile', { timeout: 120_000 }, async (t) => {
  const filler = Array.from({ length: 150_000 }, (_, i) => `[profile filler-${i}]\nregion = us-east-1\n`).join('');
  const { box, dir, env } = await moduleSandbox(t, {
    config: `${CONFIG}\n${filler}`,
    credentials: CREDENTIALS,
    mainTf: MAIN_TF,
    env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_MFA_CODE: String(codeCounter++) },
  });
  const r = await runTfw(['auth', 'login', '--all-devices'], { cwd: dir, env, timeoutMs: 100_000 });
  t.diagnostic(`exit ${r.code}; stderr: ${r.stderr.trim().slice(0, 300)}`);
  assert.equal(r.signal, null, 'killed: it did not finish');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('a file name with a newline, ESC and a bidi override cannot add or rewrite tfw lines: one (debug) line, escaped', { timeout: 120_000 }, async (t) => {
  const { box, dir, record, env } = await moduleSandbox(t, {
    config: CONFIG,
    credentials: CREDENTIALS,
    mainTf: MAIN_TF,
    // terraform reports the syntax error itself, so tfw mentions it only in its debug lines.
    env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_MFA_CODE: String(codeCounter++), TFW_DEBUG: '1' },
  });
  const name = 'evil\ntfw: MFA session faked\u001b[2K\u202e.tf';
  await writeFile(join(dir, name), 'provider "aws" {\n');
  const r = await runTfw(['plan'], { cwd: dir, env });
  t.diagnostic(`stderr: ${r.stderr}`);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.trimEnd().split('\n').filter((l) => l.includes('could not read'));
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(!r.stderr.split('\n').some((l) => l.startsWith('tfw: MFA session faked')), r.stderr);
  assert.match(lines[0]!, /^tfw: debug: could not read evil\\u000atfw: MFA session faked\\u001b\[2K\\u202e\.tf:1: missing "}"/);
  assert.doesNotMatch(r.stderr, /[\u001b\u202e]/);
  assert.equal((await readRecord(record)).filter((e) => e.event === 'start').length, 1);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('the MFA prompt names at most ten providers, escaped (aliases come from the module)', () => {
  const device = { id: 'x', serial: 'arn:aws:iam::1:mfa/a', rootProfile: 'source', source: { type: 'keys' as const, from: 'file' as const, keys: { accessKeyId: 'A', secretAccessKey: 'B' } }, region: 'us-east-1', targets: ['aws.\u001b[2Kfake', ...Array.from({ length: 129_999 }, (_, i) => `aws.a${i}`)] };
  const label = deviceLabel(device);
  assert.equal(label, 'arn:aws:iam::1:mfa/a (for aws.\\u001b[2Kfake, aws.a0, aws.a1, aws.a2, aws.a3, aws.a4, aws.a5, aws.a6, aws.a7, aws.a8 and 129990 more)');
});
