// MFA sessions in the OS keyring: a real Secret Service (GNOME Keyring on a
// private D-Bus session, test/support/secret-service.ts), the built tfw, the
// fake terraform and the STS stand-in. Nothing but the lock under the cache
// directory; status and clear see both backends; a second run asks nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree, moduleSandbox, readRecord, runTfw } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';
import { secretServiceMissing, startSecretService, type SecretService } from './support/secret-service.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAKEYRINGEXAMPLE07', secretAccessKey: 'keyring/kept/secret/EXAMPLEKEY00000007', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLES = ['arn:aws:iam::222222222222:role/network', 'arn:aws:iam::333333333333:role/apps', 'arn:aws:iam::444444444444:role/audit'];
const NAMES = ['network', 'apps', 'audit'];

let skip = secretServiceMissing();
let sts: StsStandIn;
let keyring: SecretService | undefined;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: ROLES.map((arn) => ({ arn, requireMfa: true })) });
  if (skip) return;
  try {
    keyring = await startSecretService();
  } catch (error) {
    skip = (error as Error).message;
  }
});
after(async () => {
  await keyring?.stop();
  await sts?.stop();
});
process.on('exit', () => {
  if (skip) console.log(`# keyring tests skipped: ${skip}`);
});

let code = 700000;
const freshCode = () => String(code++);
const MAIN = NAMES.map((n) => `provider "aws" {\n  alias   = "${n}"\n  profile = "${n}"\n}\n`).join('');

/** A chain rooted in a credential_process (counting its calls), three roles. */
async function setup(t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) {
  const s = await moduleSandbox(t, { config: '', credentials: '', mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: sts.url, ...extra } });
  const calls = join(s.box.root, 'process-calls');
  const script = join(s.box.root, 'vault-export.sh');
  await writeFile(script, `#!/bin/sh\necho run >> '${calls}'\nprintf '%s' '{"Version":1,"AccessKeyId":"${ALICE.accessKeyId}","SecretAccessKey":"${ALICE.secretAccessKey}"}'\n`);
  await chmod(script, 0o700);
  const config = `[profile base]\ncredential_process = ${script}\nmfa_serial = ${ALICE.mfaSerial}\nregion = us-east-1\n${NAMES.map((n, i) => `\n[profile ${n}]\nsource_profile = base\nrole_arn = ${ROLES[i]}\nmfa_serial = ${ALICE.mfaSerial}\n`).join('')}`;
  await s.box.writeAws(config, '');
  const processCalls = async () => (await readFile(calls, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  return { ...s, processCalls };
}

/** Files under the cache directory other than the lock (the `*.lock` directory, present only while held). */
// Session files only: not the locks, nor code/ (the bundle's code cache, src/codecache.ts), nor plans/ (the plan memo, src/memo.ts: no secret).
const cacheFiles = async (cache: string) => (await listTree(cache)).filter((f) => !/\.lock(\/|$)/.test(f) && !/\/tfw\/(code|plans)(\/|$)/.test(f) && !f.endsWith('/tfw'));

test('sessions in the Secret Service: nothing but the lock under the cache dir, a second run asks nothing, status and clear see them', { timeout: 120_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { box, dir, env: base, record, processCalls } = await setup(t, { DBUS_SESSION_BUS_ADDRESS: keyring!.address });
  const before = sts.calls.GetSessionToken;
  const first = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_MFA_CODE: freshCode() } });
  assert.equal(first.code, 0, first.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1);
  assert.equal(await processCalls(), 1);
  assert.deepEqual(await cacheFiles(box.cache), [], 'no session file: the session is in the keyring');

  // A second run, no code source and no terminal: the keyring serves it.
  const second = await runTfw(['plan', '-input=false'], { cwd: dir, env: base });
  assert.equal(second.code, 0, second.stderr);
  assert.equal(sts.calls.GetSessionToken - before, 1, 'a second run asks nothing');
  assert.equal(await processCalls(), 1, 'nor runs the process');
  const records = await readRecord(record);
  assert.equal(records.length, 2);
  assert.equal(records[0]!.credentials.text, records[1]!.credentials.text, 'the same session both times');

  const status = await runTfw(['auth', 'status'], { cwd: dir, env: base });
  assert.match(status.stdout, /^arn:aws:iam::111111111111:mfa\/alice\s+\(.*profile base; .*OS keyring\)\s+valid until/);
  const json = JSON.parse((await runTfw(['auth', 'status', '--json'], { cwd: dir, env: base })).stdout);
  assert.deepEqual(json.sessions.map((s: { backend: string; device: string }) => [s.backend, s.device]), [['keyring', ALICE.mfaSerial]]);

  // The file backend on request; status sees both, clear empties both.
  const filed = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_CACHE_BACKEND: 'file', TFW_MFA_CODE: freshCode() } });
  assert.equal(filed.code, 0, filed.stderr);
  assert.equal((await cacheFiles(box.cache)).length, 1, 'TFW_CACHE_BACKEND=file: one session file');
  const both = JSON.parse((await runTfw(['auth', 'status', '--json'], { cwd: dir, env: base })).stdout);
  assert.deepEqual(both.sessions.map((s: { backend: string }) => s.backend).sort(), ['file', 'keyring']);
  const cleared = await runTfw(['auth', 'clear'], { cwd: dir, env: base });
  assert.equal(cleared.stdout.split('\n').filter((l) => l.startsWith('Removed the session')).length, 2, cleared.stdout);
  assert.match(cleared.stdout, /OS keyring/);
  assert.match((await runTfw(['auth', 'status'], { cwd: dir, env: base })).stdout, /No cached sessions/);
  assert.deepEqual(await cacheFiles(box.cache), []);

  // Nothing of the process's keys anywhere tfw wrote or said.
  for (const r of [first, second, status, filed, cleared]) assert.ok(!(r.stdout + r.stderr).includes(ALICE.secretAccessKey));
});

test('a session left in the files by an earlier tfw moves into the keyring', { timeout: 120_000 }, async (t) => {
  if (skip) return t.skip(skip);
  const { box, dir, env: base } = await setup(t, { DBUS_SESSION_BUS_ADDRESS: keyring!.address });
  const filed = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_CACHE_BACKEND: 'file', TFW_MFA_CODE: freshCode() } });
  assert.equal(filed.code, 0, filed.stderr);
  assert.equal((await cacheFiles(box.cache)).length, 1);
  const before = sts.calls.GetSessionToken;
  const moved = await runTfw(['plan', '-input=false'], { cwd: dir, env: base });
  assert.equal(moved.code, 0, moved.stderr);
  assert.equal(sts.calls.GetSessionToken, before, 'no new session');
  assert.deepEqual(await cacheFiles(box.cache), [], 'out of the files');
  const json = JSON.parse((await runTfw(['auth', 'status', '--json'], { cwd: dir, env: base })).stdout);
  assert.deepEqual(json.sessions.map((s: { backend: string }) => s.backend), ['keyring']);
  await runTfw(['auth', 'clear'], { cwd: dir, env: base });
});

test('no keyring to be had: the files serve, silently; TFW_CACHE_BACKEND=keyring says why it cannot', { timeout: 120_000 }, async (t) => {
  const { box, dir, env: base } = await setup(t);
  const r = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_MFA_CODE: freshCode() } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /keyring/i);
  assert.equal((await cacheFiles(box.cache)).length, 1);
  const forced = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_CACHE_BACKEND: 'keyring' } });
  assert.notEqual(forced.code, 0);
  assert.match(forced.stderr, /^tfw: TFW_CACHE_BACKEND=keyring, but there is no OS keyring to use: no D-Bus session/m);
  const bad = await runTfw(['plan', '-input=false'], { cwd: dir, env: { ...base, TFW_CACHE_BACKEND: 'vault' } });
  assert.match(bad.stderr, /TFW_CACHE_BACKEND=vault is not one of keyring, file, auto/);
});
