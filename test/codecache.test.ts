// The lazy bundle's V8 code cache (src/codecache.ts): code only, never a
// secret of the run; used only from a directory of the user's own; and what
// a warm credentialed run loads (through the built tfw, the fake terraform
// and the STS stand-in).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, mkdir, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from '../src/aws/cache.ts';
import { codeCacheDir, codeCacheFile, readCodeCache, writeCodeCache } from '../src/codecache.ts';
import { moduleSandbox, readRecord, ROOT, runTfw, sandbox, TFW_BIN } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0017', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000017', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLE = 'arn:aws:iam::222222222222:role/switch';
let sts: StsStandIn;
let code = 710000;
const fresh = (): string => String(code++);

before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] });
});
after(() => sts?.stop());

const CONFIG = `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\n`;
const CREDENTIALS = `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
const MAIN = 'provider "aws" {\n  profile = "switch"\n}\n';

const setup = (t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: sts.url, ...extra } });

const codeFiles = async (dir: string): Promise<string[]> => (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.v8'));

test('a warm run leaves a code cache holding no key, secret, token, code, profile or path of the run; the next run compiles from it', async (t) => {
  const { box, dir, record, env } = await setup(t);
  const mfa = fresh();
  const first = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: mfa } });
  assert.equal(first.code, 0, first.stderr);
  const warm = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(warm.code, 0, warm.stderr);
  const codeDir = join(box.cache, 'tfw', 'code');
  const [name] = await codeFiles(codeDir);
  assert.ok(name, 'a code cache was written');
  const file = join(codeDir, name);
  assert.equal((await stat(codeDir)).mode & 0o777, 0o700);
  assert.equal((await stat(file)).mode & 0o777, 0o600);

  const session = JSON.parse(await readFile(join(box.cache, 'tfw', (await readdir(join(box.cache, 'tfw'))).find((n) => n.endsWith('.json'))!), 'utf8')).credentials;
  const [start] = await readRecord(record);
  const values = [ALICE.accessKeyId, ALICE.secretAccessKey, session.accessKeyId, session.secretAccessKey, session.sessionToken, mfa, ROLE, ALICE.mfaSerial, 'switch', box.root, start!.env.AWS_CONFIG_FILE!];
  const bytes = await readFile(file);
  for (const v of values) {
    for (const encoding of ['utf8', 'utf16le', 'latin1'] as const) assert.ok(!bytes.includes(Buffer.from(v, encoding)), `${v.slice(0, 8)}… (${encoding}) in the code cache`);
  }

  // Accepted by V8: not written again (a rejected cache is replaced at exit, a new inode).
  const before = await stat(file);
  const again = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(again.code, 0, again.stderr);
  const afterRun = await stat(file);
  assert.equal(afterRun.ino, before.ino);
  assert.equal(afterRun.mtimeMs, before.mtimeMs);
});

test('TFW_NO_CACHE=1 writes no code cache', async (t) => {
  const { box, dir, env } = await setup(t, { TFW_NO_CACHE: '1' });
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await readdir(box.cache).catch(() => []), []);
});

test('a code cache others could write is never read: a code dir others can write gets nothing, a cache file others can write is replaced by a private one', async (t) => {
  const { box, dir, env } = await setup(t);
  assert.equal((await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } })).code, 0);
  const codeDir = join(box.cache, 'tfw', 'code');
  const [name] = await codeFiles(codeDir);
  const file = join(codeDir, name!);

  await writeFile(file, 'not code');
  await chmod(file, 0o666);
  assert.equal(readCodeCache(file), undefined, 'writable by others: not read');
  // Without a plan memo, so that the run loads the lazy bundle (a run the memo serves loads only the warm one).
  const noMemo = () => rm(join(box.cache, 'tfw', 'plans'), { recursive: true, force: true });
  await noMemo();
  assert.equal((await runTfw(['plan'], { cwd: dir, env })).code, 0);
  assert.equal((await stat(file)).mode & 0o777, 0o600, 'replaced by a private file');
  assert.notEqual((await readFile(file, 'utf8')), 'not code');

  await chmod(codeDir, 0o777);
  const before = await stat(file);
  assert.equal(readCodeCache(file), undefined, 'in a dir others can write: not read');
  await noMemo();
  assert.equal((await runTfw(['plan'], { cwd: dir, env })).code, 0);
  assert.equal((await stat(file)).mtimeMs, before.mtimeMs, 'nothing written into it');
});

test('the code cache: a symlink is not followed; no session cache directory, none is made for code; other builds\' caches go after a day', async (t) => {
  const box = await sandbox(t);
  const base = join(box.root, 'cache');
  const dir = join(base, 'code');
  const file = codeCacheFile(dir, 'aaaaaaaaaaaaaaaa');
  writeCodeCache(file, Buffer.from('x'));
  assert.deepEqual(await readdir(box.root).then((n) => n.includes('cache')), false, 'the session cache dir is not made for code');

  await mkdir(base, { mode: 0o700 });
  writeCodeCache(file, Buffer.from('x'));
  assert.equal(readCodeCache(file)?.toString(), 'x');
  const target = join(box.root, 'elsewhere.v8');
  await writeFile(target, 'y', { mode: 0o600 });
  const link = codeCacheFile(dir, 'bbbbbbbbbbbbbbbb');
  await symlink(target, link);
  assert.equal(readCodeCache(link), undefined, 'a symlink is not followed');

  const old = new Date(Date.now() - 2 * 24 * 3600 * 1000);
  await utimes(file, old, old);
  const next = codeCacheFile(dir, 'cccccccccccccccc');
  writeCodeCache(next, Buffer.from('z'));
  assert.deepEqual((await codeFiles(dir)).sort(), [link, next].map((p) => p.slice(dir.length + 1)).sort(), 'another build\'s cache goes once a day old; a recent one stays');
});

test('the code cache sits in the session cache directory, by the same rule (TFW_CACHE_DIR, XDG_CACHE_HOME, HOME)', () => {
  for (const env of [
    { TFW_CACHE_DIR: '/x/sessions', HOME: '/home/a' },
    { XDG_CACHE_HOME: '/x/xdg', HOME: '/home/a' },
    { XDG_CACHE_HOME: 'relative', HOME: '/home/a' },
    { HOME: '/home/a' },
  ]) {
    assert.equal(codeCacheDir(env), join(cacheDir(env, () => undefined), 'code'), JSON.stringify(env));
  }
  assert.equal(codeCacheDir({ HOME: '/home/a', TFW_NO_CACHE: '1' }), undefined);
  assert.equal(codeCacheDir({}), undefined, 'no home: no code cache (the session cache may still find one)');
});

test('a warm credentialed run loads tfw\'s own code only: not the AWS SDK, the IAM client, execa, nor the keyring binding without a D-Bus session', async (t) => {
  const { box, dir, env } = await setup(t);
  // Past the racy window of the files just written, so that this run leaves a plan memo.
  await new Promise((r) => setTimeout(r, 150));
  assert.equal((await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } })).code, 0);
  const traced = async (name: string): Promise<string[]> => {
    const trace = join(box.root, name);
    const r = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', join(ROOT, 'test/support/trace-loads.mjs'), '--require', join(ROOT, 'test/support/trace-requires.cjs'), TFW_BIN, 'plan'], {
        cwd: dir,
        // PWD as a shell sets it (the launcher does too): the reader reads it, so the memo observes it.
        // TFW_NO_EXEC: the trace is written at exit, which a process terraform takes over never reaches (the same code loads).
        env: { ...env, PWD: dir, TFW_TRACE_FILE: trace, TFW_NO_EXEC: '1' },
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });
    assert.equal(r, 0);
    const loaded = [...new Set((await readFile(trace, 'utf8')).trim().split('\n').map((l) => l.replace(/^file:\/\//, '')))];
    return loaded.filter((p) => p.startsWith(ROOT) && !p.includes('/test/support/')).map((p) => p.slice(ROOT.length + 1)).sort();
  };
  // Served by the plan memo: the warm bundle alone (src/warm.ts).
  assert.deepEqual(await traced('served.txt'), ['bin/tfw.js', 'dist/cli.js', 'dist/lazy/warm.js'], 'the *.cjs bundles are read by src/codecache.ts, not loaded as modules; no vendor file, no node_modules');
  // The memo gone: the warm bundle looks, the lazy one plans.
  await rm(join(box.cache, 'tfw', 'plans'), { recursive: true, force: true });
  assert.deepEqual(await traced('planned.txt'), ['bin/tfw.js', 'dist/cli.js', 'dist/lazy/lazy.js', 'dist/lazy/warm.js']);
});

test('the bundle every credentialed run reads holds no command-line parser: yargs and its helpers are a vendor file of `tfw auth`', async () => {
  const meta = JSON.parse(await readFile(join(ROOT, 'dist/meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  const packages = (out: string): string[] => Object.keys(meta.outputs[out]!.inputs).filter((i) => i.startsWith('node_modules/'));
  assert.deepEqual(packages('dist/lazy/lazy.cjs').filter((i) => /node_modules\/(yargs|yargs-parser|cliui|string-width|emoji-regex|y18n)\//.test(i)), []);
  assert.ok(packages('dist/lazy/vendor/yargs.cjs').some((i) => i.startsWith('node_modules/yargs/')));
});
