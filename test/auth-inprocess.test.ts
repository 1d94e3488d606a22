// `tfw auth` in-process, with fake Deps (STS, the process runner, the clock,
// the output): the pipeline that runs use, the session API, and
// credential-process's role hops, without spawning tfw or a stand-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clear, credentialProcess, login, status } from '../src/auth/commands.ts';
import type { Deps } from '../src/deps.ts';
import type { StsApi } from '../src/aws/sts.ts';
import { silentLogger } from '../src/log.ts';
import { createRunContext } from '../src/context.ts';

const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const NOW = new Date('2030-01-01T00:00:00Z');
const VAULT = 'vault-export base';
const PROCESS_KEYS = { accessKeyId: 'AKIAINPROCESSEXAMPL1', secretAccessKey: 'in-process-secret-EXAMPLE' };

async function fakeDeps(t: { after(fn: () => Promise<void>): void }, config: string, env: Record<string, string> = {}) {
  const home = await mkdtemp(join(tmpdir(), 'tfw-inprocess-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, '.aws'));
  await writeFile(join(home, '.aws', 'config'), config);
  const calls = { process: [] as string[], getSessionToken: [] as Array<{ accessKeyId: string; serial: string; code: string }>, assumeRole: [] as Array<Record<string, unknown>> };
  let n = 0;
  const sts: StsApi = {
    async getSessionToken({ keys, serial, code }) {
      calls.getSessionToken.push({ accessKeyId: keys.accessKeyId, serial, code });
      return { accessKeyId: `ASIASESSION${++n}`, secretAccessKey: `session-secret-${n}`, sessionToken: `session-token-${n}`, expiration: new Date(NOW.getTime() + 12 * 3600_000) };
    },
    async assumeRole({ credentials, ...input }) {
      calls.assumeRole.push({ with: credentials.accessKeyId, ...input });
      return { accessKeyId: `ASIAROLE${calls.assumeRole.length}`, secretAccessKey: 'role-secret', sessionToken: 'role-token', expiration: new Date(NOW.getTime() + 3600_000) };
    },
    async getCallerIdentity() {
      return { account: '111111111111', arn: 'arn:aws:iam::111111111111:user/alice', userId: 'AIDA' };
    },
  };
  let out = '';
  const deps: Deps = {
    env: { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), TFW_CACHE_BACKEND: 'file', PATH: process.env.PATH ?? '', ...env },
    cwd: home,
    log: silentLogger,
    now: () => NOW,
    ask: undefined,
    runProcess: async (command) => {
      calls.process.push(command);
      return { exitCode: 0, stdout: JSON.stringify({ Version: 1, AccessKeyId: PROCESS_KEYS.accessKeyId, SecretAccessKey: PROCESS_KEYS.secretAccessKey }) };
    },
    sts: async () => sts,
    spawn: async () => {
      throw new Error('no command is run in these tests');
    },
    selfPaths: [],
    progress: () => ({ done() {} }),
    out: (text) => {
      out += text;
    },
    err: () => {},
    color: false,
    context: createRunContext(),
  };
  return { deps, calls, home, output: () => out, reset: () => (out = '') };
}

const CONFIG = `[profile base]
credential_process = ${VAULT}
mfa_serial = ${ALICE}
region = eu-west-1

[profile deploy]
source_profile = base
role_arn = arn:aws:iam::222222222222:role/deploy
external_id = ext-42
role_session_name = alice-deploy
duration_seconds = 900
mfa_serial = ${ALICE}

[profile admin]
source_profile = deploy
role_arn = arn:aws:iam::333333333333:role/admin
`;

test('credential-process on a chain rooted in a credential_process: the process once, GetSessionToken with its keys, each role hop with its own settings', async (t) => {
  const { deps, calls, output } = await fakeDeps(t, CONFIG, { TFW_MFA_CODE: '123456' });
  assert.equal(await credentialProcess('admin', deps), 0);
  assert.deepEqual(calls.process, [VAULT]);
  assert.deepEqual(calls.getSessionToken, [{ accessKeyId: PROCESS_KEYS.accessKeyId, serial: ALICE, code: '123456' }]);
  assert.deepEqual(calls.assumeRole, [
    { with: 'ASIASESSION1', roleArn: 'arn:aws:iam::222222222222:role/deploy', sessionName: 'alice-deploy', externalId: 'ext-42', durationSeconds: 900, region: 'eu-west-1' },
    { with: 'ASIAROLE1', roleArn: 'arn:aws:iam::333333333333:role/admin', sessionName: `tfw-${NOW.getTime()}`, region: 'eu-west-1' },
  ]);
  const printed = JSON.parse(output());
  assert.equal(printed.AccessKeyId, 'ASIAROLE2');
  assert.ok(!output().includes(PROCESS_KEYS.secretAccessKey));
});

test('login, then status, credential-process from the cache (no process run, no code), clear: one session API', async (t) => {
  const { deps, calls, home, output, reset } = await fakeDeps(t, CONFIG);
  assert.equal(await login({ terraformArgs: [], profile: 'deploy', allDevices: false, force: false }, { ...deps, env: { ...deps.env, TFW_MFA_CODE: '654321' } }), 0);
  assert.deepEqual(calls.process, [VAULT]);
  assert.match(output(), /^arn:aws:iam::111111111111:mfa\/alice \(profile base\): session valid until 2030-01-01T12:00:00.000Z \(12h00m left\)\n$/);
  reset();
  assert.equal(await status(true, deps), 0);
  const shown = JSON.parse(output());
  assert.deepEqual(shown.sessions.map((s: Record<string, unknown>) => [s.device, s.profile, s.backend, s.valid]), [[ALICE, 'base', 'file', true]]);
  reset();
  // No terminal, no code: the cached session serves; the process is not run again.
  assert.equal(await credentialProcess('deploy', deps), 0);
  assert.deepEqual(calls.process, [VAULT]);
  assert.equal(calls.getSessionToken.length, 1);
  reset();
  assert.equal(await clear(undefined, deps), 0);
  assert.match(output(), /^Removed the session of arn:aws:iam::111111111111:mfa\/alice \(profile base\)\.\n$/);
  assert.deepEqual((await readdir(join(home, 'cache', 'tfw'))).filter((f) => f.endsWith('.json')), []);
});

test('credential-process without a valid session and no code source: one line saying to log in, judged by the run\'s freshness rule', async (t) => {
  const { deps } = await fakeDeps(t, CONFIG, { TFW_SESSION_MARGIN: '13h', TFW_SESSION_DURATION: '36h' });
  await login({ terraformArgs: [], profile: 'deploy', allDevices: false, force: false }, { ...deps, env: { ...deps.env, TFW_MFA_CODE: '111222' } });
  // 12 h left, a 13 h margin: not valid for a run, so not for credential-process either.
  await assert.rejects(credentialProcess('deploy', deps), /no valid MFA session for arn:aws:iam::111111111111:mfa\/alice \(profile deploy\): run `tfw auth login --profile deploy`/);
});
