// No core file with secrets in it: with core dumps enabled (ulimit -c
// unlimited, a core_pattern that writes a file), tfw aborted or sent SIGQUIT
// mid-run leaves no core anywhere, and terraform runs with core dumps off too
// (it holds the MFA session it read from the per-run files). The launcher
// (bin/tfw) sets the soft limit to 0 before Node starts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listTree, moduleSandbox, readRecord, ROOT } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const LAUNCHER = join(ROOT, 'bin', 'tfw');
const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0017', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000017', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLE = 'arn:aws:iam::222222222222:role/switch';
let sts: StsStandIn;
let code = 617000;

/** Why this machine cannot show a core file, or undefined when it can (checked by dumping one from a throw-away node). */
async function cannotDump(): Promise<string | undefined> {
  if (!existsSync(LAUNCHER)) return 'the launcher bin/tfw is not there';
  let pattern: string;
  try {
    pattern = readFileSync('/proc/sys/kernel/core_pattern', 'utf8').trim();
  } catch {
    return 'no /proc/sys/kernel/core_pattern';
  }
  if (pattern.startsWith('|')) return `core dumps go to a handler (${pattern.split(' ')[0]}), not to a file this test can look for`;
  if (pattern.includes('/')) return `core_pattern ${pattern} writes outside the working directory`;
  if (spawnSync('sh', ['-c', 'ulimit -c unlimited'], { stdio: 'ignore' }).status !== 0) return 'the hard core limit does not allow raising it';
  const dir = await mkdtemp(join(tmpdir(), 'tfw-core-probe-'));
  try {
    spawnSync('sh', ['-c', `ulimit -c unlimited; exec "${process.execPath}" -e "process.abort()"`], { cwd: dir, stdio: 'ignore', timeout: 60_000 });
    return (await readdir(dir)).length > 0 ? undefined : 'an aborted node leaves no core here either';
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let skip: string | false = false;
before(async () => {
  const why = await cannotDump();
  if (why) {
    skip = why;
    console.log(`# skipping core-dump tests: ${why}`);
    return;
  }
  sts = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] });
});
after(() => sts?.stop());

for (const signal of ['SIGABRT', 'SIGQUIT'] as const) {
  test(`core dumps on (ulimit -c unlimited), tfw sent ${signal} while terraform runs: no core file anywhere; terraform ran with core dumps off`, { timeout: 120_000 }, async (t) => {
    if (skip) return t.skip(skip);
    const { box, dir, record, env } = await moduleSandbox(t, {
      config: `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\n`,
      credentials: `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
      mainTf: 'provider "aws" {\n  profile = "switch"\n}\n',
      // TFW_NO_EXEC: tfw stays terraform's parent, holding secrets while terraform runs (on Linux terraform otherwise takes its place).
      env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_MFA_CODE: String(code++), FAKE_TF_WAIT: '1', TFW_QUIET: '1', TFW_NO_EXEC: '1' },
    });
    const child = spawn('sh', ['-c', 'ulimit -c unlimited && exec "$0" "$@"', LAUNCHER, 'apply'], { cwd: dir, env, stdio: 'ignore', detached: true });
    const done = new Promise<void>((resolve) => child.on('close', () => resolve()));
    t.after(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    const end = Date.now() + 60_000;
    while (!(await readRecord(record)).some((e) => e.event === 'waiting') && Date.now() < end) await new Promise((r) => setTimeout(r, 25));
    const start = (await readRecord(record)).find((e) => e.event === 'start')!;
    assert.equal(start.coreLimit, '0', 'terraform starts with core dumps off');
    process.kill(start.ppid as number, signal); // tfw's node process: terraform's parent
    if (signal === 'SIGABRT') process.kill(start.pid as number, 'SIGTERM'); // tfw is gone: stop the orphan
    await done;
    for (let i = 0; i < 100 && !(await readRecord(record)).some((e) => e.event === 'exit'); i++) await new Promise((r) => setTimeout(r, 50));
    const cores = (await listTree(box.root)).filter((p) => /(^|\/)core(\.\d+)?$/.test(p));
    assert.deepEqual(cores, []);
  });
}
