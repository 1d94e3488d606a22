// terraform's -chdir is os.Chdir: the kernel resolves `link/..` physically
// (the parent of the link's target), not lexically (the directory holding the
// link). tfw reads the module terraform will read, checked with terraform
// console as the oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, which } from './support/harness.ts';

const terraform = which('terraform');
const variable = (name: string): string => `variable "where" {\n  default = "${name}"\n}\n`;
const PROVIDER = 'provider "aws" {\n  profile = var.where\n  region  = "us-east-1"\n}\n';

test('-chdir=link/.. reads the parent of the link\'s target, as terraform does', async (t) => {
  const box = await sandbox(t);
  await box.writeAws('[profile physical]\nregion = us-east-1\n\n[profile lexical]\nregion = us-east-1\n', '');
  const top = join(box.root, 'top');
  await mkdir(join(top, 'elsewhere', 'deep'), { recursive: true });
  await writeFile(join(top, 'main.tf'), variable('lexical'));
  await writeFile(join(top, 'elsewhere', 'main.tf'), variable('physical'));
  await symlink(join(top, 'elsewhere', 'deep'), join(top, 'link'));
  const env = box.env();

  if (terraform) {
    const oracle = spawnSync(terraform, ['-chdir=link/..', 'console'], { cwd: top, env: { ...env, TF_CLI_CONFIG_FILE: '' }, input: 'var.where\n', encoding: 'utf8' });
    assert.equal(oracle.stdout.trim(), '"physical"', oracle.stderr);
  } else {
    t.diagnostic('terraform is not on PATH: the oracle is skipped, the expectation stays');
  }
  // terraform console needs no init without a provider block: the blocks come after the oracle.
  for (const dir of [top, join(top, 'elsewhere')]) await writeFile(join(dir, 'provider.tf'), PROVIDER);
  const r = await runTfw(['auth', 'explain', '--json', '--', '-chdir=link/..'], { cwd: top, env });
  assert.equal(r.code, 0, r.stderr);
  const targets = (JSON.parse(r.stdout) as { targets: { name: string; profile?: string }[] }).targets;
  assert.deepEqual(targets.map((x) => [x.name, x.profile]), [['aws', 'physical']]);
});
