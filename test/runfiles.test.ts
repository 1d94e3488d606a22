import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdtemp, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { buildChildEnv, chooseRunFilesBase, processStartTime, removeRunFiles, runFilesBase, runFilesBases, sweepStaleRunFiles, unsafeBase, writeRunFiles } from '../src/runfiles.ts';
import { bootId, pidNamespace } from '../src/proc.ts';
import { RunDirs } from '../src/context.ts';
import { ROOT } from './support/harness.ts';
import { recordCreations } from './support/fs-spy.ts';

const deadPid = (): string => spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
const ownStart = processStartTime(process.pid);

/** Dirs named like runs of an older tfw (no owner file) are judged by name only once they are old: make them an hour old. */
async function aged(...dirs: string[]): Promise<void> {
  const then = new Date(Date.now() - 3600_000);
  for (const d of dirs) await utimes(d, then, then);
}

async function tempBase(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const base = await mkdtemp(join(tmpdir(), 'tfw-test-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  return base;
}

test('the run context tracks a run dir from its creation to its removal, and removes what is left at exit', async (t) => {
  const base = await tempBase(t);
  const dirs = new RunDirs();
  const rf = await writeRunFiles(base, { config: '', credentials: '' }, dirs);
  assert.equal(dirs.size, 1);
  await removeRunFiles(rf, dirs);
  assert.equal(dirs.size, 0);
  const left = await writeRunFiles(base, { config: '', credentials: '' }, dirs);
  dirs.removeAllSync();
  assert.equal(existsSync(left.dir), false);
  assert.equal(dirs.size, 0);
});

test('per-run dir is 0700 and both files 0600, whatever the umask', async (t) => {
  const base = await tempBase(t);
  const old = process.umask(0o000);
  try {
    const rf = await writeRunFiles(base, { config: '[default]\n', credentials: '[default]\n' }, new RunDirs());
    assert.equal((await stat(rf.dir)).mode & 0o777, 0o700);
    assert.equal((await stat(rf.configFile)).mode & 0o777, 0o600);
    assert.equal((await stat(rf.credentialsFile)).mode & 0o777, 0o600);
    assert.equal(await readFile(rf.configFile, 'utf8'), '[default]\n');
    await removeRunFiles(rf, new RunDirs());
    assert.equal(existsSync(rf.dir), false);
  } finally {
    process.umask(old);
  }
});

test('per-run dir and files are created with their modes (0700, 0600 exclusive), never wider first', async (t) => {
  const base = await tempBase(t);
  const creations = recordCreations(t);
  const rf = await writeRunFiles(base, { config: '[default]\n', credentials: '[default]\n' }, new RunDirs());
  await removeRunFiles(rf, new RunDirs());
  assert.deepEqual(
    creations.map((c) => [c.call, c.path, c.mode, c.flag]),
    [
      ['mkdtemp', rf.dir, 0o700, undefined],
      ['writeFile', join(rf.dir, 'owner'), 0o600, 'wx'],
      ['writeFile', rf.configFile, 0o600, 'wx'],
      ['writeFile', rf.credentialsFile, 0o600, 'wx'],
    ],
  );
});

test('removing the run files takes the whole directory, also with a file tfw did not write in it or one of its own already gone', async (t) => {
  const base = await tempBase(t);
  for (const extra of ['stray', undefined]) {
    const rf = await writeRunFiles(base, { config: '[default]\n', credentials: '[default]\n' }, new RunDirs());
    if (extra) writeFileSync(join(rf.dir, extra), 'x');
    else rmSync(rf.credentialsFile);
    await removeRunFiles(rf, new RunDirs());
    assert.equal(existsSync(rf.dir), false, `with ${extra ?? 'credentials gone'}`);
  }
});

test('run files go under XDG_RUNTIME_DIR when set, else the temp dir', () => {
  assert.equal(runFilesBase({ XDG_RUNTIME_DIR: '/run/user/1000' }), '/run/user/1000');
  assert.equal(runFilesBase({ TMPDIR: '/var/tmp' }), '/var/tmp');
  assert.equal(runFilesBase({ XDG_RUNTIME_DIR: '' , TMPDIR: '/x'}), '/x');
});

test('no XDG_RUNTIME_DIR or TMPDIR: the user\'s own /run/user/UID (a tmpfs) when it is private to them, else the OS temp dir', async (t) => {
  const runUser = await tempBase(t);
  const uid = process.getuid!();
  const own = join(runUser, String(uid));
  assert.equal(runFilesBase({}, uid, runUser), tmpdir(), 'none there');
  await mkdir(own, { mode: 0o700 });
  await chmod(own, 0o700);
  assert.equal(runFilesBase({}, uid, runUser), own);
  assert.equal(runFilesBase({ TMPDIR: '/x' }, uid, runUser), '/x', 'an explicit TMPDIR wins');
  await chmod(own, 0o755);
  assert.equal(runFilesBase({}, uid, runUser), tmpdir(), 'not private: not used');
});

test('stale run dirs of dead runs are swept, live ones and foreign dirs stay', async (t) => {
  const base = await tempBase(t);
  // a pid that surely is dead: a child that has exited
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  const deadDir = join(base, `tfw-run-${dead}-abc`);
  const liveDir = join(base, `tfw-run-${process.pid}-def`);
  const other = join(base, 'something-else');
  await Promise.all([mkdir(deadDir), mkdir(liveDir), mkdir(other)]);
  await aged(deadDir, liveDir, other);
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
  const env = buildChildEnv(parent, { configFile: '/r/config', credentialsFile: '/r/credentials' });
  assert.deepEqual(env, {
    PATH: '/bin',
    AWS_PROFILE: 'switch',
    AWS_CONFIG_FILE: '/r/config',
    AWS_SHARED_CREDENTIALS_FILE: '/r/credentials',
  });
  assert.equal(JSON.stringify(parent), frozen);
});

test('a run dir whose pid now belongs to another process (pid reused) is swept; the live run\'s own dir stays', { skip: ownStart ? undefined : 'no /proc/PID/stat start times on this system' }, async (t) => {
  const base = await tempBase(t);
  const mine = join(base, `tfw-run-${process.pid}-s${ownStart}-live01`);
  const reused = join(base, `tfw-run-${process.pid}-s${Number(ownStart) + 1}-gone01`);
  await Promise.all([mkdir(mine), mkdir(reused)]);
  await aged(mine, reused);
  assert.deepEqual(await sweepStaleRunFiles(base), [reused]);
  assert.equal(existsSync(mine), true);
});

test('the run dir name records the pid and its start time', { skip: ownStart ? undefined : 'no /proc/PID/stat start times on this system' }, async (t) => {
  const base = await tempBase(t);
  const rf = await writeRunFiles(base, { config: '', credentials: '' }, new RunDirs());
  assert.match(rf.dir, new RegExp(`/tfw-run-${process.pid}-s${ownStart}-[\\w]{6}$`));
  await removeRunFiles(rf, new RunDirs());
});

test('the sweep never follows a link named like a run dir, and leaves another user\'s dirs alone', async (t) => {
  const base = await tempBase(t);
  const target = join(base, 'precious');
  await mkdir(target);
  const link = join(base, `tfw-run-${deadPid()}-link01`);
  await symlink(target, link);
  const foreign = join(base, `tfw-run-${deadPid()}-other1`);
  await mkdir(foreign);
  await aged(foreign);
  const root = process.getuid?.() === 0;
  if (root) await chown(foreign, 65534, 65534);
  const removed = await sweepStaleRunFiles(base);
  assert.deepEqual(removed, root ? [] : [foreign]);
  assert.equal(existsSync(link), true, 'the link is not a run dir');
  assert.equal(existsSync(target), true);
  if (!root) t.diagnostic('not root: cannot make a dir owned by someone else; that half is not exercised');
});

for (const [how, end] of [
  ['an uncaught exception', "throw new Error('boom')"],
  ['process.exit', 'process.exit(3)'],
] as const) {
  test(`run dirs are removed when the process ends by ${how} before its own cleanup`, async (t) => {
    const base = await tempBase(t);
    // As cli.ts's start() does: the run's context, and the hook that removes its dirs on exit.
    const code = `import { writeRunFiles } from ${JSON.stringify(join(ROOT, 'src/runfiles.ts'))};
      import { createRunContext, removeRunDirsOnExit } from ${JSON.stringify(join(ROOT, 'src/context.ts'))};
      const context = createRunContext();
      removeRunDirsOnExit(context);
      const rf = await writeRunFiles(${JSON.stringify(base)}, { config: '[default]\\n', credentials: '[default]\\n' }, context.runDirs);
      process.stdout.write(rf.dir);
      ${end};`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout, /tfw-run-/, r.stderr);
    assert.deepEqual(await readdir(base), []);
  });
}

/** A run dir as this tfw writes it, with its owner file. */
async function ownedRunDir(base: string, name: string, owner: Record<string, unknown>): Promise<string> {
  const dir = join(base, name);
  await mkdir(dir, { mode: 0o700 });
  await writeFile(join(dir, 'owner'), JSON.stringify(owner));
  return dir;
}

test('the sweep removes a run of this boot and PID namespace whose process is gone, at once; a live one stays', async (t) => {
  const base = await tempBase(t);
  const dead = Number(deadPid());
  const gone = await ownedRunDir(base, `tfw-run-${dead}-gone01`, { pid: dead, boot: bootId(), pidns: pidNamespace() });
  const live = await ownedRunDir(base, `tfw-run-${process.pid}-live01`, { pid: process.pid, start: processStartTime(process.pid), boot: bootId(), pidns: pidNamespace() });
  assert.deepEqual(await sweepStaleRunFiles(base), [gone]);
  assert.equal(existsSync(live), true);
});

test('the sweep never removes a run of another PID namespace (a container sharing /tmp), even when its pid means a dead or another process here', { skip: pidNamespace() ? undefined : 'no /proc/self/ns/pid here' }, async (t) => {
  const base = await tempBase(t);
  const dead = Number(deadPid());
  const other = { boot: bootId(), pidns: 'pid:[1]' };
  const a = await ownedRunDir(base, `tfw-run-${dead}-cont01`, { pid: dead, ...other });
  const b = await ownedRunDir(base, `tfw-run-1-s1-cont02`, { pid: 1, start: '1', ...other });
  await aged(a, b);
  assert.deepEqual(await sweepStaleRunFiles(base), []);
  assert.equal(existsSync(a) && existsSync(b), true);
});

test('a run dir from another boot is over, whatever its pid is now', { skip: bootId() ? undefined : 'no boot_id here' }, async (t) => {
  const base = await tempBase(t);
  const old = await ownedRunDir(base, `tfw-run-${process.pid}-boot01`, { pid: process.pid, start: processStartTime(process.pid), boot: 'another-boot', pidns: pidNamespace() });
  assert.deepEqual(await sweepStaleRunFiles(base), [old]);
});

test('a dir named like a run with no owner file (being created, or an older tfw) stays while it is young', async (t) => {
  const base = await tempBase(t);
  const young = join(base, `tfw-run-${deadPid()}-young1`);
  await mkdir(young);
  assert.deepEqual(await sweepStaleRunFiles(base), []);
});

test('per-run files record their owner: pid, start time, boot, PID namespace', async (t) => {
  const base = await tempBase(t);
  const rf = await writeRunFiles(base, { config: '', credentials: '' }, new RunDirs());
  const owner = JSON.parse(await readFile(join(rf.dir, 'owner'), 'utf8'));
  assert.equal(owner.pid, process.pid);
  assert.equal(owner.pidns, pidNamespace());
  assert.equal((await stat(join(rf.dir, 'owner'))).mode & 0o777, 0o600);
  await removeRunFiles(rf, new RunDirs());
});

test('a relative TMPDIR (or XDG_RUNTIME_DIR) is made absolute from tfw\'s directory: terraform -chdir cannot change what it names', () => {
  const bases = runFilesBases({ TMPDIR: 'tmp' }, undefined, '/run/user', '/home/u/project');
  assert.equal(bases[0], '/home/u/project/tmp');
  assert.ok(bases.every((b) => b.startsWith('/')));
});

test('the per-run base is vetted: writable by others without the sticky bit, or owned by another user, is passed over with a line saying why', async (t) => {
  const base = await tempBase(t);
  const open = join(base, 'open');
  const sticky = join(base, 'sticky');
  await mkdir(open);
  await mkdir(sticky);
  await chmod(open, 0o777);
  await chmod(sticky, 0o1777);
  const uid = process.getuid!();
  assert.match(unsafeBase(open, uid) ?? '', /others can write to it without the sticky bit \(mode 0777\)/);
  assert.equal(unsafeBase(sticky, uid), undefined, 'a sticky world-writable temp dir is fine: our own 0700 dir goes inside');
  assert.match(unsafeBase(join(base, 'missing'), uid) ?? '', /cannot be used \(ENOENT\)/);
  const warnings: string[] = [];
  assert.equal(chooseRunFilesBase({ XDG_RUNTIME_DIR: open, TMPDIR: sticky }, (m) => warnings.push(m), uid), sticky);
  assert.deepEqual(warnings, [`not using ${open} for the per-run files: others can write to it without the sticky bit (mode 0777)`]);
  if (uid === 0) {
    const theirs = join(base, 'theirs');
    await mkdir(theirs, { mode: 0o700 });
    await chown(theirs, 65534, 65534);
    assert.match(unsafeBase(theirs, uid) ?? '', /owned by uid 65534, not by you/);
  }
});
