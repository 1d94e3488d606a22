import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, mkdir, mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, cacheFileFor, SessionCache, type SessionKey } from '../../src/aws/cache.ts';
import { TfwError } from '../../src/errors.ts';
import { recordCreations } from '../support/fs-spy.ts';

const key: SessionKey = {
  serial: 'arn:aws:iam::111111111111:mfa/alice',
  source: ['AKIAEXAMPLEALICE0001', 'alice-secret'],
  endpoint: 'http://127.0.0.1:1',
  profile: 'source',
};
const creds = { accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2030-01-01T00:00:00Z') };

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-cache-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return join(dir, 'tfw');
}

test('cache location: TFW_CACHE_DIR, else XDG_CACHE_HOME/tfw, else ~/.cache/tfw', () => {
  assert.equal(cacheDir({ TFW_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' }), '/c');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' }), '/x/tfw');
  assert.equal(cacheDir({ HOME: '/h' }), '/h/.cache/tfw');
});

test('a written session reads back; dir 0700, file 0600, no temp file left', async (t) => {
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  assert.deepEqual(await cache.read(key), { state: 'missing' });
  const obtained = new Date('2029-12-31T12:00:00Z');
  await cache.write(key, creds, obtained);
  const r = await cache.read(key);
  assert.equal(r.state, 'hit');
  assert.deepEqual(r.state === 'hit' && r.session.credentials, creds);
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
  const file = cacheFileFor(dir, key);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.deepEqual(await readdir(dir), [file.slice(dir.length + 1)]);
  // the long-term secret is never stored
  assert.doesNotMatch(await readFile(file, 'utf8'), /alice-secret/);
});

test('a changed long-term key, device or endpoint is a miss', async (t) => {
  const cache = new SessionCache(await tempDir(t));
  await cache.write(key, creds, new Date());
  for (const other of [
    { ...key, source: ['AKIAEXAMPLEALICE0001', 'rotated'] },
    { ...key, source: ['AKIAEXAMPLEALICE0002', 'alice-secret'] },
    { ...key, source: ['credential_process', 'aws-vault export --no-session --format=json base'] },
    { ...key, serial: 'arn:aws:iam::111111111111:mfa/other' },
    { ...key, endpoint: '' },
  ]) {
    assert.deepEqual(await cache.read(other), { state: 'missing' });
  }
});

test('a corrupt or foreign file is reported as corrupt, not trusted', async (t) => {
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  await cache.write(key, creds, new Date());
  const file = cacheFileFor(dir, key);
  for (const text of ['{not json', '{"format":"other"}', JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), fingerprint: 'x' })]) {
    await writeFile(file, text);
    assert.deepEqual(await cache.read(key), { state: 'corrupt', file });
  }
});

test('list shows nothing secret; clear removes only tfw session files, optionally one device', async (t) => {
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  const bob: SessionKey = { ...key, serial: 'arn:aws:iam::111111111111:mfa/bob' };
  await cache.write(key, creds, new Date());
  await cache.write(bob, creds, new Date());
  await writeFile(join(dir, 'notes.txt'), 'mine');
  const list = await cache.list();
  assert.deepEqual(list.map((e) => e.serial).sort(), [bob.serial, key.serial].sort());
  assert.doesNotMatch(JSON.stringify(list), /ASIA|"s"|sessionToken/);
  assert.deepEqual((await cache.clear(bob.serial)).map((e) => e.serial), [bob.serial]);
  assert.deepEqual((await cache.clear()).map((e) => e.serial), [key.serial]);
  assert.deepEqual(await readdir(dir), ['notes.txt']);
});

test('the lock serialises holders: the second waits for the first', async (t) => {
  const cache = new SessionCache(await tempDir(t));
  const order: string[] = [];
  let waited = false;
  const first = cache.withLock(key, async () => {
    order.push('first-in');
    await new Promise((r) => setTimeout(r, 200));
    order.push('first-out');
  });
  await new Promise((r) => setTimeout(r, 50));
  const second = cache.withLock(key, async () => { order.push('second'); }, () => { waited = true; });
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first-in', 'first-out', 'second']);
  assert.equal(waited, true);
});

test('a cache dir writable by group or others is refused with one line naming it and what is wrong; nothing read, written or fixed', async (t) => {
  for (const [mode, who] of [[0o770, 'group'], [0o707, 'others'], [0o777, 'group and others']] as const) {
    const dir = await tempDir(t);
    await mkdir(dir);
    await chmod(dir, mode);
    const cache = new SessionCache(dir);
    const refused = (e: unknown) =>
      e instanceof TfwError && e.message === `refusing the session cache ${dir}: it is writable by ${who} (mode ${mode.toString(8).padStart(4, '0')}); chmod 700 it, or set TFW_CACHE_DIR`;
    await assert.rejects(cache.read(key), refused);
    await assert.rejects(cache.write(key, creds, new Date()), refused);
    await assert.rejects(cache.withLock(key, async () => 1), refused);
    await assert.rejects(cache.list(), refused);
    assert.deepEqual(await readdir(dir), []);
    assert.equal((await stat(dir)).mode & 0o777, mode, 'left as it was: the user decides');
  }
});

test('a cache dir owned by someone else is refused, saying whose it is', { skip: process.getuid?.() === 0 ? undefined : 'needs root to make a dir owned by another user' }, async (t) => {
  const dir = await tempDir(t);
  await mkdir(dir, { mode: 0o700 });
  await chown(dir, 65534, 65534);
  await assert.rejects(new SessionCache(dir).read(key), (e: unknown) => e instanceof TfwError && e.message.startsWith(`refusing the session cache ${dir}: it is owned by uid 65534, not by you (uid 0)`));
  await assert.rejects(new SessionCache(dir).write(key, creds, new Date()), /owned by uid 65534/);
  assert.deepEqual(await readdir(dir), []);
});

test('a private cache dir of ours that others could read (0755) is made 0700 when written', async (t) => {
  const dir = await tempDir(t);
  await mkdir(dir);
  await chmod(dir, 0o755);
  await new SessionCache(dir).write(key, creds, new Date());
  assert.equal((await stat(dir)).mode & 0o777, 0o700);
});

test('a session file is replaced whole (write + rename): a reader that opened the old file reads it complete', async (t) => {
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  await cache.write(key, creds, new Date('2029-01-01T00:00:00Z'));
  const file = cacheFileFor(dir, key);
  const before = await readFile(file, 'utf8');
  const reader = await open(file, 'r');
  t.after(() => reader.close());
  const newer = { ...creds, accessKeyId: 'ASIAEXAMPLE000000002', sessionToken: 't'.repeat(5000) };
  await cache.write(key, newer, new Date('2029-06-01T00:00:00Z'));
  assert.equal(await reader.readFile('utf8'), before, 'the old file was not rewritten in place');
  const r = await cache.read(key);
  assert.equal(r.state === 'hit' && r.session.credentials.accessKeyId, 'ASIAEXAMPLE000000002');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
});

test('concurrent writers and readers: every read is a whole session, never a torn file', async (t) => {
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  await cache.write(key, creds, new Date());
  const writers = Array.from({ length: 20 }, (_, i) => cache.write(key, { ...creds, sessionToken: String(i).repeat(20000) }, new Date()));
  const states = await Promise.all(Array.from({ length: 60 }, () => cache.read(key).then((r) => r.state)));
  await Promise.all(writers);
  assert.deepEqual([...new Set(states)], ['hit']);
  assert.deepEqual((await readdir(dir)).filter((n) => n.endsWith('.tmp')), []);
});

test('cache files and dir are created with their modes (0600, 0700): never created wider and narrowed afterwards', async (t) => {
  const creations = recordCreations(t);
  const dir = await tempDir(t);
  const cache = new SessionCache(dir);
  await cache.write(key, creds, new Date());
  await cache.withLock(key, async () => cache.write(key, creds, new Date()));
  const files = creations.filter((c) => c.call === 'writeFile');
  assert.ok(files.length >= 2, JSON.stringify(creations));
  for (const c of files) assert.deepEqual([c.mode, c.flag], [0o600, 'wx'], `${c.path} created ${String(c.mode)}`);
  const dirs = creations.filter((c) => c.call === 'mkdir' && c.path === dir);
  assert.ok(dirs.length >= 1);
  for (const c of dirs) assert.equal(c.mode, 0o700);
});
