// What a credentialed run leaves, and says, when its environment is hostile:
// a full TMPDIR, a HOME that is not set.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTree, moduleSandbox, readRecord, runTfw } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0041', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000041', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLE = 'arn:aws:iam::222222222222:role/switch';
let sts: StsStandIn;
let code = 941000;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] });
});
after(() => sts?.stop());

const setup = (t: Parameters<typeof moduleSandbox>[0], extra: Record<string, string | undefined> = {}) =>
  moduleSandbox(t, {
    config: `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\n`,
    credentials: `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
    mainTf: 'provider "aws" {\n  profile = "switch"\n}\n',
    env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_MFA_CODE: String(code++), TFW_QUIET: '1', ...extra },
  });

test('a full TMPDIR: one tfw line saying what is full, not an internal error; terraform not run, nothing left', async (t) => {
  const mnt = await mkdtemp(join(tmpdir(), 'tfw-full-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', mnt], { stdio: 'ignore' }).status === 0;
  t.after(async () => {
    if (mounted) spawnSync('umount', [mnt], { stdio: 'ignore' });
    await rm(mnt, { recursive: true, force: true });
  });
  if (!mounted) return t.skip('cannot mount a small tmpfs here (needs root and CAP_SYS_ADMIN)');
  await writeFile(join(mnt, 'filler'), Buffer.alloc(4096)).catch(() => {});
  const { dir, record, env } = await setup(t, { XDG_RUNTIME_DIR: undefined, TMPDIR: mnt });
  const r = await runTfw(['plan'], { cwd: dir, env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, new RegExp(`^tfw: cannot write the per-run files under ${mnt}: no space \\(or no inodes\\) left on that filesystem \\(ENOSPC\\); free some space or point TMPDIR at another directory\\n$`));
  assert.deepEqual(await readRecord(record), []);
  assert.deepEqual((await readdir(mnt)).filter((n) => n.startsWith('tfw-run-')), []);
});

test('HOME unset: the session goes under the account\'s home from the password database, nothing under the module directory', async (t) => {
  // The account's home is this machine's: the test never writes there. It runs tfw in a private mount
  // namespace where a temporary directory is bound over that home, and skips where it cannot.
  const { userInfo } = await import('node:os');
  const accountHome = userInfo().homedir;
  const home = await mkdtemp(join(tmpdir(), 'tfw-account-home-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const wrap = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$2" && shift 2 && exec "$@"', 'sh', home, accountHome];
  const probe = spawnSync(wrap[0]!, [...wrap.slice(1), 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) return t.skip(`cannot bind a temporary directory over ${accountHome} in a private mount namespace here (needs unshare and CAP_SYS_ADMIN)`);
  const { box, dir, env } = await setup(t, { HOME: undefined, XDG_CACHE_HOME: undefined, TFW_CACHE_DIR: undefined, TFW_CACHE_BACKEND: 'file' });
  const r = await runTfw(['plan'], { cwd: dir, wrap, env: { ...env, AWS_CONFIG_FILE: join(box.aws, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(box.aws, 'credentials') } });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual((await listTree(dir)).filter((p) => p.includes('.cache')), [], 'nothing under the working directory');
  const sessions = (await readdir(join(home, '.cache', 'tfw')).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
  assert.equal(sessions.length, 1, 'the session is in the account\'s home');
});
