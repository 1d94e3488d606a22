import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildChildEnv, removeRunFiles, runFilesBase, sweepStaleRunFiles, writeRunFiles } from '../src/runfiles.ts';

async function tempBase(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'tfw-test-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  return base;
}

test('per-run dir is 0700 and both files 0600, whatever the umask', async (t) => {
  const base = await tempBase(t);
  const old = process.umask(0o000);
  try {
    const rf = await writeRunFiles(base, { config: '[default]\n', credentials: '[default]\n' });
    assert.equal((await stat(rf.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(rf.configFile)).mode & 0o777, 0o600);
    assert.equal((await stat(rf.credentialsFile)).mode & 0o777, 0o600);
    assert.equal(await readFile(rf.configFile, 'utf8'), '[default]\n');
    await removeRunFiles(rf);
    assert.equal(existsSync(rf.dir), false);
  } finally {
    process.umask(old);
  }
});

test('run files go under XDG_RUNTIME_DIR when set, else the temp dir', () => {
  assert.equal(runFilesBase({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000');
  assert.equal(runFilesBase({ TMPDIR: '/var/tmp' }), '/var/tmp');
  assert.equal(runFilesBase({ XDG_RUNTIME_DIR: '' , TMPDIR: '/x'}), '/x');
});

test('stale run dirs of dead runs are swept, live ones and foreign dirs stay', async (t) => {
  const base = await tempBase(t);
  // a pid that surely is dead: a child that has exited
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const deadDir = join(base, `tfw-run-${dead}-abc`);
  const liveDir = join(base, `tfw-run-${process.pid}-def`);
  const other = join(base, 'something-else');
  await Promise.all([mkdir(deadDir), mkdir(liveDir), mkdir(other)]);
  const removed = await sweepStaleRunFiles(base);
  assert.deepEqual(removed, [deadDir]);
  assert.equal(existsSync(deadDir), false);
  assert.equal(existsSync(liveDir), true);
  assert.equal(existsSync(other), true);
});

test('child env points at the run files and drops every key variable, without touching the parent env', () => {
  const parent = {
    PATH: '/bin',
    AWS_PROFILE: 'switch',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'secret',
    AWS_SESSION_TOKEN: 'token',
    AWS_SECURITY_TOKEN: 'token',
    TFW_MFA_CODE: '123456',
    AWS_CONFIG_FILE: '/home/u/.aws/config',
    EMPTY: undefined,
  };
  const frozen = JSON.stringify(parent);
  const env = buildChildEnv(parent, { dir: '/r', configFile: '/r/config', credentialsFile: '/r/credentials' });
  assert.deepEqual(env, {
    PATH: '/bin',
    AWS_PROFILE: 'switch',
    AWS_CONFIG_FILE: '/r/config',
    AWS_SHARED_CREDENTIALS_FILE: '/r/credentials',
  });
  assert.equal(JSON.stringify(parent), frozen);
});
