// The cache's lock and files against what a peer or the machine can leave in
// their place: a dead holder's lock dated in the future, a plain file, FIFO
// or dangling symlink where the lock goes, a FIFO as the session file, a
// holder stopped (Ctrl-Z) far beyond the stale age, a HOME that is not set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { cacheDir, cacheFileFor, SessionCache, type SessionKey } from '../../src/aws/cache.ts';
import { withDirLock } from '../../src/aws/lock.ts';
import { bootId, pidNamespace, processStartTime } from '../../src/proc.ts';
import { TfwError } from '../../src/errors.ts';

const key: SessionKey = { serial: 'arn:aws:iam::111111111111:mfa/alice', source: ['AKIAEXAMPLEALICE0013', 'alice-secret'], endpoint: '', profile: 'source' };
const creds = { accessKeyId: 'ASIAEXAMPLE000000013', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2030-01-01T00:00:00Z') };
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString());
const hasMkfifo = spawnSync('mkfifo', ['--version'], { stdio: 'ignore' }).error === undefined;

async function cacheIn(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tfw-lock-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const dir = join(root, 'tfw');
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

/** Resolves with fn's result, or rejects when it does not settle in time (a hang is a failure, not a stuck suite). */
function within<T>(p: Promise<T>, ms = 10_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);
}

test('HOME unset or empty: the cache goes to the account\'s home from the password database, never the working directory', () => {
  const home = userInfo().homedir;
  for (const env of [{}, { HOME: '' }, { HOME: '.' }, { HOME: 'relative' }]) assert.equal(cacheDir(env), join(home, '.cache', 'tfw'));
  assert.throws(() => cacheDir({}, () => undefined), (e: unknown) => e instanceof TfwError && /no home directory for the session cache: HOME is not set/.test(e.message));
  assert.equal(cacheDir({ XDG_CACHE_HOME: 'rel', HOME: '/h' }), '/h/.cache/tfw', 'a relative XDG_CACHE_HOME is ignored (XDG spec)');
});

test('a dead holder\'s lock dated in the future (clock stepped back) is broken at once', async (t) => {
  const dir = await cacheIn(t);
  const lock = `${cacheFileFor(dir, key)}.lock`;
  await mkdir(lock);
  await writeFile(join(lock, 'owner'), JSON.stringify({ pid: deadPid(), boot: bootId(), pidns: pidNamespace() }));
  const future = new Date(Date.now() + 3600_000);
  await utimes(lock, future, future);
  let waited = false;
  assert.equal(await within(new SessionCache(dir).withLock(key, async () => 'mine', () => (waited = true))), 'mine');
  assert.equal(waited, false);
  assert.equal(existsSync(lock), false, 'released');
});

test('a lock dated in the future with no owner to judge (an older tfw) is stale by its age, whichever way the clock moved', async (t) => {
  const dir = await cacheIn(t);
  const lock = `${cacheFileFor(dir, key)}.lock`;
  await mkdir(lock);
  const future = new Date(Date.now() + 3600_000);
  await utimes(lock, future, future);
  assert.equal(await within(new SessionCache(dir).withLock(key, async () => 'mine')), 'mine');
});

for (const [what, make] of [
  ['a plain file', (p: string) => writeFile(p, 'x')],
  ['a dangling symlink', (p: string) => symlink('/nonexistent/target', p)],
  ['a FIFO', async (p: string) => void spawnSync('mkfifo', [p])],
] as const) {
  test(`${what} where the lock goes is not a lock: replaced at once, never opened`, { skip: what === 'a FIFO' && !hasMkfifo ? 'no mkfifo' : false }, async (t) => {
    const dir = await cacheIn(t);
    const lock = `${cacheFileFor(dir, key)}.lock`;
    await make(lock);
    assert.equal(await within(new SessionCache(dir).withLock(key, async () => (await stat(lock)).isDirectory())), true);
  });
}

test('a FIFO as the session file: read as unreadable (to be replaced), never blocks; list skips it', { skip: hasMkfifo ? false : 'no mkfifo' }, async (t) => {
  const dir = await cacheIn(t);
  const file = cacheFileFor(dir, key);
  spawnSync('mkfifo', [file]);
  const cache = new SessionCache(dir);
  assert.deepEqual(await within(cache.read(key)), { state: 'corrupt', file });
  assert.deepEqual(await within(cache.list()), []);
  await cache.remove(file);
  await cache.write(key, creds, new Date());
  assert.equal((await within(cache.read(key))).state, 'hit');
});

test('a cache dir and session file others can read (0755, 0644: chmod -R, a restore) are made private, each with a warning', async (t) => {
  const dir = await cacheIn(t);
  await new SessionCache(dir).write(key, creds, new Date());
  await chmod(dir, 0o755);
  await chmod(cacheFileFor(dir, key), 0o644);
  const warnings: string[] = [];
  const r = await new SessionCache(dir, (m) => warnings.push(m)).read(key);
  assert.equal(r.state, 'hit');
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  assert.equal((await stat(cacheFileFor(dir, key))).mode & 0o777, 0o600);
  assert.deepEqual(warnings, [
    `the session cache ${dir} was readable by others (mode 0755): made it 0700`,
    `the session file ${cacheFileFor(dir, key)} was readable by others (mode 0644): made it 0600`,
  ]);
});

test('a holder stopped (Ctrl-Z) far beyond the stale age keeps its lock: the next run waits instead of asking for a second code; it gets the lock once the holder is gone', async (t) => {
  const dir = await cacheIn(t);
  const lock = `${cacheFileFor(dir, key)}.lock`;
  // The holder: a live process, stopped, its lock untouched for an hour.
  const holder = spawn('sleep', ['60'], { stdio: 'ignore' });
  t.after(() => {
    holder.kill('SIGKILL');
  });
  process.kill(holder.pid!, 'SIGSTOP');
  await mkdir(lock);
  await writeFile(join(lock, 'owner'), JSON.stringify({ pid: holder.pid, start: processStartTime(holder.pid!), boot: bootId(), pidns: pidNamespace() }));
  const old = new Date(Date.now() - 3600_000);
  await utimes(lock, old, old);
  let waited = false;
  const waiter = new SessionCache(dir, undefined, { maxWaitMs: 1500 });
  await assert.rejects(
    within(waiter.withLock(key, async () => 'stolen', () => (waited = true))),
    (e: unknown) => e instanceof TfwError && new RegExp(`another tfw run \\(pid ${holder.pid}\\) has held the session lock`).test(e.message),
  );
  assert.equal(waited, true);
  assert.equal(existsSync(join(lock, 'owner')), true, 'the stopped holder\'s lock is intact');
  holder.kill('SIGKILL');
  await new Promise((r) => holder.once('exit', r));
  assert.equal(await within(new SessionCache(dir).withLock(key, async () => 'mine')), 'mine');
});

test('a holder whose lock was broken meanwhile (judged by age from another PID namespace) does not fail when it resumes, and does not remove the new holder\'s lock', async (t) => {
  const dir = await cacheIn(t);
  const lock = join(dir, 'x.lock');
  const result = await within(
    withDirLock(lock, async () => {
      // Someone else breaks our lock and takes it while we run.
      await rm(lock, { recursive: true, force: true });
      await mkdir(lock);
      await writeFile(join(lock, 'owner'), JSON.stringify({ pid: 1, pidns: 'pid:[1]' }));
      await new Promise((r) => setTimeout(r, 50));
      return 'done';
    }, { refreshMs: 10 }),
  );
  assert.equal(result, 'done');
  assert.equal(existsSync(join(lock, 'owner')), true, 'the other holder\'s lock stays');
});
