// Every sender of a stop request, with the fake terraform counting what it
// hears (docs/signals.md): terraform must hear each request exactly once,
// tfw must wait for it, then remove the per-run files, and never abort.
// TFW_TEST_BIN=/path/to/bin/tfw.js runs the same cases against another build
// (the figures in docs/signals.md compare the build before this design).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, readRecord, TFW_BIN, which } from './support/harness.ts';
import { mfaUser, roleProfiles, useStsStandIn } from './support/world.ts';

const BIN = process.env.TFW_TEST_BIN ?? TFW_BIN;
const ALICE = mfaUser('0013');
const ROLE = 'arn:aws:iam::222222222222:role/switch';
const { config: CONFIG, credentials: CREDENTIALS } = roleProfiles(ALICE, { switch: ROLE });
const MAIN = 'provider "aws" {\n  profile = "switch"\n}\n';

const world = useStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] }, 813000);

/** A credentialed run whose fake terraform waits for signals; its graceful stop takes long enough to see a late duplicate. */
async function setup(t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) {
  return moduleSandbox(t, {
    config: CONFIG,
    credentials: CREDENTIALS,
    mainTf: MAIN,
    env: { AWS_ENDPOINT_URL_STS: world.url, TFW_MFA_CODE: world.fresh(), FAKE_TF_WAIT: '1', FAKE_TF_SIGNALS_TO_EXIT: '1', FAKE_TF_STOP_MS: '1500', TFW_QUIET: '1', ...extra },
  });
}

async function waitFor(file: string, event: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if ((await readRecord(file)).some((e) => e.event === event)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`fake terraform never recorded ${event}`);
}

interface Job {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `command args` leading its own process group, as a shell starts a job. */
function startJob(t: { after(fn: () => void): void }, command: string, args: string[], cwd: string, env: Record<string, string>): Job {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr })),
  );
  // Bounded: a run that never ends (a request swallowed) fails the test instead of hanging it.
  const done = Promise.race([
    closed,
    new Promise<{ code: null; signal: null; stderr: string }>((resolve) =>
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // gone
        }
        resolve({ code: null, signal: null, stderr: `${stderr}(still running after 30 s: killed)` });
      }, 30_000).unref(),
    ),
  ]);
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return { child, done };
}

/** The pids of a process group (Linux /proc), lowest first, as systemd's cgroup walk finds them. */
function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids.sort((a, b) => a - b);
}

async function signalsHeard(record: string): Promise<string[]> {
  return (await readRecord(record)).filter((e) => e.event === 'signal').map((e) => e.signal as string);
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;
type Sender = 'tfw alone' | 'the process group' | 'every process (a cgroup stop)';
const SENDERS: Sender[] = ['tfw alone', 'the process group', 'every process (a cgroup stop)'];
const hasProc = (() => {
  try {
    readdirSync('/proc/self');
    return true;
  } catch {
    return false;
  }
})();

// Both ways terraform runs (docs/signals.md): in tfw's place (Linux, by default) and as tfw's child (the relay and its
// witness: other systems, a prompted run, timeout(1) as the parent; TFW_NO_EXEC=1 here).
const MODES = [
  ['', {}],
  [' (terraform as tfw\'s child)', { TFW_NO_EXEC: '1' }],
] as const;

describe('each stop request reaches terraform exactly once, whoever sends it', { concurrency: 4 }, () => {
  for (const [mode, modeEnv] of MODES) {
    for (const sender of SENDERS) {
      for (const signal of SIGNALS) {
        const skip = sender.startsWith('every') && !hasProc ? 'no /proc to list the processes' : false;
        test(`${signal} to ${sender}${mode}: terraform hears one ${signal}, tfw waits for it, returns its status and removes the per-run files`, { skip }, async (t) => {
          const { box, dir, record, env } = await setup(t, modeEnv);
          const job = startJob(t, process.execPath, [BIN, 'apply'], dir, env);
          await waitFor(record, 'waiting');
          const pid = job.child.pid!;
          if (sender === 'tfw alone') process.kill(pid, signal);
          else if (sender === 'the process group') process.kill(-pid, signal);
          else for (const member of groupMembers(pid)) process.kill(member, signal);
          const r = await job.done;
          assert.deepEqual(await signalsHeard(record), [signal]);
          assert.deepEqual({ code: r.code, signal: r.signal }, { code: 3, signal: null }, `terraform's own status: ${r.stderr}`);
          assert.equal(r.stderr, '');
          const heard = (await readRecord(record)).find((e) => e.event === 'signal');
          assert.equal(heard?.configStillThere, true, 'the per-run files stay while terraform stops');
          assert.deepEqual(await readdir(box.runtime), [], 'the per-run files are gone');
        });
      }
    }
  }

  for (const foreground of [false, true]) {
    const timeout = which('timeout');
    test(`timeout(1)${foreground ? ' --foreground' : ''}: terraform hears one SIGTERM`, { skip: timeout ? false : 'timeout(1) is not on PATH' }, async (t) => {
      const { box, dir, record, env } = await setup(t);
      // A long limit, cut short by the alarm timeout(1) itself waits for: the run is ready when the signal comes.
      const job = startJob(t, timeout!, [...(foreground ? ['--foreground'] : []), '600', process.execPath, BIN, 'apply'], dir, env);
      await waitFor(record, 'waiting');
      process.kill(job.child.pid!, 'SIGALRM');
      const r = await job.done;
      assert.deepEqual(await signalsHeard(record), ['SIGTERM']);
      assert.equal(r.code, 124, r.stderr);
      assert.deepEqual(await readdir(box.runtime), []);
    });
  }
});

/** Runs `sh -c command` on a pseudo-terminal (script(1)); returns the script process and what the terminal showed. */
function onPty(t: { after(fn: () => void): void }, command: string, cwd: string, env: Record<string, string>) {
  const script = which('script');
  const { CI: _ci, ...rest } = env;
  // script(1) runs $SHELL -c: pinned to /bin/sh, so a run here is a run in CI (where SHELL may be unset).
  const child = spawn(script!, ['-qfec', command, '/dev/null'], { cwd, env: { TERM: 'xterm', ...rest, SHELL: '/bin/sh' }, stdio: ['pipe', 'pipe', 'ignore'], detached: true });
  let screen = '';
  child.stdout!.on('data', (d) => (screen += d));
  const done = Promise.race([
    new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c))),
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 30_000).unref()),
  ]);
  t.after(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  return { child, done, screen: () => screen };
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

// `trap : INT` makes the non-interactive sh wait through a Ctrl-C, as a user's interactive shell does;
// without it dash dies of the SIGINT and the kernel hangs up the terminal's foreground job (a SIGHUP).
describe('at a terminal', { concurrency: 3, skip: which('script') ? false : 'script(1) is not on PATH' }, () => {
  test('Ctrl-C: terraform hears one SIGINT (from the terminal), tfw returns its status', async (t) => {
    const { box, dir, record, env } = await setup(t, { FAKE_TF_SIGNALS_TO_EXIT: '1' });
    const status = join(box.root, 'status');
    const pty = onPty(t, `trap : INT; ${quote(process.execPath)} ${quote(BIN)} apply; echo $? > ${quote(status)}`, dir, env);
    await waitFor(record, 'waiting');
    pty.child.stdin!.write('\x03');
    await pty.done;
    assert.deepEqual(await signalsHeard(record), ['SIGINT']);
    assert.equal((await readFile(status, 'utf8')).trim(), '3');
    assert.deepEqual(await readdir(box.runtime), []);
  });

  test('terraform\'s own prompt reads the terminal, and Ctrl-C at it still stops terraform once', async (t) => {
    const { box, dir, record, env } = await setup(t, { FAKE_TF_PROMPT: 'Enter a value: ', FAKE_TF_SIGNALS_TO_EXIT: '1' });
    const status = join(box.root, 'status');
    const pty = onPty(t, `trap : INT; ${quote(process.execPath)} ${quote(BIN)} apply; echo $? > ${quote(status)}`, dir, env);
    const end = Date.now() + 60_000;
    while (!pty.screen().includes('Enter a value:') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    pty.child.stdin!.write('yes\r');
    await waitFor(record, 'waiting');
    assert.equal((await readRecord(record)).find((e) => e.event === 'answer')?.text.trim(), 'yes');
    pty.child.stdin!.write('\x03');
    await pty.done;
    assert.deepEqual(await signalsHeard(record), ['SIGINT']);
    assert.equal((await readFile(status, 'utf8')).trim(), '3');
  });

  test('the terminal closes mid-run (SIGHUP to its processes): terraform hears one, the files go, tfw does not abort', async (t) => {
    const { box, dir, record, env } = await setup(t);
    const err = join(box.root, 'stderr.log');
    // The session leader is the shell; when the terminal hangs up it dies, and the kernel hangs up its foreground job.
    const pty = onPty(t, `${quote(process.execPath)} ${quote(BIN)} apply 2>${quote(err)}`, dir, env);
    await waitFor(record, 'waiting');
    process.kill(pty.child.pid!, 'SIGKILL'); // script(1) gone: the terminal's other end is closed
    await waitFor(record, 'exit');
    const end = Date.now() + 30_000;
    while ((await readdir(box.runtime)).length > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await signalsHeard(record), ['SIGHUP']);
    assert.deepEqual(await readdir(box.runtime), []);
    await new Promise((r) => setTimeout(r, 500));
    const stderr = await readFile(err, 'utf8').catch(() => '');
    assert.doesNotMatch(stderr, /Assertion|Abort|internal error/, stderr);
    assert.deepEqual((await readdir(dir)).filter((f) => /core/.test(f)), []);
  });
});

test('tfw plan 2>&1 | true: tfw\'s own note meets a closed pipe, terraform still runs and its status is tfw\'s', async (t) => {
  const { dir, record, env } = await setup(t, { FAKE_TF_WAIT: undefined, FAKE_TF_EXIT: '0', TFW_QUIET: undefined });
  const r = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [BIN, 'plan'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    // The reader is gone before tfw writes anything.
    child.stdout!.destroy();
    child.stderr!.destroy();
    child.on('close', resolve);
  });
  assert.equal((await readRecord(record)).filter((e) => e.event === 'start').length, 1, 'terraform ran');
  assert.equal(r, 0);
});
