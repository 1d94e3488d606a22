// The "Faults" properties, end to end through the built tfw, the fake
// terraform and the STS stand-in: a slow, failing, throttling or skewed STS;
// a lock holder that crashed; terraform missing, not executable, or tfw itself.
// Each failure is one `tfw:` line, a non-zero status, and no file left.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, readRecord, runTfw, sandbox, TFW_BIN, type Ran } from './support/harness.ts';
import { startStsStandIn, type StandInOptions, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0010', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000010', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLE = 'arn:aws:iam::222222222222:role/switch';
let code = 800000;
const fresh = (): string => String(code++);

const CONFIG = `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\n`;
const CREDENTIALS = `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
const MAIN = 'provider "aws" {\n  profile = "switch"\n}\n';

let shared: StsStandIn;
before(async () => {
  shared = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] });
});
after(() => shared?.stop());

async function standIn(t: { after(fn: () => Promise<void>): void }, extra: Partial<StandInOptions>): Promise<StsStandIn> {
  const s = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }], ...extra });
  t.after(() => s.stop());
  return s;
}

const setup = (t: Parameters<typeof moduleSandbox>[0], stsUrl: string, config = CONFIG) =>
  moduleSandbox(t, { config, credentials: CREDENTIALS, mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: stsUrl, TFW_QUIET: '1' } });

/** One `tfw: …` line and nothing else (no stack trace), non-zero. */
function failsWithOneLine(r: Ran, pattern: RegExp, status = 1): void {
  assert.equal(r.code, status, r.stderr);
  assert.match(r.stderr, /^tfw: [^\n]*\n$/, `not one tfw line: ${r.stderr}`);
  assert.match(r.stderr, pattern);
}

const who = 'profile source, device arn:aws:iam::111111111111:mfa/alice';

test('STS too slow: the wait ends at TFW_STS_TIMEOUT with one line saying so; terraform not run, nothing left', async (t) => {
  const slow = await standIn(t, { latencyMs: 8000 });
  const { box, dir, record, env } = await setup(t, slow.url);
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_STS_TIMEOUT: '1', TFW_MFA_CODE: fresh() } });
  failsWithOneLine(r, new RegExp(`^tfw: STS at ${slow.url} did not answer within 1 s \\(TFW_STS_TIMEOUT sets how long to wait\\) \\(${who.replace(/[/.]/g, '\\$&')}\\)\\n$`));
  assert.equal(slow.calls.GetSessionToken, 1, 'a call that spends a code is not sent twice');
  assert.deepEqual(await readRecord(record), []);
  assert.deepEqual(await readdir(box.runtime), []);
  assert.equal(existsSync(join(box.cache, 'tfw')) ? (await readdir(join(box.cache, 'tfw'))).filter((n) => n.endsWith('.json')).length : 0, 0);
});

test('STS answers 5xx: one line naming the error, the code not sent again (it may have been used)', async (t) => {
  const broken = await standIn(t, { fault: () => ({ status: 503, code: 'ServiceUnavailable', message: 'Service is unable to handle request.' }) });
  const { box, dir, record, env } = await setup(t, broken.url);
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
  failsWithOneLine(r, /^tfw: STS failed with a server error \(profile source, device .*alice\): ServiceUnavailable: Service is unable to handle request\.; try again with the next code\n$/);
  assert.equal(broken.calls.GetSessionToken, 1);
  assert.deepEqual(await readRecord(record), []);
  assert.deepEqual(await readdir(box.runtime), []);
});

test('STS throttles: retried with backoff and the run succeeds; throttling that persists stops after 3 attempts with one line', async (t) => {
  let throttle = 2;
  const busy = await standIn(t, { fault: () => (throttle-- > 0 ? { status: 400, code: 'Throttling', message: 'Rate exceeded' } : undefined) });
  const { box, dir, record, env } = await setup(t, busy.url);
  const ok = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(busy.calls.GetSessionToken, 3, 'two throttled, the third accepted');
  assert.equal((await readRecord(record)).length, 1);

  throttle = 1000;
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_NO_CACHE: '1', TFW_MFA_CODE: fresh() } });
  failsWithOneLine(r, /^tfw: STS kept throttling GetSessionToken \(profile source, device .*alice\) after retries; try again in a moment\n$/);
  assert.equal(busy.calls.GetSessionToken, 6, 'bounded: 3 more attempts');
  assert.deepEqual(await readdir(box.runtime), []);
});

test('clock skew: STS\'s clock an hour ahead; the SDK corrects its clock from STS\'s answer and the run succeeds with one code', async (t) => {
  const skewed = await standIn(t, { now: () => Date.now() + 3600_000, maxSkewMs: 15 * 60_000 });
  const { dir, record, env } = await setup(t, skewed.url);
  const mfa = fresh();
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: mfa } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(skewed.requests.filter((q) => q.action === 'GetSessionToken').map((q) => q.params.TokenCode), [mfa, mfa], 'refused for its time, accepted when resent');
  assert.equal((await readRecord(record)).length, 1);
});

test('a lock holder killed while it waits for a code blocks the next run no longer than the lock\'s stale time', { timeout: 120_000 }, async (t) => {
  // The first run's code source hangs (a person away from the keyboard), holding the cache lock.
  const hanging = CONFIG.replace('[profile source]\n', '[profile source]\nmfa_process = sleep 300; echo 123456\n');
  const { box, dir, record, env } = await setup(t, shared.url, hanging);
  const lockDir = join(box.cache, 'tfw');
  const holder = spawn(process.execPath, [TFW_BIN, 'plan'], { cwd: dir, env, stdio: 'ignore', detached: true });
  const gone = new Promise((resolve) => holder.on('close', resolve));
  t.after(() => {
    try {
      process.kill(-holder.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  });
  const locked = async () => existsSync(lockDir) && (await readdir(lockDir)).some((n) => n.endsWith('.lock'));
  for (let i = 0; i < 1200 && !(await locked()); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(await locked(), 'the first run holds the lock');
  process.kill(-holder.pid!, 'SIGKILL'); // tfw and its mfa_process: nothing can release the lock
  await gone;
  assert.ok(await locked(), 'the dead holder\'s lock is still there');
  // The next run takes the stale lock over (15 s after the holder's last sign of life), well within this bound.
  const before = shared.calls.GetSessionToken;
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() }, timeoutMs: 60_000 });
  assert.equal(r.code, 0, `blocked or failed: ${r.signal ?? ''} ${r.stderr}`);
  assert.equal(shared.calls.GetSessionToken - before, 1);
  assert.equal((await readRecord(record)).length, 1);
  assert.equal(await locked(), false, 'released');
});

test('terraform missing, not executable, or only tfw itself on PATH: one tfw line, 127/126 like a shell', async (t) => {
  const box = await sandbox(t);
  const noexec = join(box.root, 'noexec');
  const self = join(box.root, 'self');
  await mkdir(noexec);
  await mkdir(self);
  await writeFile(join(noexec, 'terraform'), '#!/bin/sh\nexit 0\n', { mode: 0o644 });
  await symlink(TFW_BIN, join(self, 'terraform'));
  const cases: Array<[string, number, RegExp]> = [
    ['/nonexistent', 127, /^tfw: no terraform binary on PATH \(other than tfw itself\); install terraform or set TFW_TERRAFORM\n$/],
    [noexec, 126, new RegExp(`^tfw: ${join(noexec, 'terraform')} is not an executable file \\(permission denied\\)\\n$`)],
    [self, 127, /^tfw: no terraform binary on PATH \(other than tfw itself\)/],
  ];
  for (const [path, status, pattern] of cases) {
    for (const args of [['version'], ['plan']]) {
      const r = await runTfw(args, { cwd: box.root, env: box.env({ PATH: path }) });
      failsWithOneLine(r, pattern, status);
    }
  }
});
