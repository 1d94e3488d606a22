// The runner contract with the fake terraform (fixtures/bin/terraform):
// arguments, environment, exit codes, signals, terraform resolution, and
// what a pass-through command loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FAKE_TERRAFORM_DIR, readRecord, ROOT, runTfw, sandbox, TFW_BIN, TFW_LAUNCHER, launched } from './support/harness.ts';

async function fakeEnv(t: Parameters<typeof sandbox>[0], extra: Record<string, string | undefined> = {}) {
  const box = await sandbox(t);
  const record = join(box.root, 'record.jsonl');
  const env = box.env({ PATH: `${FAKE_TERRAFORM_DIR}:${process.env.PATH}`, FAKE_TF_RECORD: record, ...extra });
  return { box, record, env };
}

test('pass-through: exactly the same arguments, directory and environment', async (t) => {
  const { box, record, env: base } = await fakeEnv(t, { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLEKEEP00001', AWS_PROFILE: 'whatever' });
  // PWD as a shell leaves it (a stale one is corrected by the launcher's sh, as by any shell).
  const env = launched(base, box.root);
  const args = ['fmt', '-recursive', '-var', 'n=1e3', '--', 'a b', ''];
  const r = await runTfw(args, { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  const [start] = await readRecord(record);
  assert.deepEqual(start!.argv, args);
  assert.equal(start!.cwd, box.root);
  assert.deepEqual(start!.env, env);
  assert.equal(r.stderr, '');
});

for (const args of [['version'], ['-help'], ['fmt'], ['-version'], ['plan', '-help']]) {
  test(`pass-through \`tfw ${args.join(' ')}\` loads neither the AWS SDK, nor the HCL reader, nor yargs, nor the TF_CLI_ARGS parser`, async (t) => {
    const { box, env } = await fakeEnv(t);
    const trace = join(box.root, 'trace.txt');
    const meta = JSON.parse(await readFile(join(ROOT, 'dist', 'meta.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
    const r = await new Promise<number | null>((resolve) => {
      // ES modules through the loader hooks, CommonJS files (the bundle is CommonJS) from require.cache at exit.
      const child = spawn(process.execPath, ['--import', join(ROOT, 'test/support/trace-loads.mjs'), '--require', join(ROOT, 'test/support/trace-requires.cjs'), TFW_BIN, ...args], {
        cwd: box.root,
        env: { ...env, TFW_TRACE_FILE: trace },
        stdio: 'ignore',
      });
      child.on('close', resolve);
    });
    assert.equal(r, 0);
    const loaded = (await readFile(trace, 'utf8')).trim().split('\n');
    const inputs = loaded
      .filter((u) => u.startsWith(`file://${ROOT}/dist/`) || u.startsWith(`${ROOT}/dist/`))
      .flatMap((u) => Object.keys(meta.outputs[`dist/${u.split('/dist/')[1]}`]?.inputs ?? {}));
    assert.ok(inputs.some((i) => i.includes('src/cli.ts')), 'the trace saw the bundle');
    const heavy = inputs.filter((i) => /@aws-sdk|@smithy|src\/terraform\/|src\/env-args|node_modules\/(prompts|yargs|shell-quote)\//.test(i));
    assert.deepEqual(heavy, []);
  });
}

for (const code of [0, 1, 2, 3]) {
  test(`terraform's exit status ${code} is tfw's (-detailed-exitcode included)`, async (t) => {
    const { box, env } = await fakeEnv(t, { FAKE_TF_EXIT: String(code) });
    const r = await runTfw(['version', '-detailed-exitcode'], { cwd: box.root, env });
    assert.equal(r.code, code);
  });
}

test('terraform killed by a signal: a pass-through is terraform itself (the launcher execs it), so it ends by that signal', async (t) => {
  const { box, env } = await fakeEnv(t, { FAKE_TF_KILL_SELF: 'SIGTERM' });
  const r = await runTfw(['version'], { cwd: box.root, env });
  assert.deepEqual([r.code, r.signal], [null, 'SIGTERM']);
});

test('terraform killed by a signal under Node → 128+N', async (t) => {
  const { box, env } = await fakeEnv(t, { FAKE_TF_KILL_SELF: 'SIGTERM' });
  const { child, done } = startTfw(['version'], box.root, env, false);
  void child;
  assert.equal((await done).code, 143);
});

test('stdout is terraform\'s alone (nothing of tfw mixed in)', async (t) => {
  const { box, env } = await fakeEnv(t, { FAKE_TF_STDOUT: '{"a":1}\n' });
  const r = await runTfw(['version'], { cwd: box.root, env });
  assert.equal(r.stdout, '{"a":1}\n');
});

test('-chdir is handed on verbatim', async (t) => {
  const { box, record, env } = await fakeEnv(t);
  await mkdir(join(box.root, 'live'));
  await runTfw(['-chdir=live', 'fmt'], { cwd: box.root, env });
  const [start] = await readRecord(record);
  assert.deepEqual(start!.argv, ['-chdir=live', 'fmt']);
  assert.equal(start!.cwd, box.root);
});

test('installed as a symlink named terraform first on PATH: runs the real one, no recursion', async (t) => {
  const { box, record, env } = await fakeEnv(t);
  const aliasDir = join(box.root, 'alias');
  await mkdir(aliasDir);
  await symlink(TFW_LAUNCHER, join(aliasDir, 'terraform'));
  const r = await runTfw(['version'], { cwd: box.root, env: { ...env, PATH: `${aliasDir}:${env.PATH}` } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await readRecord(record)).length, 1);
});

test('TFW_TERRAFORM names the binary', async (t) => {
  const { box, record, env } = await fakeEnv(t, { PATH: '/usr/bin:/bin', TFW_TERRAFORM: join(FAKE_TERRAFORM_DIR, 'terraform') });
  const r = await runTfw(['version'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await readRecord(record)).length, 1);
});

test('no terraform anywhere: one tfw line, exit 127', async (t) => {
  const { box, env } = await fakeEnv(t, { PATH: '/nonexistent' });
  const r = await runTfw(['version'], { cwd: box.root, env });
  assert.equal(r.code, 127);
  assert.match(r.stderr, /^tfw: no terraform binary on PATH[^\n]*\n$/);
});

async function waitFor(file: string, event: string, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await readRecord(file)).some((e) => e.event === event)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fake terraform never recorded ${event}`);
}

function startTfw(args: string[], cwd: string, env: Record<string, string>, detached: boolean) {
  const child = spawn(process.execPath, [TFW_BIN, ...args], { cwd, env, stdio: 'ignore', detached });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, done };
}

test('Ctrl-C reaches terraform once, from the terminal; tfw waits and returns terraform\'s status', async (t) => {
  const { box, record, env } = await fakeEnv(t, { FAKE_TF_WAIT: '1', FAKE_TF_SIGNALS_TO_EXIT: '1' });
  // detached: tfw leads its own process group, like a shell job; SIGINT to the group is Ctrl-C.
  const { child, done } = startTfw(['apply'.replace('apply', 'version')], box.root, env, true);
  await waitFor(record, 'waiting');
  process.kill(-child.pid!, 'SIGINT');
  const r = await done;
  assert.deepEqual(r, { code: 3, signal: null });
  const signals = (await readRecord(record)).filter((e) => e.event === 'signal');
  assert.deepEqual(signals.map((s) => s.signal), ['SIGINT']);
});

test('SIGINT sent to tfw alone (kill -INT, a supervisor) is passed on to terraform, once', async (t) => {
  const { box, record, env } = await fakeEnv(t, { FAKE_TF_WAIT: '1', FAKE_TF_SIGNALS_TO_EXIT: '1' });
  const { child, done } = startTfw(['version'], box.root, env, false);
  await waitFor(record, 'waiting');
  child.kill('SIGINT');
  assert.equal((await done).code, 3);
  assert.deepEqual((await readRecord(record)).filter((e) => e.event === 'signal').map((e) => e.signal), ['SIGINT']);
});

for (const signal of ['SIGTERM', 'SIGHUP'] as const) {
  test(`${signal} sent to tfw alone is passed on; tfw waits for terraform`, async (t) => {
    const { box, record, env } = await fakeEnv(t, { FAKE_TF_WAIT: '1' });
    const { child, done } = startTfw(['version'], box.root, env, false);
    await waitFor(record, 'waiting');
    child.kill(signal);
    const r = await done;
    assert.equal(r.code, 3, 'terraform\'s own status after its graceful stop');
    const events = await readRecord(record);
    assert.deepEqual(events.filter((e) => e.event === 'signal').map((e) => e.signal), [signal]);
    assert.ok(events.some((e) => e.event === 'exit'));
  });
}

test('stdin and stderr are terraform\'s: its own prompts read the terminal\'s input', async (t) => {
  const { box, record, env } = await fakeEnv(t, { FAKE_TF_READ_STDIN: '1' });
  const r = await runTfw(['version'], { cwd: box.root, env, input: 'yes\n' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal((await readRecord(record)).find((e) => e.event === 'stdin')?.text, 'yes\n');
  assert.equal(r.stderr, 'fake terraform on stderr\n');
});
