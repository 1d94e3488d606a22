import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SessionCache, cacheFileFor } from '../../src/aws/cache.ts';
import { EnvCodeSource, FirstCodeSource, ProcessCodeSource, PromptCodeSource, SerialCodeSource, type AskCode, type CodeSource } from '../../src/aws/codes.ts';
import { cachedSessionProvider, mfaSessionProvider, obtainSessions, sessionKeyFor } from '../../src/aws/sessions.ts';
import type { StsApi } from '../../src/aws/sts.ts';
import type { MfaDevice, SessionCredentials } from '../../src/aws/types.ts';
import { TfwError } from '../../src/errors.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { Secrets } from '../../src/redact.ts';

const alice: MfaDevice = {
  id: 'source|arn:aws:iam::111111111111:mfa/alice',
  serial: 'arn:aws:iam::111111111111:mfa/alice',
  rootProfile: 'source',
  source: { type: 'keys', from: 'file', keys: { accessKeyId: 'AKIAEXAMPLEALICE0001', secretAccessKey: 'alice-secret' } },
  region: 'us-east-1',
  targets: ['backend "s3"', 'aws.prod'],
};
const bob: MfaDevice = { ...alice, id: 'bob|arn:aws:iam::111111111111:mfa/bob', serial: 'arn:aws:iam::111111111111:mfa/bob', rootProfile: 'bob', targets: ['aws.dev'] };

function stsError(kind: string, message = kind): Error {
  const e = new Error(message) as Error & { kind: string; endpoint: string };
  e.name = 'StsCallError';
  e.kind = kind;
  e.endpoint = 'http://127.0.0.1:9';
  return e;
}

/** A fake STS: records the codes it was sent; answers by a rule. */
function fakeSts(rule: (serial: string, code: string) => Error | undefined = () => undefined, delayMs = 0) {
  const calls: Array<{ serial: string; code: string }> = [];
  let n = 0;
  const api: StsApi = {
    async getSessionToken({ serial, code, durationSeconds }) {
      calls.push({ serial, code });
      await new Promise((r) => setTimeout(r, delayMs));
      const err = rule(serial, code);
      if (err) throw err;
      n++;
      return { accessKeyId: `ASIAFAKE${n}`, secretAccessKey: `secret${n}`, sessionToken: `token${n}`, expiration: new Date(Date.now() + durationSeconds * 1000) };
    },
    async assumeRole() { throw new Error('unused'); },
    async getCallerIdentity() { throw new Error('unused'); },
  };
  return { api, calls };
}

function scriptedAsk(answers: string[]): AskCode & { messages: string[] } {
  const messages: string[] = [];
  const ask = (async (message: string, validate: (v: string) => true | string) => {
    messages.push(message);
    for (;;) {
      const a = answers.shift();
      if (a === undefined) return undefined;
      if (validate(a) === true) return a;
      messages.push(`rejected ${a}: ${validate(a)}`);
    }
  }) as AskCode & { messages: string[] };
  ask.messages = messages;
  return ask;
}

const sources = (env: string | undefined, ask: AskCode | undefined, run = async (_command: string) => ({ exitCode: 0, stdout: '' })): CodeSource =>
  new SerialCodeSource(new FirstCodeSource([new EnvCodeSource(env), new ProcessCodeSource(run), new PromptCodeSource(ask)]));

test('TFW_MFA_CODE first, then mfa_process, then the prompt', async () => {
  const sts = fakeSts();
  const ask = scriptedAsk(['333333']);
  const ran: string[] = [];
  const run = async (cmd: string) => { ran.push(cmd); return { exitCode: 0, stdout: '222222\n' }; };
  const provider = mfaSessionProvider({ sts: async () => sts.api, codes: sources('111111', ask, run), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() });
  await provider(alice);
  await provider({ ...bob, mfaProcess: 'ykman oath accounts code -s bob' });
  await provider(bob);
  assert.deepEqual(sts.calls.map((c) => c.code), ['111111', '222222', '333333']);
  assert.deepEqual(ran, ['ykman oath accounts code -s bob']);
  assert.match(ask.messages[0]!, /arn:aws:iam::111111111111:mfa\/bob.*aws\.dev/);
});

test('the prompt names the device and the providers waiting for it, and only takes 6 digits', async () => {
  const sts = fakeSts();
  const ask = scriptedAsk(['12345', 'abcdef', '654321']);
  await mfaSessionProvider({ sts: async () => sts.api, codes: sources(undefined, ask), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice);
  assert.match(ask.messages[0]!, /MFA code for arn:aws:iam::111111111111:mfa\/alice \(for backend "s3", aws\.prod\)/);
  assert.equal(ask.messages.filter((m) => m.startsWith('rejected')).length, 2);
  assert.deepEqual(sts.calls, [{ serial: alice.serial, code: '654321' }]);
});

test('a wrong code is asked again, never resent, at most 3 times', async () => {
  const sts = fakeSts(() => stsError('invalid-code', 'MultiFactorAuthentication failed with invalid MFA one time pass code.'));
  const ask = scriptedAsk(['111111', '111111', '222222', '333333', '444444']);
  await assert.rejects(
    mfaSessionProvider({ sts: async () => sts.api, codes: sources(undefined, ask), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice),
    (e: unknown) => e instanceof TfwError && /STS refused the MFA code \(profile source, device arn:aws:iam::111111111111:mfa\/alice\)/.test(e.message),
  );
  assert.deepEqual(sts.calls.map((c) => c.code), ['111111', '222222', '333333']);
  assert.ok(ask.messages.some((m) => /already used/.test(m)));
});

test('a refused TFW_MFA_CODE falls through to the prompt', async () => {
  const sts = fakeSts((_s, code) => (code === '111111' ? stsError('invalid-code') : undefined));
  const ask = scriptedAsk(['222222']);
  await mfaSessionProvider({ sts: async () => sts.api, codes: sources('111111', ask), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice);
  assert.deepEqual(sts.calls.map((c) => c.code), ['111111', '222222']);
});

test('no terminal and no code source: fail at once, saying so', async () => {
  const sts = fakeSts();
  await assert.rejects(
    mfaSessionProvider({ sts: async () => sts.api, codes: sources(undefined, undefined), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice),
    /MFA code needed for arn:aws:iam::111111111111:mfa\/alice .*no terminal.*TFW_MFA_CODE/,
  );
  assert.equal(sts.calls.length, 0);
});

test('TFW_MFA_CODE of the wrong shape is refused before STS is called', async () => {
  const sts = fakeSts();
  await assert.rejects(
    mfaSessionProvider({ sts: async () => sts.api, codes: sources('12 34', undefined), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice),
    /TFW_MFA_CODE is not a 6-digit code/,
  );
  assert.equal(sts.calls.length, 0);
});

for (const [kind, pattern] of [
  ['access-denied', /STS denied GetSessionToken \(profile source, device .*alice\)/],
  ['invalid-key', /access key of profile source/],
  ['unreachable', /cannot reach STS at http:\/\/127\.0\.0\.1:9/],
  ['throttled', /throttling/],
] as const) {
  test(`STS failure "${kind}" becomes one actionable line`, async () => {
    const sts = fakeSts(() => stsError(kind, kind === 'unreachable' ? 'cannot reach STS at http://127.0.0.1:9: connect ECONNREFUSED' : kind));
    await assert.rejects(
      mfaSessionProvider({ sts: async () => sts.api, codes: sources('123456', undefined), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() })(alice),
      (e: unknown) => e instanceof TfwError && pattern.test(e.message) && !e.message.includes('alice-secret'),
    );
    assert.equal(sts.calls.length, 1);
  });
}

async function cacheFor(t: { after(fn: () => Promise<void>): void }) {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-sess-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return new SessionCache(join(dir, 'tfw'));
}

function recordingLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: () => {}, note: (m) => lines.push(`note ${m}`), warn: (m) => lines.push(`warn ${m}`) };
}

test('a cached session is reused until it is within the margin of expiry, then renewed before the run', async (t) => {
  const cache = await cacheFor(t);
  const sts = fakeSts();
  let now = new Date('2030-01-01T00:00:00Z');
  const inner = mfaSessionProvider({ sts: async () => sts.api, codes: sources(undefined, scriptedAsk(['111111', '222222'])), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() });
  // fake STS expirations are relative to the real clock: pin them to `now`
  const pinned = async (d: MfaDevice): Promise<SessionCredentials> => ({ ...(await inner(d)), expiration: new Date(now.getTime() + 3600_000) });
  const provider = cachedSessionProvider(pinned, { cache, endpoint: '', marginSeconds: 900, now: () => now, log: silentLogger });
  const first = await provider(alice);
  now = new Date(now.getTime() + 40 * 60_000); // 20 min left > 15 min margin
  assert.deepEqual(await provider(alice), first);
  assert.equal(sts.calls.length, 1);
  now = new Date(now.getTime() + 10 * 60_000); // 10 min left < margin
  const renewed = await provider(alice);
  assert.notDeepEqual(renewed, first);
  assert.deepEqual(sts.calls.map((c) => c.code), ['111111', '222222']);
});

test('a corrupt cache file is ignored and replaced, with one line saying so', async (t) => {
  const cache = await cacheFor(t);
  const sts = fakeSts();
  const log = recordingLog();
  await cache.write(sessionKeyFor(alice, ''), { accessKeyId: 'a', secretAccessKey: 'b', sessionToken: 'c', expiration: new Date(Date.now() + 3600_000) }, new Date());
  const file = cacheFileFor(cache.dir, sessionKeyFor(alice, ''));
  await writeFile(file, 'garbage');
  const provider = cachedSessionProvider(
    mfaSessionProvider({ sts: async () => sts.api, codes: sources('123456', undefined), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() }),
    { cache, endpoint: '', marginSeconds: 900, now: () => new Date(), log },
  );
  await provider(alice);
  assert.equal(sts.calls.length, 1);
  assert.equal(log.lines.filter((l) => /ignoring unreadable session cache file/.test(l)).length, 1);
  assert.equal((await cache.read(sessionKeyFor(alice, ''))).state, 'hit');
});

test('five concurrent runs on a cold cache ask for one code', async (t) => {
  const cache = await cacheFor(t);
  const sts = fakeSts(undefined, 100);
  const ask = scriptedAsk(['111111', '222222', '333333', '444444', '555555']);
  const runs = Array.from({ length: 5 }, () =>
    cachedSessionProvider(
      mfaSessionProvider({ sts: async () => sts.api, codes: sources(undefined, ask), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() }),
      { cache, endpoint: '', marginSeconds: 900, now: () => new Date(), log: silentLogger },
    )(alice),
  );
  const results = await Promise.all(runs);
  assert.equal(sts.calls.length, 1);
  assert.equal(ask.messages.length, 1);
  for (const r of results) assert.deepEqual(r, results[0]);
});

test('two devices: two prompts in turn, STS calls overlap', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const api: StsApi = {
    async getSessionToken({ serial }) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 100));
      inFlight--;
      return { accessKeyId: `ASIA${serial.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
    },
    async assumeRole() { throw new Error('unused'); },
    async getCallerIdentity() { throw new Error('unused'); },
  };
  let asking = 0;
  let maxAsking = 0;
  const ask: AskCode = async () => {
    asking++;
    maxAsking = Math.max(maxAsking, asking);
    await new Promise((r) => setTimeout(r, 20));
    asking--;
    return '123456';
  };
  const provider = mfaSessionProvider({ sts: async () => api, codes: sources(undefined, ask), durationSeconds: 3600, log: silentLogger, secrets: new Secrets() });
  const sessions = await obtainSessions([alice, bob], provider, new Secrets());
  assert.deepEqual([...sessions.keys()], [alice.id, bob.id]);
  assert.equal(maxAsking, 1);
  assert.equal(maxInFlight, 2);
});

test('with several devices, TFW_MFA_CODE belongs to the first device of the plan, whatever the timing', async () => {
  const source = new EnvCodeSource('123456', alice.id);
  assert.equal(await source.next({ device: bob, attempt: 1, sent: new Set() }), undefined);
  assert.equal(await source.next({ device: alice, attempt: 1, sent: new Set() }), '123456');
  assert.equal(await source.next({ device: alice, attempt: 2, sent: new Set(['123456']) }), undefined, 'used once');
});

test('the sessions obtained, the codes sent and the long-term secrets used are remembered for redaction', async () => {
  const secrets = new Secrets();
  const sts = fakeSts();
  const device: MfaDevice = { ...alice, source: { type: 'keys', from: 'file', keys: { accessKeyId: 'AKIAEXAMPLEALICE0009', secretAccessKey: 'alice-long-term-secret-remembered' } } };
  const sessions = await obtainSessions([device], mfaSessionProvider({ sts: async () => sts.api, codes: sources('161803', undefined), durationSeconds: 3600, log: silentLogger, secrets }), secrets);
  const s = sessions.get(device.id)!;
  const text = `raw: ${device.source.type === 'keys' ? device.source.keys.secretAccessKey : ''} ${s.secretAccessKey} ${s.sessionToken} code 161803`;
  assert.equal(secrets.redact(text), 'raw: **** **** **** code ****');
});
