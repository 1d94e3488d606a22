import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, link, mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitStatus, findOnPath, resolveTerraform } from '../src/spawn.ts';
import { TfwError } from '../src/errors.ts';

async function layout(t: { after(fn: () => Promise<void>): void }) {
  const root = await mkdtemp(join(tmpdir(), 'tfw-path-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const self = join(root, 'tfw-install', 'tfw.js');
  const aliasDir = join(root, 'alias');
  const realDir = join(root, 'real');
  await Promise.all([mkdir(join(root, 'tfw-install')), mkdir(aliasDir), mkdir(realDir)]);
  await writeFile(self, '#!/bin/sh\n');
  await chmod(self, 0o755);
  // A symlink named terraform that is tfw itself, earlier on PATH.
  await symlink(self, join(aliasDir, 'terraform'));
  await writeFile(join(realDir, 'terraform'), '#!/bin/sh\n');
  await chmod(join(realDir, 'terraform'), 0o755);
  await writeFile(join(realDir, 'tofu'), '#!/bin/sh\n');
  await chmod(join(realDir, 'tofu'), 0o755);
  return { root, self, aliasDir, realDir };
}

test('a symlink named terraform that is tfw itself is skipped: no recursion', async (t) => {
  const l = await layout(t);
  const env = { PATH: [l.aliasDir, l.realDir].join(':') };
  assert.equal(resolveTerraform(env, l.root, [l.self]), join(l.realDir, 'terraform'));
});

test('TFW_TERRAFORM as a name is looked up on PATH (e.g. tofu)', async (t) => {
  const l = await layout(t);
  assert.equal(resolveTerraform({ PATH: l.realDir, TFW_TERRAFORM: 'tofu' }, l.root, [l.self]), join(l.realDir, 'tofu'));
});

test('TFW_TERRAFORM as a path, relative to the working dir', async (t) => {
  const l = await layout(t);
  assert.equal(resolveTerraform({ PATH: '', TFW_TERRAFORM: 'real/terraform' }, l.root, [l.self]), join(l.realDir, 'terraform'));
});

test('no terraform: one clear error, exit 127', async (t) => {
  const l = await layout(t);
  assert.throws(() => resolveTerraform({ PATH: l.aliasDir }, l.root, [l.self]), (e: unknown) => e instanceof TfwError && e.exitCode === 127 && /no terraform binary on PATH/.test(e.message));
  assert.throws(() => resolveTerraform({ PATH: l.realDir, TFW_TERRAFORM: 'nope' }, l.root, [l.self]), /TFW_TERRAFORM=nope/);
  assert.throws(() => resolveTerraform({ PATH: l.realDir, TFW_TERRAFORM: './missing' }, l.root, [l.self]), /TFW_TERRAFORM=.\/missing/);
});

test('a non-executable file on PATH is not terraform', async (t) => {
  const l = await layout(t);
  const dir = join(l.root, 'noexec');
  await mkdir(dir);
  await writeFile(join(dir, 'terraform'), 'x');
  assert.equal(findOnPath('terraform', { PATH: `${dir}:${l.realDir}` }, []), join(l.realDir, 'terraform'));
});

test('like a shell: terraform on PATH only without the x bit (or a directory) is 126, nothing at all is 127', async (t) => {
  const l = await layout(t);
  const noexec = join(l.root, 'noexec');
  const isDir = join(l.root, 'isdir');
  await mkdir(noexec);
  await mkdir(join(isDir, 'terraform'), { recursive: true });
  await writeFile(join(noexec, 'terraform'), '#!/bin/sh\n', { mode: 0o644 });
  const fails = (env: Record<string, string>, code: number, pattern: RegExp) =>
    assert.throws(() => resolveTerraform(env, l.root, [l.self]), (e: unknown) => e instanceof TfwError && e.exitCode === code && pattern.test(e.message));
  fails({ PATH: noexec }, 126, new RegExp(`^${join(noexec, 'terraform')} is not an executable file`));
  fails({ PATH: join(l.root, 'isdir') }, 126, /isdir\/terraform is not an executable file/);
  fails({ PATH: join(l.root, 'nothing-here') }, 127, /^no terraform binary on PATH/);
  fails({ PATH: '', TFW_TERRAFORM: 'noexec/terraform' }, 126, /^TFW_TERRAFORM=noexec\/terraform is not an executable file/);
  fails({ PATH: '', TFW_TERRAFORM: 'noexec/missing' }, 127, /^TFW_TERRAFORM=noexec\/missing: no such file/);
  // an executable one later on PATH wins, as in a shell
  assert.equal(resolveTerraform({ PATH: `${noexec}:${l.realDir}` }, l.root, [l.self]), join(l.realDir, 'terraform'));
});

test('tfw reached as terraform through a hard link, or named by TFW_TERRAFORM, is never run: no recursion', async (t) => {
  const l = await layout(t);
  const hard = join(l.root, 'hard');
  await mkdir(hard);
  await link(l.self, join(hard, 'terraform'));
  assert.equal(resolveTerraform({ PATH: `${hard}:${l.realDir}` }, l.root, [l.self]), join(l.realDir, 'terraform'));
  assert.throws(() => resolveTerraform({ PATH: hard }, l.root, [l.self]), (e: unknown) => e instanceof TfwError && e.exitCode === 127 && /other than tfw itself/.test(e.message));
  assert.throws(() => resolveTerraform({ PATH: '', TFW_TERRAFORM: 'alias/terraform' }, l.root, [l.self]), (e: unknown) => e instanceof TfwError && e.exitCode === 126 && /is tfw itself/.test(e.message));
});

test('exit status: the child\'s code, or 128+N for a signal', () => {
  assert.equal(exitStatus({ exitCode: 0 }), 0);
  assert.equal(exitStatus({ exitCode: 2 }), 2);
  assert.equal(exitStatus({ signal: 'SIGINT' }), 130);
  assert.equal(exitStatus({ signal: 'SIGTERM' }), 143);
  assert.equal(exitStatus({ signal: 'SIGKILL' }), 137);
});
