// The "Secrets" properties, end to end through the built tfw, the fake
// terraform (which records its argv, env and per-run files) and the STS
// stand-in (which hands out known secrets): where secrets must never show,
// the per-run files removed on every way out, the cache dir refused when
// others could touch it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree, moduleSandbox, readRecord, ROOT, runTfw, TFW_BIN, type Ran } from './support/harness.ts';
import { mfaUser, roleProfiles, useStsStandIn } from './support/world.ts';

const ALICE = mfaUser('0009');
const ROLE = 'arn:aws:iam::222222222222:role/switch';
// 000000 is the one code STS refuses: the error path.
const world = useStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }], acceptCode: (_s, c) => c !== '000000' }, 700000);

const { config: CONFIG, credentials: CREDENTIALS } = roleProfiles(ALICE, { switch: ROLE });
const MAIN = 'provider "aws" {\n  profile = "switch"\n}\n';

const setup = (t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: world.url, ...extra } });

/** The session the cache holds: what STS handed out. */
async function sessionSecrets(cacheRoot: string): Promise<string[]> {
  const dir = join(cacheRoot, 'tfw');
  const file = (await readdir(dir)).find((f) => f.endsWith('.json'))!;
  const c = JSON.parse(await readFile(join(dir, file), 'utf8')).credentials;
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken];
}

function assertNoSecret(where: string, text: string, secrets: readonly string[]): void {
  for (const secret of secrets) assert.ok(!text.includes(secret), `a secret (${secret.slice(0, 6)}…) in ${where}`);
}

/** One `tfw: …` line and nothing else: no stack trace. */
function oneTfwLine(r: Ran, pattern: RegExp): void {
  assert.match(r.stderr, /^tfw: [^\n]*\n$/, `not one tfw line: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}

test('no secret in terraform\'s argv or environment, in tfw\'s output (TFW_DEBUG=1 included) or error lines, or in the cache dir\'s names; the long-term secret is in no file outside ~/.aws', async (t) => {
  const { box, dir, record, env } = await setup(t, { TFW_DEBUG: '1' });
  const codes = [world.fresh(), world.fresh()];
  const runs: Array<[string, Ran]> = [];
  const run = async (name: string, args: string[], extra: Record<string, string> = {}) => {
    const r = await runTfw(args, { cwd: dir, env: { ...env, ...extra } });
    runs.push([name, r]);
    return r;
  };
  assert.equal((await run('cold plan', ['plan', '-var=x=1'], { TFW_MFA_CODE: codes[0]! })).code, 0);
  assert.equal((await run('warm plan, terraform fails', ['plan'], { FAKE_TF_EXIT: '1', FAKE_TF_STDOUT: 'plan output\n' })).code, 1);
  assert.equal((await run('auth status', ['auth', 'status', '--json'])).code, 0);
  assert.equal((await run('auth explain', ['auth', 'explain', '--json'])).code, 0);
  assert.equal((await run('auth login --force', ['auth', 'login', '--force'], { TFW_MFA_CODE: codes[1]! })).code, 0);
  // error paths: a code STS refuses, a bad setting
  const refused = await run('refused code', ['plan'], { TFW_NO_CACHE: '1', TFW_MFA_CODE: '000000' });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /tfw: STS refused the MFA code/);
  assert.notEqual((await run('bad setting', ['plan'], { TFW_SESSION_DURATION: 'forever' })).code, 0);

  const secrets = [ALICE.secretAccessKey, ALICE.accessKeyId, ...codes, '000000', ...(await sessionSecrets(box.cache))];
  for (const [name, r] of runs) {
    assertNoSecret(`stdout of ${name}`, r.stdout, secrets);
    assertNoSecret(`stderr of ${name}`, r.stderr, secrets);
  }
  assert.match(runs[0]![1].stderr, /tfw: debug: GetSessionToken for/, 'debug output was on');
  const starts = (await readRecord(record)).filter((e) => e.event === 'start');
  assert.equal(starts.length, 2);
  for (const s of starts) {
    assertNoSecret('terraform\'s argv', JSON.stringify(s.argv), secrets);
    assertNoSecret('terraform\'s environment', JSON.stringify(s.env), secrets);
    // what points at the secrets is a path, and only that
    assert.equal(s.env.AWS_SHARED_CREDENTIALS_FILE, s.credentials.path);
    assert.equal(s.env.AWS_CONFIG_FILE, s.config.path);
  }
  assert.deepEqual(starts[0]!.argv, ['plan', '-var=x=1']);
  const cacheNames = await readdir(join(box.cache, 'tfw'));
  assert.ok(cacheNames.length > 0);
  assertNoSecret('the cache dir\'s names', cacheNames.join('\n'), [...secrets, ALICE.mfaSerial, 'alice']);
  // The long-term secret was read from ~/.aws and written nowhere: not the cache, the run dirs, nor what terraform was handed.
  for (const file of (await listTree(box.root)).filter((p) => !p.startsWith(box.aws))) {
    const text = await readFile(file, 'utf8').catch(() => '');
    assert.ok(!text.includes(ALICE.secretAccessKey), `the long-term secret was copied into ${file}`);
  }
  assert.deepEqual(await readdir(box.runtime), []);
});

async function waitFor(file: string, event: string): Promise<void> {
  for (let i = 0; i < 2400; i++) {
    if ((await readRecord(file)).some((e) => e.event === event)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fake terraform never recorded ${event}`);
}

/** Starts tfw (or another entry point) in its own process group, like a shell job; whatever is left of it is killed after the test. */
function startJob(t: { after(fn: () => void): void }, entry: string[], cwd: string, env: Record<string, string>) {
  const child = spawn(process.execPath, entry, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone
    }
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (c) => resolve({ code: c, stderr })));
  return { child, done, stderr: () => stderr };
}

/** Kills whatever the fake terraform left running (after a test that killed tfw itself). */
async function killFakeTerraform(record: string): Promise<void> {
  for (const e of await readRecord(record)) {
    if (e.event !== 'start') continue;
    try {
      process.kill(e.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

for (const [way, signal, group] of [
  ['Ctrl-C (SIGINT to the process group)', 'SIGINT', true],
  ['SIGTERM to tfw', 'SIGTERM', false],
  ['SIGHUP to tfw (terminal closed)', 'SIGHUP', false],
] as const) {
  test(`per-run files are removed on ${way}, after terraform has stopped`, async (t) => {
    // TFW_NO_EXEC: terraform a child of tfw, as where it cannot take tfw's place (test/replace.test.ts covers that path).
    const { box, dir, record, env } = await setup(t, { TFW_MFA_CODE: world.fresh(), FAKE_TF_WAIT: '1', FAKE_TF_SIGNALS_TO_EXIT: '1', TFW_NO_EXEC: '1' });
    const job = startJob(t, [TFW_BIN, 'apply'], dir, env);
    t.after(() => killFakeTerraform(record));
    await waitFor(record, 'waiting');
    assert.equal((await readdir(box.runtime)).length, 1, 'the run dir exists while terraform runs');
    if (group) process.kill(-job.child.pid!, signal);
    else job.child.kill(signal);
    const r = await job.done;
    assert.equal(r.code, 3, `terraform's status after its graceful stop: ${r.stderr}`);
    const events = await readRecord(record);
    assert.deepEqual(events.filter((e) => e.event === 'signal').map((e) => [e.signal, e.configStillThere]), [[signal, true]]);
    assert.deepEqual(await readdir(box.runtime), []);
  });
}

test('per-run files are removed when tfw fails on its own after writing them (terraform cannot be started): one tfw line', async (t) => {
  const { box, dir, env } = await setup(t, { TFW_MFA_CODE: world.fresh() });
  // Executable, so it is found; its interpreter is missing, so starting it fails.
  const broken = join(box.root, 'terraform-broken');
  await writeFile(broken, '#!/nonexistent/interpreter\n', { mode: 0o755 });
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_TERRAFORM: broken, TFW_QUIET: '1' } });
  assert.equal(r.code, 127);
  oneTfwLine(r, /^tfw: cannot run .*terraform-broken: ENOENT/);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('an uncaught exception while terraform runs: one tfw line, no stack trace, tfw waits for terraform, exit 70, per-run files removed', async (t) => {
  // TFW_NO_EXEC: tfw must be there while terraform runs for a callback of its own to throw.
  const { box, dir, record, env } = await setup(t, { TFW_MFA_CODE: world.fresh(), FAKE_TF_WAIT: '1', TFW_QUIET: '1', TFW_NO_EXEC: '1' });
  const job = startJob(t, ['--import', import.meta.resolve('tsx'), join(ROOT, 'test/support/crash-run.ts'), 'apply'], dir, { ...env, NODE_OPTIONS: '' });
  t.after(() => killFakeTerraform(record));
  await waitFor(record, 'waiting');
  for (let i = 0; i < 400 && !job.stderr().includes('injected fault'); i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(job.stderr(), 'tfw: internal error: injected fault: a callback threw\n');
  assert.equal((await readRecord(record)).some((e) => e.event === 'exit'), false, 'terraform is still running: tfw has not left it');
  job.child.kill('SIGTERM'); // passed on: terraform stops, then tfw leaves
  const r = await job.done;
  assert.equal(r.code, 70, r.stderr);
  assert.equal(r.stderr, 'tfw: internal error: injected fault: a callback threw\n');
  assert.ok((await readRecord(record)).some((e) => e.event === 'exit'), 'terraform finished first');
  assert.deepEqual(await readdir(box.runtime), []);
});

test('a run killed with SIGKILL leaves its dir; the next run sweeps it, and only it', async (t) => {
  // TFW_NO_EXEC: a run dir with a name (in tfw's place nothing is named: test/replace.test.ts).
  const { box, dir, record, env } = await setup(t, { FAKE_TF_WAIT: '1', TFW_NO_EXEC: '1' });
  const job = startJob(t, [TFW_BIN, 'plan'], dir, { ...env, TFW_MFA_CODE: world.fresh() });
  t.after(() => killFakeTerraform(record));
  await waitFor(record, 'waiting');
  process.kill(-job.child.pid!, 'SIGKILL');
  await job.done;
  await killFakeTerraform(record);
  const left = await readdir(box.runtime);
  assert.equal(left.length, 1, 'SIGKILL cannot be caught: the dir stays');
  assert.match(left[0]!, /^tfw-run-\d+-/);
  // Not ours to touch: a dir of another program, and one of a live tfw run (this test's own pid).
  await mkdir(join(box.runtime, 'other-program'));
  await mkdir(join(box.runtime, `tfw-run-${process.pid}-live01`));
  const { FAKE_TF_WAIT: _wait, ...quick } = env;
  const next = await runTfw(['plan'], { cwd: dir, env: quick });
  assert.equal(next.code, 0, next.stderr);
  assert.deepEqual((await readdir(box.runtime)).sort(), ['other-program', `tfw-run-${process.pid}-live01`]);
});

for (const [problem, prepare, pattern] of [
  ['writable by group and others', async (d: string) => chmod(d, 0o777), /^tfw: refusing the session cache .*\/shared-cache: it is writable by group and others \(mode 0777\); chmod 700 it, or set TFW_CACHE_DIR\n$/],
  ['owned by someone else', async (d: string) => chown(d, 65534, 65534), /^tfw: refusing the session cache .*\/shared-cache: it is owned by uid 65534, not by you \(uid 0\)/],
] as const) {
  test(`a cache dir ${problem}: one tfw line naming it, non-zero, before any code is asked; nothing written, no credential on disk`, { skip: problem.startsWith('owned') && process.getuid?.() !== 0 ? 'needs root to make a dir owned by another user' : undefined }, async (t) => {
    const { box, dir, record, env } = await setup(t);
    const cache = join(box.root, 'shared-cache');
    await mkdir(cache, { mode: 0o700 });
    await prepare(cache);
    const before = world.sts.calls.GetSessionToken;
    const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_CACHE_DIR: cache, TFW_MFA_CODE: world.fresh() } });
    assert.equal(r.code, 1);
    oneTfwLine(r, pattern);
    assert.equal(world.sts.calls.GetSessionToken, before, 'no code spent, no session made');
    assert.deepEqual(await readRecord(record), [], 'terraform not run');
    assert.deepEqual(await readdir(cache), []);
    assert.deepEqual(await readdir(box.runtime), []);
  });
}
