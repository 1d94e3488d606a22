// The MFA prompt on a real pseudo-terminal at 80 columns: the progress line
// never writes into a prompt, a refused code shows as refused, colours follow
// NO_COLOR, control characters never reach the answer, the prompt says why
// it asks when a cached session is too short, the last failure says what to
// check. Plus the pure parts: the line editor and the renewal sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { applyInput, fitInput, promptColors } from '../src/aws/terminal.ts';
import { describeRenewal, formatDuration } from '../src/prepare.ts';
import { sessionSettings } from '../src/settings.ts';
import { moduleSandbox, runTfw, tfwOnPty, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE4016', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000004016', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const REFUSED = new Set(['111111', '222222', '333333']);
let sts: StsStandIn;
let code = 464000;
const fresh = (): string => String(code++);
before(async () => {
  // Slow enough that the progress line shows at every call (it waits 400 ms).
  sts = await startStsStandIn({ users: [ALICE], roles: [], latencyMs: 700, acceptCode: (_serial, c) => !REFUSED.has(c) });
});
after(() => sts?.stop());

const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, {
    config: `[profile prod]\nmfa_serial = ${ALICE.mfaSerial}\nregion = eu-west-1\n`,
    credentials: `[prod]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
    mainTf: 'provider "aws" {\n  alias   = "a_rather_long_provider_alias_name"\n  profile = "prod"\n}\n',
    env: { AWS_ENDPOINT_URL_STS: sts.url },
  });

const at80 = (command: string): string => `stty cols 80 rows 24; ${command}`;
/** The rows of the screen as a terminal would leave them: each redraw (\r) replaces the row. */
const rows = (screen: string): string[] => screen.split(/\r?\n/).map((r) => r.split('\r').at(-1)!.replace(/\x1b\[K/g, ''));
const ANSI_COLOR = /\x1b\[[0-9;]*m/;
const script = which('script');

test('the line editor: digits in, control characters and escape sequences out, Enter submits, Ctrl-C cancels', () => {
  assert.deepEqual(applyInput('', '12\x1a34\x1c56'), { kind: 'edit', text: '123456' });
  assert.deepEqual(applyInput('12', '\x1b[A\x1b[D3\x1bOP4'), { kind: 'edit', text: '1234' });
  assert.deepEqual(applyInput('1234', '\x7f\x7f56'), { kind: 'edit', text: '1256' });
  assert.deepEqual(applyInput('123', '456\rrest'), { kind: 'submit', text: '123456', rest: 'rest' });
  assert.deepEqual(applyInput('12', '\x15'), { kind: 'edit', text: '' });
  assert.deepEqual(applyInput('12', '\x03'), { kind: 'cancel' });
  assert.deepEqual(applyInput('', '\x04'), { kind: 'cancel' });
  // The input row never wraps: a long paste keeps its end, the hint is cut or left out.
  for (const [text, hint] of [['1'.repeat(200), 'an MFA code is 6 digits'], ['12345', 'that code was already used: wait for the next one']] as const) {
    const { shown, said } = fitInput(70, text, hint, 80);
    assert.ok(70 + [...shown].length + (said ? 2 + said.length : 0) <= 79, `${shown} ${said}`);
  }
  assert.deepEqual(fitInput(8, '12345', 'an MFA code is 6 digits', 80), { shown: '12345', said: 'an MFA code is 6 digits' });
  assert.equal(promptColors({ isTTY: true }, {}, []), true);
  assert.equal(promptColors({ isTTY: true }, { NO_COLOR: '' }, []), false);
  assert.equal(promptColors({ isTTY: true }, {}, ['node', 'tfw', 'plan', '-no-color']), false);
  assert.equal(promptColors({ isTTY: false }, {}, []), false);
});

test('why a prompt asks with a cached session: time left, what the command needs, the setting and its cap', () => {
  assert.equal(formatDuration(3600), '1h');
  assert.equal(formatDuration(5400), '1h30m');
  assert.equal(describeRenewal('expiring', 39 * 60_000 + 5000, 'apply', sessionSettings({}, 'apply')), 'the cached session has 39m left; apply needs 1h (TFW_APPLY_MARGIN)');
  assert.equal(
    describeRenewal('expiring', 60_000 * 100, 'apply', sessionSettings({ TFW_APPLY_MARGIN: '8h', TFW_SESSION_DURATION: '4h' }, 'apply')),
    'the cached session has 1h40m left; apply needs 2h (TFW_APPLY_MARGIN=8h, capped at half the 4h session)',
  );
  assert.equal(describeRenewal('expired', -1, 'plan', sessionSettings({}, 'plan')), 'the cached session has expired');
  assert.equal(describeRenewal('valid', 3600_000, 'plan', sessionSettings({}, 'plan')), undefined);
});

test('a refused code on a pty at 80 columns: progress never inside a prompt, refused shown as refused, no colours with NO_COLOR, the answer free of control characters', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { dir, env } = await setup(t);
  const good = fresh();
  const { status, screen, typed } = await tfwOnPty(['plan'], {
    cwd: dir,
    env: { ...env, NO_COLOR: '1' },
    wrap: at80,
    answers: [
      [/MFA code for arn:aws:iam::111111111111:mfa\/alice/, '111111\r'],
      [/STS refused that code/, `${good.slice(0, 2)}\x1a${good.slice(2, 4)}\x1c${good.slice(4)}\r`],
    ],
  });
  assert.equal(typed.length, 2, screen);
  assert.equal(status, 0, screen);
  const shown = rows(screen);
  for (const row of shown) {
    assert.ok(!(/getting an MFA session/.test(row) && /code/.test(row.replace(/getting an MFA session for \S+/, ''))), `progress inside a prompt: ${JSON.stringify(row)}`);
    assert.ok([...row].length <= 80 || !/getting an MFA/.test(row), `a progress line wider than the terminal: ${row}`);
  }
  assert.ok(shown.some((r) => /^✗ STS refused that code/.test(r)), screen);
  assert.doesNotMatch(screen, /✔/);
  assert.doesNotMatch(screen, ANSI_COLOR);
  const sent = sts.requests.filter((q) => q.action === 'GetSessionToken').map((q) => q.params.TokenCode);
  assert.deepEqual(sent.slice(-2), ['111111', good], 'the answer had no control characters in it');
});

test('with colours: the prompt is coloured on a terminal', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { dir, env } = await setup(t);
  const { status, screen } = await tfwOnPty(['plan'], { cwd: dir, env, wrap: at80, answers: [[/MFA code for/, `${fresh()}\r`]] });
  assert.equal(status, 0, screen);
  assert.match(screen, ANSI_COLOR);
});

test('three refusals: the last line says what to check', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { dir, env } = await setup(t);
  const { status, screen } = await tfwOnPty(['plan'], {
    cwd: dir,
    env: { ...env, NO_COLOR: '1' },
    wrap: at80,
    answers: [
      [/MFA code for arn/, '111111\r'],
      [/attempt 2/, '222222\r'],
      [/attempt 3/, '333333\r'],
    ],
  });
  assert.equal(status, 1, screen);
  assert.match(screen.replace(/\r?\n/g, ' '), /tfw: STS refused the MFA code \(profile prod, device arn:aws:iam::111111111111:mfa\/alice\): wrong, expired or already used; check that the device ARN .*--find-device.* clock/);
});

test('a cached session too short for apply: the prompt says so', { skip: script ? undefined : 'script(1) is not on PATH' }, async (t) => {
  const { dir, env } = await setup(t);
  const login = await runTfw(['auth', 'login', '--duration', '1h'], { cwd: dir, env: { ...env, TFW_MFA_CODE: fresh() } });
  assert.equal(login.code, 0, login.stderr);
  const plan = await runTfw(['plan'], { cwd: dir, env });
  assert.equal(plan.code, 0, `plan uses the 1h session: ${plan.stderr}`);
  const { status, screen } = await tfwOnPty(['apply'], { cwd: dir, env: { ...env, NO_COLOR: '1' }, wrap: at80, answers: [[/MFA code for/, `${fresh()}\r`]] });
  assert.equal(status, 0, screen);
  assert.match(screen, /the cached session has (59|58)m left; apply needs 1h \(TFW_APPLY_MARGIN\)/);
});
