import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStsApi, StsCallError, type StsFailureKind } from '../../src/aws/sts.ts';
import { startStsStandIn, type StandInOptions, type StsStandIn } from '../support/sts-standin.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const REGION = 'us-east-1';
const ALICE = {
  userName: 'alice',
  account: '111111111111',
  accessKeyId: 'AKIAALICE00000000001',
  secretAccessKey: 'alice-secret-0000000000000000000000000001',
  mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
};
const BOB = { userName: 'bob', account: '444444444444', accessKeyId: 'AKIABOB0000000000002', secretAccessKey: 'bob-secret-000000000000000000000000000002' };
const aliceKeys = { accessKeyId: ALICE.accessKeyId, secretAccessKey: ALICE.secretAccessKey };
const SWITCH = 'arn:aws:iam::222222222222:role/switch';
const HUB = 'arn:aws:iam::222222222222:role/hub';

async function standIn(t: TestContext, extra: Partial<StandInOptions> = {}): Promise<StsStandIn> {
  const s = await startStsStandIn({ users: [ALICE, BOB], roles: [{ arn: SWITCH, requireMfa: true }, { arn: HUB }], ...extra });
  t.after(() => s.stop());
  return s;
}

const session = (api: ReturnType<typeof createStsApi>, code = '123456', durationSeconds = 3600) =>
  api.getSessionToken({ keys: aliceKeys, serial: ALICE.mfaSerial, code, durationSeconds, region: REGION });

/** Asserts the promise fails with an StsCallError of `kind`; returns it for further checks. */
async function failsWith(p: Promise<unknown>, kind: StsFailureKind): Promise<StsCallError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof StsCallError, `expected StsCallError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    return e;
  }
  assert.fail(`expected a ${kind} failure`);
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createTcpServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

test('an MFA session from GetSessionToken, one call, usable for AssumeRole on an MFA-only role', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const creds = await session(api);
  assert.match(creds.accessKeyId, /^ASIA/);
  assert.ok(creds.sessionToken.length > 100);
  assert.ok(creds.expiration instanceof Date);
  assert.ok(Math.abs(creds.expiration.getTime() - Date.now() - 3600_000) < 5_000);
  assert.deepEqual(s.requests[0], {
    action: 'GetSessionToken',
    accessKeyId: ALICE.accessKeyId,
    params: { DurationSeconds: '3600', SerialNumber: ALICE.mfaSerial, TokenCode: '123456' },
  });

  const role = await api.assumeRole({ credentials: creds, roleArn: SWITCH, sessionName: 'tfw-alice', externalId: 'ext-1', durationSeconds: 900, region: REGION });
  assert.ok(role.expiration.getTime() - Date.now() <= 900_000);
  assert.deepEqual(s.requests[1]?.params, { RoleArn: SWITCH, RoleSessionName: 'tfw-alice', ExternalId: 'ext-1', DurationSeconds: '900' });
  assert.equal(s.requests[1]?.accessKeyId, creds.accessKeyId);

  const who = await api.getCallerIdentity({ credentials: role, region: REGION });
  assert.deepEqual({ account: who.account, arn: who.arn }, { account: '222222222222', arn: 'arn:aws:sts::222222222222:assumed-role/switch/tfw-alice' });
  assert.match(who.userId, /^AROA.*:tfw-alice$/);
  assert.deepEqual(s.calls, { GetSessionToken: 1, AssumeRole: 1, GetCallerIdentity: 1, ListMFADevices: 0 });
});

test('AssumeRole with SerialNumber and TokenCode on the call itself', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const role = await api.assumeRole({ credentials: aliceKeys, roleArn: SWITCH, sessionName: 'direct', region: REGION, serial: ALICE.mfaSerial, code: '246810' });
  assert.equal((await api.getCallerIdentity({ credentials: role, region: REGION })).arn, 'arn:aws:sts::222222222222:assumed-role/switch/direct');
  assert.deepEqual(s.requests[0]?.params, { RoleArn: SWITCH, RoleSessionName: 'direct', SerialNumber: ALICE.mfaSerial, TokenCode: '246810' });
});

test('a wrong, reused or malformed code is invalid-code, and is never retried', async (t) => {
  const s = await standIn(t, { acceptCode: (_serial, code) => code !== '000000' });
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const wrong = await failsWith(session(api, '000000'), 'invalid-code');
  assert.equal(wrong.awsCode, 'AccessDenied');
  assert.equal(wrong.message, 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
  assert.equal(wrong.endpoint, s.url);
  assert.equal(s.calls.GetSessionToken, 1);

  await session(api, '135790');
  await failsWith(session(api, '135790'), 'invalid-code');
  const malformed = await failsWith(session(api, '12345'), 'invalid-code');
  assert.equal(malformed.awsCode, 'ValidationError');
  const wrongDevice = await failsWith(
    api.getSessionToken({ keys: aliceKeys, serial: 'arn:aws:iam::111111111111:mfa/other', code: '111222', durationSeconds: 3600, region: REGION }),
    'invalid-code',
  );
  assert.match(wrongDevice.message, /unable to validate MFA code/);
  assert.equal(s.calls.GetSessionToken, 5);
});

test('a role that trusts only MFA callers, asked without MFA, is access-denied with AWS message', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const e = await failsWith(api.assumeRole({ credentials: aliceKeys, roleArn: SWITCH, sessionName: 'nomfa', region: REGION }), 'access-denied');
  assert.equal(e.message, `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: ${SWITCH}`);
  assert.equal(e.awsCode, 'AccessDenied');
  assert.equal(s.calls.AssumeRole, 1);
});

test('an unknown access key is invalid-key, and the secret never shows in the error', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const secret = 'NotARealSecretButStillSecret0000000000000';
  const e = await failsWith(api.getCallerIdentity({ credentials: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: secret }, region: REGION }), 'invalid-key');
  assert.equal(e.message, 'The security token included in the request is invalid.');
  assert.equal(e.awsCode, 'InvalidClientTokenId');
  assert.ok(!JSON.stringify({ ...e, message: e.message, stack: e.stack }).includes(secret));
});

test('expired temporary credentials are expired-token', async (t) => {
  let clock = Date.now();
  const s = await standIn(t, { now: () => clock });
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const creds = await session(api, '123456', 900);
  clock += 901_000;
  const e = await failsWith(api.assumeRole({ credentials: creds, roleArn: HUB, sessionName: 'late', region: REGION }), 'expired-token');
  assert.equal(e.awsCode, 'ExpiredToken');
});

test('DurationSeconds out of range is validation', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const e = await failsWith(session(api, '123456', 60), 'validation');
  assert.match(e.message, /durationSeconds.*greater than or equal to 900/);
});

test('throttling is retried with backoff, up to 3 attempts, then throttled', async (t) => {
  let throttled = 0;
  const s = await standIn(t, {
    fault: () => (throttled-- > 0 ? { status: 400, code: 'Throttling', message: 'Rate exceeded' } : undefined),
  });
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  throttled = 2;
  await session(api); // a call with a code is retried too: a throttled call never reached the MFA check
  assert.equal(s.calls.GetSessionToken, 3);
  throttled = 10;
  const e = await failsWith(api.getCallerIdentity({ credentials: aliceKeys, region: REGION }), 'throttled');
  assert.equal(e.message, 'Rate exceeded');
  assert.equal(s.calls.GetCallerIdentity, 3);
});

test('a server error is retried for plain calls, but a call spending an MFA code is sent once', async (t) => {
  const s = await standIn(t, { fault: () => ({ status: 500, code: 'InternalFailure', message: 'An internal error has occurred' }) });
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const e = await failsWith(session(api), 'server-error');
  assert.equal(e.awsCode, 'InternalFailure');
  assert.equal(s.calls.GetSessionToken, 1);
  await failsWith(api.assumeRole({ credentials: aliceKeys, roleArn: SWITCH, sessionName: 'x1', region: REGION, serial: ALICE.mfaSerial, code: '123456' }), 'server-error');
  assert.equal(s.calls.AssumeRole, 1);
  await failsWith(api.getCallerIdentity({ credentials: aliceKeys, region: REGION }), 'server-error');
  assert.equal(s.calls.GetCallerIdentity, 3);
});

test('a closed port is unreachable within a second, and the message names the endpoint', async () => {
  const url = `http://127.0.0.1:${await closedPort()}`;
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: url });
  const started = performance.now();
  const e = await failsWith(session(api), 'unreachable');
  assert.ok(e.message.startsWith(`cannot reach STS at ${url}: `), e.message);
  assert.match(e.message, /ECONNREFUSED/);
  assert.equal(e.endpoint, url);
  const plain = await failsWith(api.getCallerIdentity({ credentials: aliceKeys, region: REGION }), 'unreachable');
  assert.ok(plain.message.includes(url));
  assert.ok(performance.now() - started < 3_000, `took ${performance.now() - started} ms`);
});

/** A loopback server that accepts connections and never answers; stopped by the test. */
async function silentServer(t: { after(fn: () => void): void }): Promise<string> {
  const sockets = new Set<Socket>();
  const srv = createTcpServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    srv.close();
  });
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

test('an endpoint that accepts connections but never answers is unreachable after the request timeout', async (t) => {
  const url = await silentServer(t);
  const api = createStsApi({ AWS_ENDPOINT_URL: url }, { requestTimeoutMs: 300 });
  const started = performance.now();
  const e = await failsWith(session(api), 'unreachable');
  assert.ok(e.message.includes(url), e.message);
  assert.ok(performance.now() - started < 2_000);
});

test('TFW_STS_TIMEOUT bounds the wait for an STS that never answers; the message says how long and what sets it', async (t) => {
  const url = await silentServer(t);
  const e = await failsWith(session(createStsApi({ AWS_ENDPOINT_URL_STS: url, TFW_STS_TIMEOUT: '1' })), 'unreachable');
  assert.equal(e.message, `STS at ${url} did not answer within 1 s (TFW_STS_TIMEOUT sets how long to wait)`);
});

test('clock skew: STS refuses the request\'s time, the SDK corrects its clock from STS\'s, and the call (code included) is sent again once', async (t) => {
  // STS's clock is an hour ahead of this machine's; it allows 15 minutes.
  const s = await standIn(t, { now: () => Date.now() + 3600_000, maxSkewMs: 15 * 60_000 });
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const creds = await session(api, '314159');
  assert.match(creds.accessKeyId, /^ASIA/);
  assert.equal(s.calls.GetSessionToken, 2, 'refused for its time, then accepted');
  assert.deepEqual(s.requests.map((r) => r.params.TokenCode), ['314159', '314159']);
  // the corrected clock holds for the next calls
  await api.getCallerIdentity({ credentials: creds, region: REGION });
  assert.equal(s.calls.GetCallerIdentity, 1);
});

test('a time STS still refuses is clock-skew, with AWS\'s message, and the code is not sent again', async (t) => {
  const s = await standIn(t, { fault: () => ({ status: 403, code: 'SignatureDoesNotMatch', message: 'Signature expired: 20200101T000000Z is now earlier than 20200101T001500Z (20200101T003000Z - 15 min.)' }) });
  const e = await failsWith(session(createStsApi({ AWS_ENDPOINT_URL_STS: s.url })), 'clock-skew');
  assert.match(e.message, new RegExp(`^STS at ${s.url} refused the request's time.*Signature expired`));
  assert.equal(s.calls.GetSessionToken, 1);
});

test('AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL, which is used alone', async (t) => {
  const specific = await standIn(t);
  const generic = await standIn(t);
  await createStsApi({ AWS_ENDPOINT_URL_STS: specific.url, AWS_ENDPOINT_URL: generic.url }).getCallerIdentity({ credentials: aliceKeys, region: REGION });
  assert.equal(specific.calls.GetCallerIdentity, 1);
  assert.equal(generic.calls.GetCallerIdentity, 0);
  await createStsApi({ AWS_ENDPOINT_URL: generic.url }).getCallerIdentity({ credentials: aliceKeys, region: REGION });
  assert.equal(generic.calls.GetCallerIdentity, 1);
  const bad = await failsWith(createStsApi({ AWS_ENDPOINT_URL_STS: 'sts.example' }).getCallerIdentity({ credentials: aliceKeys, region: REGION }), 'other');
  assert.match(bad.message, /^AWS_ENDPOINT_URL_STS is not an http\(s\) URL: sts\.example$/);
});

test('only the env object given is honoured, not process.env or the shared config files', async (t) => {
  const s = await standIn(t);
  const decoy = await standIn(t);
  const dir = await mkdtemp(join(tmpdir(), 'tfw-sts-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const config = join(dir, 'config');
  await writeFile(config, `[default]\nregion = mars-1\nendpoint_url = ${decoy.url}\nmax_attempts = junk\nretry_mode = junk\n[services x]\nsts =\n  endpoint_url = ${decoy.url}\n`);
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_STS: decoy.url,
    AWS_ENDPOINT_URL: decoy.url,
    AWS_MAX_ATTEMPTS: 'junk',
    AWS_RETRY_MODE: 'junk',
    AWS_REGION: 'mars-1',
    AWS_USE_FIPS_ENDPOINT: 'true',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: config,
    AWS_ACCESS_KEY_ID: BOB.accessKeyId,
    AWS_SECRET_ACCESS_KEY: BOB.secretAccessKey,
  });
  try {
    const who = await createStsApi({ AWS_ENDPOINT_URL_STS: s.url }).getCallerIdentity({ credentials: aliceKeys, region: REGION });
    assert.equal(who.arn, 'arn:aws:iam::111111111111:user/alice');
    // without an endpoint in the env given, the real (unreachable here) regional endpoint is used, never process.env's
    const e = await failsWith(createStsApi({}, { connectionTimeoutMs: 500 }).getCallerIdentity({ credentials: aliceKeys, region: 'eu-west-1' }), 'unreachable');
    assert.equal(e.endpoint, 'https://sts.eu-west-1.amazonaws.com');
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
  assert.equal(s.calls.GetCallerIdentity, 1);
  assert.deepEqual(decoy.calls, { GetSessionToken: 0, AssumeRole: 0, GetCallerIdentity: 0, ListMFADevices: 0 });
});

test('one api serves several identities and regions: each call signs with its own credentials', async (t) => {
  const s = await standIn(t);
  const api = createStsApi({ AWS_ENDPOINT_URL_STS: s.url });
  const bobKeys = { accessKeyId: BOB.accessKeyId, secretAccessKey: BOB.secretAccessKey };
  const [a, b, a2] = await Promise.all([
    api.getCallerIdentity({ credentials: aliceKeys, region: REGION }),
    api.getCallerIdentity({ credentials: bobKeys, region: REGION }),
    api.getCallerIdentity({ credentials: aliceKeys, region: 'eu-central-1' }),
  ]);
  assert.equal(a.arn, 'arn:aws:iam::111111111111:user/alice');
  assert.equal(b.arn, 'arn:aws:iam::444444444444:user/bob');
  assert.equal(a2.arn, a.arn);
  const creds = await session(api);
  assert.equal((await api.getCallerIdentity({ credentials: creds, region: REGION })).arn, a.arn);
  assert.deepEqual(
    s.requests.map((r) => r.accessKeyId),
    [ALICE.accessKeyId, BOB.accessKeyId, ALICE.accessKeyId, ALICE.accessKeyId, creds.accessKeyId],
  );
});

test('importing src/aws/sts.ts (and creating the api) does not load the AWS SDK; the first call does', async () => {
  // A resolve hook, registered after tsx's so it sees bare specifiers first, reports every @aws-sdk / @smithy import.
  const hook = `
    export async function resolve(specifier, context, next) {
      if (/^@(aws-sdk|smithy)\\//.test(specifier)) throw new Error('SDK LOADED: ' + specifier);
      return next(specifier, context);
    }`;
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));
    const { createStsApi } = await import('./src/aws/sts.ts');
    const api = createStsApi({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' });
    console.log('imported without the SDK');
    try {
      await api.getCallerIdentity({ credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'y' }, region: 'us-east-1' });
    } catch (e) {
      console.log('first call: ' + e.message);
    }`;
  const out = await new Promise<{ stdout: string; stderr: string; code: number }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ stdout, stderr, code: err ? 1 : 0 }),
    ),
  );
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^imported without the SDK\n/);
  // the positive control: the hook does see the SDK once a call is made
  assert.match(out.stdout, /first call: .*SDK LOADED: @aws-sdk\/client-sts/);
});

test('the SDK prints no Node version warning into the run', async () => {
  const script = `
    const { createStsApi } = await import('./src/aws/sts.ts');
    try { await createStsApi({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1' }).getCallerIdentity({ credentials: { accessKeyId: 'AKIAX', secretAccessKey: 'y' }, region: 'us-east-1' }); } catch {}
    console.log(JSON.stringify(process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? null));`;
  const env = { ...process.env };
  delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  const out = await new Promise<{ stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, env, timeout: 30_000 }, (_err, stdout, stderr) =>
      resolve({ stdout, stderr }),
    ),
  );
  assert.equal(out.stdout.trim(), 'null', 'the opt-out must not stay in process.env (it would reach terraform)');
  assert.doesNotMatch(out.stderr, /Warning/);
});

/** A loopback HTTP server whose every answer is `respond(res)`; stopped by the test. */
async function httpServer(t: { after(fn: () => void): void }, respond: (res: import('node:http').ServerResponse) => void): Promise<string> {
  const { createServer } = await import('node:http');
  const sockets = new Set<Socket>();
  const srv = createServer((req, res) => {
    req.resume();
    req.on('end', () => respond(res));
  });
  srv.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.after(() => {
    for (const s of sockets) s.destroy();
    srv.close();
  });
  return `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
}

test('TFW_STS_TIMEOUT bounds each exchange to its last byte: an STS that answers one byte a second does not hold the run', { timeout: 60_000 }, async (t) => {
  const url = await httpServer(t, (res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    const timer = setInterval(() => res.write(' '), 200);
    res.on('close', () => clearInterval(timer));
  });
  const started = performance.now();
  const e = await failsWith(session(createStsApi({ AWS_ENDPOINT_URL_STS: url, TFW_STS_TIMEOUT: '1' })), 'unreachable');
  assert.equal(e.message, `STS at ${url} did not answer within 1 s (TFW_STS_TIMEOUT sets how long to wait)`);
  assert.ok(performance.now() - started < 20_000, 'ended (generous bound for a loaded machine)');
});

test('a huge STS error body is not read whole, and a huge message is printed cut', { timeout: 60_000 }, async (t) => {
  const huge = await httpServer(t, (res) => {
    res.writeHead(400, { 'Content-Type': 'text/xml' });
    const chunk = Buffer.alloc(1024 * 1024, 'x');
    let sent = 0;
    const more = (): void => {
      while (sent < 300 && res.write(chunk)) sent++;
      if (sent < 300) res.once('drain', more);
      else res.end();
    };
    more();
  });
  const before = process.memoryUsage().heapUsed;
  const e = await failsWith(session(createStsApi({ AWS_ENDPOINT_URL_STS: huge })), 'other');
  assert.ok(process.memoryUsage().heapUsed - before < 100 * 1024 * 1024, 'the 300 MB body was not buffered');
  assert.ok(e.message.length < 1000, `message of ${e.message.length} characters`);
  const long = await httpServer(t, (res) => {
    res.writeHead(400, { 'Content-Type': 'text/xml' });
    res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${'m'.repeat(200_000)}</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
  });
  const cut = await failsWith(session(createStsApi({ AWS_ENDPOINT_URL_STS: long })), 'validation');
  assert.ok(cut.message.length < 1000, `message of ${cut.message.length} characters`);
  assert.match(cut.message, /… \(\d+ more characters\)$/);
});
