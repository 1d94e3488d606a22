import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  GetSessionTokenCommand,
  STSClient,
  type Credentials,
} from '@aws-sdk/client-sts';
import { startStsStandIn, type StandInOptions, type StsStandIn } from './sts-standin.ts';

// This file drives the SDK directly; keep its Node < 22 notice out of the test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ALICE = {
  userName: 'alice',
  account: '111111111111',
  accessKeyId: 'AKIAALICE00000000001',
  secretAccessKey: 'alice-secret-0000000000000000000000000001',
  mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
};
const BOB = { userName: 'bob', account: '111111111111', accessKeyId: 'AKIABOB0000000000002', secretAccessKey: 'bob-secret-000000000000000000000000000002' };
const SWITCH = 'arn:aws:iam::222222222222:role/switch';
const HUB = 'arn:aws:iam::222222222222:role/hub';
const DEPLOY = 'arn:aws:iam::333333333333:role/team/deploy';
const MFA_FAILED = 'MultiFactorAuthentication failed with invalid MFA one time pass code. ';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

async function standIn(t: TestContext, extra: Partial<StandInOptions> = {}): Promise<StsStandIn> {
  const s = await startStsStandIn({
    users: [ALICE, BOB],
    roles: [{ arn: SWITCH, requireMfa: true }, { arn: HUB }, { arn: DEPLOY, requireMfa: true }],
    ...extra,
  });
  t.after(() => s.stop());
  return s;
}

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

function sts(s: StsStandIn, credentials: Creds): STSClient {
  return new STSClient({ region: 'us-east-1', endpoint: s.url, credentials, maxAttempts: 1 });
}

const keysOf = (u: { accessKeyId: string; secretAccessKey: string }): Creds => ({ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey });

function fromSts(c: Credentials | undefined): Creds {
  assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

async function mfaSession(s: StsStandIn, code = '123456'): Promise<Creds> {
  const out = await sts(s, keysOf(ALICE)).send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: code }));
  return fromSts(out.Credentials);
}

/** Asserts the call fails with the STS error `code`, HTTP `status` and (when given) exactly `message`. */
async function rejectsWith(p: Promise<unknown>, code: string, status: number, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    assert.equal(err.name, code);
    assert.equal(err.$metadata?.httpStatusCode, status);
    if (typeof message === 'string') assert.equal(err.message, message);
    else if (message) assert.match(err.message ?? '', message);
    return true;
  });
}

test('GetSessionToken with the right device and code gives an MFA session that identifies as the user', async (t) => {
  const s = await standIn(t);
  const out = await sts(s, keysOf(ALICE)).send(
    new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '123456', DurationSeconds: 3600 }),
  );
  const c = out.Credentials!;
  assert.match(c.AccessKeyId!, /^ASIA[A-Z0-9]{16}$/);
  assert.ok(c.SecretAccessKey!.length >= 40);
  assert.ok(c.SessionToken!.length > 300);
  const lifetime = c.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 3590_000 && lifetime <= 3600_000, `lifetime ${lifetime}`);

  const who = await sts(s, fromSts(c)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:iam::111111111111:user/alice');
  assert.equal(who.Account, '111111111111');
  assert.match(who.UserId!, /^AIDA[A-Z0-9]{17}$/);

  assert.deepEqual(s.calls, { GetSessionToken: 1, AssumeRole: 0, GetCallerIdentity: 1, ListMFADevices: 0 });
  assert.deepEqual(s.requests[0], {
    action: 'GetSessionToken',
    accessKeyId: ALICE.accessKeyId,
    params: { SerialNumber: ALICE.mfaSerial, TokenCode: '123456', DurationSeconds: '3600' },
  });
  assert.equal(s.requests[1]!.accessKeyId, c.AccessKeyId);
  const recorded = JSON.stringify(s.requests);
  for (const secret of [ALICE.secretAccessKey, c.SecretAccessKey!, c.SessionToken!]) assert.ok(!recorded.includes(secret));
});

test('GetSessionToken without a code lasts 12 hours by default and is not MFA-authenticated', async (t) => {
  const s = await standIn(t);
  const out = await sts(s, keysOf(ALICE)).send(new GetSessionTokenCommand({}));
  const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 43190_000 && lifetime <= 43200_000, `lifetime ${lifetime}`);
  await rejectsWith(sts(s, fromSts(out.Credentials)).send(new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'x1' })), 'AccessDenied', 403);
});

test('a wrong code, a code for another device and a malformed code are refused as real STS refuses them', async (t) => {
  const s = await standIn(t, { acceptCode: (serial, code) => serial === ALICE.mfaSerial && code === '111111' });
  const alice = sts(s, keysOf(ALICE));
  await rejectsWith(alice.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '222222' })), 'AccessDenied', 403, MFA_FAILED);
  await rejectsWith(
    alice.send(new GetSessionTokenCommand({ SerialNumber: 'arn:aws:iam::111111111111:mfa/mallory', TokenCode: '111111' })),
    'AccessDenied',
    403,
    /^MultiFactorAuthentication failed, unable to validate MFA code/,
  );
  await rejectsWith(
    sts(s, keysOf(BOB)).send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '111111' })),
    'AccessDenied',
    403,
    /^MultiFactorAuthentication failed/,
  );
  await rejectsWith(alice.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '12a456' })), 'ValidationError', 400, /'tokenCode'/);
  await rejectsWith(alice.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '12345' })), 'ValidationError', 400, /'tokenCode'/);
  // none of those spent the good code
  await alice.send(new GetSessionTokenCommand({ SerialNumber: ALICE.mfaSerial, TokenCode: '111111' }));
  assert.equal(s.calls.GetSessionToken, 6);
});

test('a code already accepted for a device is refused the second time', async (t) => {
  const s = await standIn(t);
  await mfaSession(s, '424242');
  await rejectsWith(mfaSession(s, '424242'), 'AccessDenied', 403, MFA_FAILED);
  // ...also when the second use is on AssumeRole
  await rejectsWith(
    sts(s, keysOf(ALICE)).send(new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'again', SerialNumber: ALICE.mfaSerial, TokenCode: '424242' })),
    'AccessDenied',
    403,
    MFA_FAILED,
  );
  await mfaSession(s, '424243');
});

test('GetSessionToken checks DurationSeconds and refuses temporary credentials', async (t) => {
  const s = await standIn(t);
  const alice = sts(s, keysOf(ALICE));
  await rejectsWith(alice.send(new GetSessionTokenCommand({ DurationSeconds: 899 })), 'ValidationError', 400, /greater than or equal to 900/);
  await rejectsWith(alice.send(new GetSessionTokenCommand({ DurationSeconds: 129601 })), 'ValidationError', 400, /less than or equal to 129600/);
  await alice.send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
  const session = await mfaSession(s);
  await rejectsWith(sts(s, session).send(new GetSessionTokenCommand({})), 'AccessDenied', 403);
});

test('an MFA-only role is refused to long-term keys without a code, with the real STS message', async (t) => {
  const s = await standIn(t);
  await rejectsWith(
    sts(s, keysOf(ALICE)).send(new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'tfw' })),
    'AccessDenied',
    403,
    `User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: ${SWITCH}`,
  );
  await rejectsWith(
    sts(s, keysOf(ALICE)).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::222222222222:role/nope', RoleSessionName: 'tfw' })),
    'AccessDenied',
    403,
    /not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role\/nope$/,
  );
  // a role without the MFA condition is fine
  const out = await sts(s, keysOf(ALICE)).send(new AssumeRoleCommand({ RoleArn: HUB, RoleSessionName: 'tfw' }));
  assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/hub/tfw');
  assert.match(out.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z0-9]{17}:tfw$/);
});

test('an MFA-only role is assumed with an MFA session, and the role credentials identify as the assumed role', async (t) => {
  const s = await standIn(t);
  const session = await mfaSession(s);
  const out = await sts(s, session).send(new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: 'alice-tfw' }));
  assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::333333333333:assumed-role/deploy/alice-tfw');
  const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 3590_000 && lifetime <= 3600_000, `default role lifetime ${lifetime}`);
  const who = await sts(s, fromSts(out.Credentials)).send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:sts::333333333333:assumed-role/deploy/alice-tfw');
  assert.equal(who.Account, '333333333333');
  assert.equal(who.UserId, out.AssumedRoleUser?.AssumedRoleId);
  assert.deepEqual(s.requests.at(1)?.params, { RoleArn: DEPLOY, RoleSessionName: 'alice-tfw' });
});

test('an MFA-only role is assumed with SerialNumber and TokenCode on the AssumeRole call itself', async (t) => {
  const s = await standIn(t);
  const out = await sts(s, keysOf(ALICE)).send(
    new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'cli', SerialNumber: ALICE.mfaSerial, TokenCode: '654321', DurationSeconds: 900 }),
  );
  assert.equal(out.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/switch/cli');
  const lifetime = out.Credentials!.Expiration!.getTime() - Date.now();
  assert.ok(lifetime > 890_000 && lifetime <= 900_000, `lifetime ${lifetime}`);
  assert.equal(s.calls.GetSessionToken, 0);
});

test('MFA presence carries through role chaining; without MFA at the start it does not', async (t) => {
  const s = await standIn(t);
  const hubWithMfa = await sts(s, await mfaSession(s)).send(new AssumeRoleCommand({ RoleArn: HUB, RoleSessionName: 'hop1' }));
  const chained = await sts(s, fromSts(hubWithMfa.Credentials)).send(new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: 'hop2' }));
  assert.equal(chained.AssumedRoleUser?.Arn, 'arn:aws:sts::333333333333:assumed-role/deploy/hop2');

  const hubWithout = await sts(s, keysOf(ALICE)).send(new AssumeRoleCommand({ RoleArn: HUB, RoleSessionName: 'hop1' }));
  await rejectsWith(
    sts(s, fromSts(hubWithout.Credentials)).send(new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: 'hop2' })),
    'AccessDenied',
    403,
    `User: arn:aws:sts::222222222222:assumed-role/hub/hop1 is not authorized to perform: sts:AssumeRole on resource: ${DEPLOY}`,
  );
  // role chaining is capped at one hour
  await rejectsWith(
    sts(s, fromSts(hubWithMfa.Credentials)).send(new AssumeRoleCommand({ RoleArn: DEPLOY, RoleSessionName: 'hop2', DurationSeconds: 7200 })),
    'ValidationError',
    400,
    /1 hour session limit for roles assumed by role chaining/,
  );
});

test('temporary credentials expire: role credentials after credentialSeconds, then ExpiredToken', async (t) => {
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const s = await standIn(t, { now: () => clock, roles: [{ arn: SWITCH, requireMfa: true, credentialSeconds: 5 }] });
  const session = await mfaSession(s);
  const role = await sts(s, session).send(new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'short', DurationSeconds: 3600 }));
  assert.equal(role.Credentials?.Expiration?.toISOString(), '2026-01-01T00:00:05.000Z');
  const roleClient = sts(s, fromSts(role.Credentials));
  clock += 4_000;
  await roleClient.send(new GetCallerIdentityCommand({}));
  clock += 1_000;
  await rejectsWith(roleClient.send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403, 'The security token included in the request is expired');
  // the session itself (12 h) still works and re-assumes the role
  await sts(s, session).send(new AssumeRoleCommand({ RoleArn: SWITCH, RoleSessionName: 'short' }));
  clock += 12 * 3600_000;
  await rejectsWith(sts(s, session).send(new GetCallerIdentityCommand({})), 'ExpiredToken', 403);
});

test('an unknown access key, or a temporary key with the wrong token, is InvalidClientTokenId', async (t) => {
  const s = await standIn(t);
  const invalid = 'The security token included in the request is invalid.';
  await rejectsWith(
    sts(s, { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})),
    'InvalidClientTokenId',
    403,
    invalid,
  );
  const session = await mfaSession(s);
  await rejectsWith(sts(s, { ...session, sessionToken: 'forged' }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403, invalid);
  await rejectsWith(sts(s, { accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey }).send(new GetCallerIdentityCommand({})), 'InvalidClientTokenId', 403);
  assert.equal(s.requests.at(-1)?.accessKeyId, session.accessKeyId);
});

/** A raw HTTP exchange with the stand-in. */
async function raw(s: StsStandIn, init: { method: string; path?: string; body?: string; headers?: Record<string, string> }): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(s.url + (init.path ?? '/'), { method: init.method, headers: init.headers, body: init.body });
  return { status: res.status, body: await res.text(), headers: res.headers };
}
const auth = (akid: string): string =>
  `AWS4-HMAC-SHA256 Credential=${akid}/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;

test('errors come back as real STS ErrorResponse XML; GET with a query string works', async (t) => {
  const s = await standIn(t);
  const bad = await raw(s, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', authorization: auth('AKIANOBODY0000000000') },
    body: 'Action=GetCallerIdentity&Version=2011-06-15',
  });
  assert.equal(bad.status, 403);
  assert.match(bad.headers.get('content-type') ?? '', /^text\/xml/);
  assert.match(
    bad.body,
    /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type><Code>InvalidClientTokenId<\/Code><Message>The security token included in the request is invalid\.<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>\n$/,
  );
  assert.equal(bad.headers.get('x-amzn-requestid'), /<RequestId>(.*)<\/RequestId>/.exec(bad.body)?.[1]);

  const get = await raw(s, { method: 'GET', path: '/?Action=GetCallerIdentity&Version=2011-06-15', headers: { authorization: auth(ALICE.accessKeyId) } });
  assert.equal(get.status, 200);
  assert.match(get.body, /<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:user\/alice<\/Arn>/);
  assert.match(get.body, /<ResponseMetadata><RequestId>[0-9a-f-]{36}<\/RequestId><\/ResponseMetadata><\/GetCallerIdentityResponse>/);

  const presigned = await raw(s, { method: 'GET', path: `/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Credential=${ALICE.accessKeyId}%2F20260101%2Fus-east-1%2Fsts%2Faws4_request` });
  assert.equal(presigned.status, 200);
  assert.deepEqual(s.requests.at(-1), { action: 'GetCallerIdentity', accessKeyId: ALICE.accessKeyId, params: {} });

  const unsigned = await raw(s, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15' });
  assert.equal(unsigned.status, 403);
  assert.match(unsigned.body, /<Code>MissingAuthenticationToken<\/Code>/);

  const unknown = await raw(s, { method: 'POST', body: 'Action=GetFederationToken&Version=2011-06-15', headers: { authorization: auth(ALICE.accessKeyId) } });
  assert.equal(unknown.status, 400);
  assert.match(unknown.body, /<Code>InvalidAction<\/Code><Message>Could not find operation GetFederationToken for version 2011-06-15<\/Message>/);
  assert.deepEqual(s.calls, { GetSessionToken: 0, AssumeRole: 0, GetCallerIdentity: 4, ListMFADevices: 0 });
});

test('a fault hook answers throttling or outages instead of the call', async (t) => {
  let throttle = 2;
  const s = await standIn(t, {
    fault: (r) => (r.action === 'GetCallerIdentity' && throttle-- > 0 ? { status: 400, code: 'Throttling', message: 'Rate exceeded' } : undefined),
  });
  const client = new STSClient({ region: 'us-east-1', endpoint: s.url, credentials: keysOf(ALICE), maxAttempts: 3 });
  const out = await client.send(new GetCallerIdentityCommand({}));
  assert.equal(out.$metadata.attempts, 3);
  assert.equal(s.calls.GetCallerIdentity, 3);
});

test('latencyMs delays every answer', async (t) => {
  const s = await standIn(t, { latencyMs: 150 });
  const started = performance.now();
  await sts(s, keysOf(ALICE)).send(new GetCallerIdentityCommand({}));
  assert.ok(performance.now() - started >= 140);
});

test('stop() closes kept-alive connections so the process can exit', async () => {
  const s = await startStsStandIn({ users: [ALICE], roles: [], latencyMs: 600 });
  const agent = new Agent({ keepAlive: true });
  try {
    const first = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${s.url}/?Action=InvalidOne`, { agent, method: 'GET' }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(first, 400);
    // the socket stays open (keep-alive); one more request is left waiting on the latency timer
    const pending = new Promise<void>((resolve) => {
      const req = httpRequest(`${s.url}/?Action=GetCallerIdentity`, { agent, method: 'GET', headers: { authorization: auth(ALICE.accessKeyId) } }, (res) => res.resume());
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.end();
    });
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    await s.stop();
    await pending;
    assert.ok(performance.now() - started < 400, 'stop() waited for a held answer');
    await s.stop(); // idempotent
  } finally {
    agent.destroy();
    await s.stop();
  }
});

function which(cmd: string): Promise<boolean> {
  return new Promise((resolve) => execFile('sh', ['-c', `command -v ${cmd}`], (err) => resolve(!err)));
}

test('the aws CLI talks to the stand-in (get-caller-identity, get-session-token with a code)', async (t) => {
  if (!(await which('aws'))) {
    t.skip('aws CLI not on PATH');
    return;
  }
  const s = await standIn(t);
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_ACCESS_KEY_ID: ALICE.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ALICE.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const aws = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) =>
      execFile('aws', [...args, '--endpoint-url', s.url, '--output', 'json'], { env, timeout: 30_000 }, (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      ),
    );
  const who = await aws(['sts', 'get-caller-identity']);
  assert.equal(who.code, 0, who.stderr);
  assert.equal(JSON.parse(who.stdout).Arn, 'arn:aws:iam::111111111111:user/alice');

  const session = await aws(['sts', 'get-session-token', '--serial-number', ALICE.mfaSerial, '--token-code', '777777']);
  assert.equal(session.code, 0, session.stderr);
  assert.match(JSON.parse(session.stdout).Credentials.AccessKeyId, /^ASIA/);
  const again = await aws(['sts', 'get-session-token', '--serial-number', ALICE.mfaSerial, '--token-code', '777777']);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /\(AccessDenied\).*MultiFactorAuthentication failed with invalid MFA one time pass code/);
  assert.deepEqual(s.calls, { GetSessionToken: 2, AssumeRole: 0, GetCallerIdentity: 1, ListMFADevices: 0 });
});

test('sts-standin-main prints its url as one JSON line and stops on SIGTERM', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/sts-standin-main.ts', 'fixtures/sts/standin.json'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  const lines = createInterface({ input: child.stdout });
  const [first] = (await once(lines, 'line')) as [string];
  const { url } = JSON.parse(first) as { url: string };
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const client = new STSClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: 'AKIAALICE00000000001', secretAccessKey: 'alice/secret/key/not/real/00000000000001' },
    maxAttempts: 1,
  });
  const who = await client.send(new GetCallerIdentityCommand({}));
  assert.equal(who.Arn, 'arn:aws:iam::111111111111:user/alice');
  client.destroy();
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const [code] = (await exited) as [number | null];
  assert.equal(code, 0);
});

test('IAM ListMFADevices (for tfw auth explain --find-device): the caller\'s own device, refused to session keys', async (t) => {
  const { IAMClient, ListMFADevicesCommand } = await import('@aws-sdk/client-iam');
  const s = await standIn(t);
  const iam = (credentials: Creds) => new IAMClient({ region: 'us-east-1', endpoint: s.url, credentials, maxAttempts: 1 });
  const alice = await iam(keysOf(ALICE)).send(new ListMFADevicesCommand({}));
  assert.deepEqual(alice.MFADevices?.map((d) => [d.UserName, d.SerialNumber]), [['alice', ALICE.mfaSerial]]);
  const bob = await iam(keysOf(BOB)).send(new ListMFADevicesCommand({}));
  assert.deepEqual(bob.MFADevices, []);
  await assert.rejects(iam(await mfaSession(s, '654321')).send(new ListMFADevicesCommand({})), { name: 'AccessDenied' });
  assert.equal(s.calls.ListMFADevices, 3);
});
