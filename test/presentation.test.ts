// What people see: the note per run (TFW_QUIET), debug lines (TFW_DEBUG)
// with secrets redacted, colours that follow the terminal and NO_COLOR.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, readRecord, runTfw, tfwOnPty, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0004', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000004', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLE = 'arn:aws:iam::222222222222:role/switch';
let sts: StsStandIn;
let code = 500000;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] });
});
after(() => sts?.stop());

const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, {
    config: `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\n`,
    credentials: `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
    mainTf: 'provider "aws" {\n  profile = "switch"\n}\n',
    env: { AWS_ENDPOINT_URL_STS: sts.url },
  });

async function sessionSecrets(cacheRoot: string): Promise<string[]> {
  const dir = join(cacheRoot, 'tfw');
  const file = (await readdir(dir)).find((f) => f.endsWith('.json'))!;
  const c = JSON.parse(await readFile(join(dir, file), 'utf8')).credentials;
  return [c.accessKeyId, c.secretAccessKey, c.sessionToken];
}

test('TFW_DEBUG=1 prints every decision, and no secret: not the long-term key, not the session, not the code', async (t) => {
  const { box, dir, env } = await setup(t);
  const mfa = String(code++);
  const r = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_DEBUG: '1', TFW_MFA_CODE: mfa } });
  assert.equal(r.code, 0, r.stderr);
  for (const want of [/tfw: debug: terraform: .*fixtures\/bin\/terraform; command: plan; needs credentials: true/, /tfw: debug: aws: profile switch: mfa/, /tfw: debug: GetSessionToken for arn:aws:iam::111111111111:mfa\/alice/, /tfw: debug: per-run files (in |held by process \d+ \(unnamed\): terraform takes tfw.s place)/]) {
    assert.match(r.stderr, want);
  }
  for (const secret of [ALICE.secretAccessKey, ALICE.accessKeyId, mfa, ...(await sessionSecrets(box.cache))]) {
    assert.ok(!r.stderr.includes(secret), `secret in debug output: ${secret.slice(0, 4)}…`);
  }
  // a warm run explains the cache decision
  const warm = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_DEBUG: '1' } });
  assert.match(warm.stderr, /tfw: debug: cached session for arn:aws:iam::111111111111:mfa\/alice valid until/);
});

test('one note per credentialed run, silenced by TFW_QUIET=1', async (t) => {
  const { dir, env } = await setup(t);
  const loud = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_MFA_CODE: String(code++) } });
  assert.match(loud.stderr, /^tfw: MFA session arn:aws:iam::111111111111:mfa\/alice \(\d+h\d+m left\)\n$/);
  const quiet = await runTfw(['plan'], { cwd: dir, env: { ...env, TFW_QUIET: '1' } });
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
});

const script = which('script');
const onTerminal = async (args: string[], cwd: string, env: Record<string, string>): Promise<string> => (await tfwOnPty(args, { cwd, env })).screen;

test('explain uses colour on a terminal, and none with NO_COLOR or -no-color', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { dir, env } = await setup(t);
  // eslint-disable-next-line no-control-regex
  const ansi = /\x1b\[[0-9;]*m/;
  assert.match(await onTerminal(['auth', 'explain'], dir, env), ansi);
  assert.doesNotMatch(await onTerminal(['auth', 'explain'], dir, { ...env, NO_COLOR: '1' }), ansi);
  assert.doesNotMatch(await onTerminal(['auth', 'explain', '-no-color'], dir, env), ansi);
});

test('a progress line on the terminal while STS takes longer than a moment', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const slow = await startStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }], latencyMs: 1200 });
  t.after(() => slow.stop());
  const { dir, env } = await setup(t);
  const screen = await onTerminal(['plan'], dir, { ...env, AWS_ENDPOINT_URL_STS: slow.url, TFW_MFA_CODE: String(code++) });
  assert.match(screen, /tfw: getting an MFA session for arn:aws:iam::111111111111:mfa\/alice…/);
  assert.match(screen, /tfw: MFA session arn:aws:iam::111111111111:mfa\/alice \(\d+h\d+m left\)/);
});

test('Ctrl-C at the MFA prompt: exit 130, one tfw line, terminal mode restored, terraform not run, nothing left on disk', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { box, dir, env } = await setup(t);
  const record = join(box.root, 'record.jsonl');
  const before = join(box.root, 'stty.before');
  const afterFile = join(box.root, 'stty.after');
  const { status, screen, typed } = await tfwOnPty(['plan'], {
    cwd: dir,
    env: { ...env, FAKE_TF_RECORD: record },
    answers: [[/MFA code for/, '\x03']],
    // The terminal's settings just before tfw and just after it, on the same terminal.
    wrap: (command) => `stty -g > '${before}'; ${command}; rc=$?; stty -g > '${afterFile}'; exit $rc`,
  });
  assert.equal(typed.length, 1, screen);
  assert.equal(status, 130, screen);
  assert.match(screen, /tfw: MFA prompt cancelled/);
  assert.equal((screen.match(/tfw: /g) ?? []).length, 1, `one tfw line: ${screen}`);
  assert.doesNotMatch(screen, /\n\s+at /, 'no stack trace');
  const [sttyBefore, sttyAfter] = await Promise.all([readFile(before, 'utf8'), readFile(afterFile, 'utf8')]);
  assert.ok(sttyBefore.trim().length > 0);
  assert.equal(sttyAfter, sttyBefore, 'the terminal is back in the mode it was in');
  assert.equal(existsSync(record), false, 'terraform did not run');
  assert.deepEqual(await readdir(box.runtime), []);
});

test('after tfw\'s MFA prompt, terraform\'s own "Enter a value:" prompt reads the terminal: stdin handed over intact', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { box, dir, env } = await setup(t);
  const record = join(box.root, 'record.jsonl');
  const { status, screen, typed } = await tfwOnPty(['apply'], {
    cwd: dir,
    env: { ...env, FAKE_TF_RECORD: record, FAKE_TF_PROMPT: '  Enter a value: ' },
    answers: [
      [/MFA code for arn:aws:iam::111111111111:mfa\/alice/, `${code++}\r`],
      [/Enter a value: /, 'yes\r'],
    ],
  });
  assert.equal(typed.length, 2, `both prompts showed: ${screen}`);
  assert.equal(status, 0, screen);
  const answer = (await readRecord(record)).find((e) => e.event === 'answer');
  assert.equal(answer?.text.replace(/\r/g, ''), 'yes\n', 'terraform read exactly what was typed at its prompt');
  assert.deepEqual(await readdir(box.runtime), []);
});

test('with stderr redirected, the prompt still shows on the terminal (no silent wait)', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { box, dir, env } = await setup(t);
  const errLog = join(box.root, 'err.log');
  const { status, screen, typed } = await tfwOnPty(['plan'], { cwd: dir, env, redirect: `2>'${errLog}'`, timeoutMs: 20_000, answers: [[/MFA code for arn:aws:iam::111111111111:mfa\/alice/, `${code++}\r`]] });
  assert.equal(typed.length, 1, `the prompt never showed: ${screen}`);
  assert.equal(status, 0, screen);
  assert.match(await readFile(errLog, 'utf8'), /tfw: MFA session arn:aws:iam::111111111111:mfa\/alice/);
});
