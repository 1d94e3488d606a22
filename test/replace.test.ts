// terraform in tfw's place (src/replace.ts, src/heldfiles.ts, docs/signals.md): on Linux a
// credentialed run ends in terraform exec'd into tfw's own process, its AWS
// files unnamed and held by a keeper. What a user can tell apart from
// terraform alone: nothing — its pid, signals and exit are its own — and no
// per-run file ever has a name on disk.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { holdRunFiles } from '../src/heldfiles.ts';
import { cannotReplace, execveRuns } from '../src/replace.ts';
import { launched, moduleSandbox, readRecord, runTfw, withNode, TFW_LAUNCHER } from './support/harness.ts';
import { mfaUser, roleProfiles, useStsStandIn } from './support/world.ts';

const LINUX = process.platform === 'linux';
const HAS_EXECVE = typeof (process as unknown as { execve?: unknown }).execve === 'function';
const skip = !LINUX ? 'terraform takes tfw\'s place on Linux only' : !HAS_EXECVE ? `Node ${process.version} has no process.execve` : undefined;
if (skip) console.log(`# skipping terraform-in-tfw's-place tests: ${skip}`);

const ALICE = mfaUser('0053');
const ROLE = 'arn:aws:iam::222222222222:role/switch';
const { config: CONFIG, credentials: CREDENTIALS } = roleProfiles(ALICE, { switch: ROLE });
const MAIN = 'provider "aws" {\n  profile = "switch"\n}\n';
const world = useStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] }, 853000, skip ? { skip } : {});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (!pidAlive(pid)) return true;
    await sleep(50);
  }
  return !pidAlive(pid);
}

/** Runs the launcher as a caller would and waits for it: its pid (terraform's, in tfw's place), its status and stderr. */
async function launch(s: { dir: string; env: Record<string, string> }, args: string[]): Promise<{ pid: number; code: number | null; stderr: string }> {
  const child = spawn(TFW_LAUNCHER, args, { cwd: s.dir, env: withNode(s.env), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { pid: child.pid!, code, stderr };
}

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-replace-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

describe('the held per-run files', { skip }, () => {
  test('are unnamed 0600 files that read back through the keeper, and go with it', async (t) => {
    const base = tempDir(t);
    const held = holdRunFiles(base, { config: '[profile a]\nregion = us-east-1\n', credentials: '[a]\naws_access_key_id = AKIAHELD\n' });
    assert.ok(held, 'held');
    t.after(() => held.release());
    assert.match(held.configFile, /^\/proc\/\d+\/fd\/3$/);
    assert.match(held.credentialsFile, /^\/proc\/\d+\/fd\/4$/);
    assert.equal(readFileSync(held.configFile, 'utf8'), '[profile a]\nregion = us-east-1\n');
    assert.equal(readFileSync(held.credentialsFile, 'utf8'), '[a]\naws_access_key_id = AKIAHELD\n');
    assert.equal(statSync(held.credentialsFile).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(base), [], 'nothing named in the directory');
    // Each open is its own: terraform, the backend and every provider read the file from its start.
    assert.equal(readFileSync(held.configFile, 'utf8'), readFileSync(held.configFile, 'utf8'));
    held.release();
    assert.ok(await gone(held.keeper, 5000), 'the keeper ends on release');
    assert.equal(existsSync(held.configFile), false);
  });

  test('the keeper leaves within a second or two of the process it was started for, and ignores stop requests meanwhile', async (t) => {
    const base = tempDir(t);
    // A process that holds the files and then waits: the keeper's parent, as tfw (then terraform) is.
    const holder = spawn(process.execPath, ['--import', 'tsx', '-e', `
      const { holdRunFiles } = await import(${JSON.stringify(new URL('../src/heldfiles.ts', import.meta.url).href)});
      const held = holdRunFiles(${JSON.stringify(base)}, { config: 'c', credentials: 'k' });
      console.log(held ? held.keeper : 'none');
      setInterval(() => {}, 1000);
    `], { stdio: ['ignore', 'pipe', 'inherit'] });
    t.after(() => holder.kill('SIGKILL'));
    const keeper = Number(await new Promise<string>((resolve) => holder.stdout!.once('data', (d) => resolve(String(d).trim()))));
    assert.ok(Number.isInteger(keeper) && keeper > 0, `keeper pid: ${keeper}`);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.kill(keeper, signal);
    await sleep(1500);
    assert.ok(pidAlive(keeper), 'the keeper outlives stop requests while its process runs (a graceful stop may still need the files)');
    assert.equal(readFileSync(`/proc/${keeper}/fd/3`, 'utf8'), 'c');
    holder.kill('SIGKILL');
    assert.ok(await gone(keeper, 4000), 'the keeper ends once its process has');
  });

  test('execve(2) runs only an executable with #! or ELF magic: anything else is left to a spawned child', (t) => {
    const dir = tempDir(t);
    const script = join(dir, 'with-shebang');
    writeFileSync(script, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const bare = join(dir, 'no-shebang');
    writeFileSync(bare, 'exit 0\n', { mode: 0o755 });
    const notExecutable = join(dir, 'not-executable');
    writeFileSync(notExecutable, '#!/bin/sh\n', { mode: 0o644 });
    chmodSync(notExecutable, 0o644);
    assert.equal(execveRuns(script), true);
    assert.equal(execveRuns(process.execPath), true, 'an ELF binary');
    assert.equal(execveRuns(bare), false, 'execvp would hand it to /bin/sh; execve fails');
    const brokenInterpreter = join(dir, 'broken-interpreter');
    writeFileSync(brokenInterpreter, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    assert.equal(execveRuns(brokenInterpreter), false, 'a missing interpreter: a spawned child fails with one tfw line, an exec would abort Node');
    const viaScript = join(dir, 'via-script');
    writeFileSync(viaScript, `#!${script} -x\n`, { mode: 0o755 });
    assert.equal(execveRuns(viaScript), true, 'an interpreter that is itself a #! script, as the kernel follows it');
    assert.equal(execveRuns(notExecutable), false, 'no x bit (not even root may exec it)');
    assert.equal(execveRuns(join(dir, 'missing')), false);
  });

  test('may not replace where a child would start differently: TFW_NO_EXEC, tfw\'s own use of the terminal, non-blocking stdin', () => {
    assert.equal(cannotReplace({ TFW_NO_EXEC: '1' }, false), 'TFW_NO_EXEC is set');
    assert.equal(cannotReplace({}, true), 'tfw used the terminal');
    // Pipes on stdin and stdout that Node's streams made non-blocking: an exec'd program would inherit that, a spawned one not.
    const probe = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
      const { readFileSync } = await import('node:fs');
      const { cannotReplace } = await import(${JSON.stringify(new URL('../src/replace.ts', import.meta.url).href)});
      const flags = (fd) => parseInt(/^flags:\\s*([0-7]+)$/m.exec(readFileSync('/proc/self/fdinfo/' + fd, 'latin1'))[1], 8) & 0o4000;
      const pristine = cannotReplace({}, false) ?? null;
      process.stdout._handle.setBlocking(false); // as Node's stream leaves a pipe when something builds process.stdout
      const stdoutBuilt = [flags(1) !== 0, cannotReplace({}, false) ?? null, flags(1) !== 0];
      process.stdin;
      console.error(JSON.stringify({ pristine, stdoutBuilt, stdinBuilt: cannotReplace({}, false) ?? null }));
    `], { stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8', input: '' });
    const seen = JSON.parse(probe.stderr.trim().split('\n').pop()!) as Record<string, unknown>;
    assert.deepEqual(seen, {
      pristine: null,
      // Node's pipe stream is non-blocking; put back as libuv does for a spawned child's stdio, the exec may go on.
      stdoutBuilt: [true, null, false],
      stdinBuilt: 'fd 0 is non-blocking',
    });
  });
});

describe('a credentialed run', { skip }, () => {
  async function setup(t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) {
    return moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: world.url, TFW_MFA_CODE: world.fresh(), ...extra } });
  }

  test('terraform is tfw\'s own process, reads the session from unnamed files, and nothing is ever named in the run directory', async (t) => {
    const s = await setup(t);
    const started = await launch(s, ['plan']);
    assert.equal(started.code, 0, started.stderr);
    const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
    assert.equal(start!.pid, started.pid, 'terraform has the pid the caller started (the launcher exec\'d node, node exec\'d terraform)');
    assert.equal(start!.ppid, process.pid, 'and the caller as its parent');
    assert.equal(start!.coreLimit, '0', 'core dumps off, as the launcher set them before Node held a secret');
    assert.match(start!.config.path, /^\/proc\/\d+\/fd\/3$/);
    assert.equal(start!.config.mode, 0o600);
    assert.match(start!.config.text, /\[profile switch\]/);
    assert.match(start!.credentials.text, /aws_session_token/);
    assert.doesNotMatch(start!.credentials.text, new RegExp(ALICE.secretAccessKey.replace(/\//g, '\\/')), 'the session, not the long-term key');
    assert.deepEqual(readdirSync(s.box.runtime), [], 'no run directory, no file: nothing named, ever');
    const keeper = Number(/^\/proc\/(\d+)\//.exec(start!.config.path)![1]);
    assert.ok(await gone(keeper, 4000), 'the keeper (and the files with it) is gone soon after terraform');
  });

  test('SIGPIPE and SIGXFSZ reach terraform at their defaults, no signal blocked, as a child started by Node would have them', async (t) => {
    const s = await setup(t);
    const out = join(s.box.root, 'signals');
    // sh (not Node, which sets its own) shows what it was started with.
    const fake = join(s.box.root, 'bin', 'terraform');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(s.box.root, 'bin'));
    // Builtins only: a command run from the script would show the mask dash holds while it waits for that command.
    writeFileSync(fake, `#!/bin/sh\nwhile read -r k v; do case $k in SigIgn:|SigBlk:) echo "$k $v";; esac; done < /proc/$$/status > ${JSON.stringify(out)}\n`, { mode: 0o755 });
    const ran = await runTfw(['plan'], { cwd: s.dir, env: { ...s.env, TFW_TERRAFORM: fake, TFW_DEBUG: '1' } });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /terraform takes tfw's place/);
    const text = readFileSync(out, 'utf8');
    assert.match(text, /^SigIgn:\s*0+$/m, 'nothing ignored (Node ignores SIGPIPE and SIGXFSZ)');
    assert.match(text, /^SigBlk:\s*0+$/m);
  });

  test('TFW_NO_EXEC=1 keeps terraform a child of tfw, with the per-run files named in their private directory and removed after', async (t) => {
    const s = await setup(t, { TFW_NO_EXEC: '1' });
    const started = await launch(s, ['plan']);
    assert.equal(started.code, 0, started.stderr);
    const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
    assert.equal(start!.ppid, started.pid, 'tfw is terraform\'s parent');
    assert.ok(start!.config.path.startsWith(join(s.box.runtime, 'tfw-run-')), start!.config.path);
    assert.equal(start!.config.dirMode, 0o700);
    assert.deepEqual(readdirSync(s.box.runtime), []);
  });

  test('under timeout(1), which signals its child and then the whole group, tfw stays terraform\'s parent (the relay makes the two one)', async (t) => {
    const timeout = spawnSync('sh', ['-c', 'command -v timeout'], { encoding: 'utf8' }).stdout.trim();
    if (!timeout) return t.skip('no timeout(1) here');
    const s = await setup(t);
    const ran = await runTfw(['plan'], { cwd: s.dir, env: { ...s.env, TFW_DEBUG: '1' }, wrap: [timeout, '60'] });
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /terraform runs as tfw's child: its parent is timeout\(1\)/);
    const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
    assert.ok(start!.config.path.startsWith(join(s.box.runtime, 'tfw-run-')), start!.config.path);
  });

  for (const [who, signal, group] of [
    ["tfw's pid (a supervisor, kill)", 'SIGTERM', false],
    ['the process group (Ctrl-C, a CI cancel)', 'SIGINT', true],
  ] as const) {
    test(`a stop request to ${who} is terraform's, once, and the files are still there for its graceful stop`, async (t) => {
      const s = await setup(t, { FAKE_TF_WAIT: '1', FAKE_TF_SIGNALS_TO_EXIT: '1', FAKE_TF_STOP_MS: '800' });
      const started = spawn(TFW_LAUNCHER, ['apply'], { cwd: s.dir, env: withNode(s.env), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      t.after(() => {
        try {
          process.kill(-started.pid!, 'SIGKILL');
        } catch {
          // the group is gone
        }
      });
      const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => started.on('close', (code, sig) => resolve({ code, signal: sig })));
      const end = Date.now() + 60_000;
      while (!(await readRecord(s.record)).some((e) => e.event === 'waiting') && Date.now() < end) await sleep(25);
      const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
      assert.equal(start!.pid, started.pid, 'terraform in tfw\'s place');
      process.kill(group ? -started.pid! : started.pid!, signal);
      const result = await closed;
      const signals = (await readRecord(s.record)).filter((e) => e.event === 'signal');
      assert.deepEqual(signals.map((e) => e.signal), [signal], 'exactly one, with no wait for a relay');
      assert.equal(signals[0]!.configStillThere, true, 'the keeper ignores the group\'s stop request');
      assert.equal(result.code, 3, 'terraform\'s own exit status after its graceful stop');
    });
  }

  test('a run that needs no MFA (terraform untouched) is terraform in tfw\'s place too: same pid, the environment exactly as given', async (t) => {
    const s = await moduleSandbox(t, { config: '[profile plain]\nregion = us-east-1\n', credentials: '', mainTf: 'provider "aws" {\n  profile = "plain"\n}\n', env: { TFW_QUIET: '1' } });
    for (const round of ['read and planned', 'served by the plan memo']) {
      await rm(s.record, { force: true });
      // Past the racy window of the files just written, so that the first run leaves a plan memo for the second.
      await sleep(150);
      const started = await launch(s, ['plan']);
      assert.equal(started.code, 0, started.stderr);
      const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
      assert.equal(start!.pid, started.pid, `${round}: terraform has the pid the caller started`);
      assert.deepEqual(start!.env, launched(s.env, s.dir), `${round}: the environment untouched`);
    }
  });

  test('SIGKILL to the run (terraform in tfw\'s place) leaves nothing on disk: no named file to sweep, and the keeper follows', async (t) => {
    const s = await setup(t, { FAKE_TF_WAIT: '1' });
    const started = spawn(TFW_LAUNCHER, ['plan'], { cwd: s.dir, env: withNode(s.env), stdio: 'ignore' });
    const closed = new Promise<void>((resolve) => started.on('close', () => resolve()));
    const end = Date.now() + 60_000;
    while (!(await readRecord(s.record)).some((e) => e.event === 'waiting') && Date.now() < end) await sleep(25);
    const [start] = (await readRecord(s.record)).filter((e) => e.event === 'start');
    const keeper = Number(/^\/proc\/(\d+)\//.exec(start!.config.path)![1]);
    started.kill('SIGKILL');
    await closed;
    assert.deepEqual(readdirSync(s.box.runtime), []);
    assert.ok(await gone(keeper, 4000), 'the keeper leaves once its process is gone');
  });
});
