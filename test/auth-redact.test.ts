// `tfw auth credential-process` on its error path: STS's error may echo the
// request (x-amz-security-token: …); the cached session it used must not
// reach stderr.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, runTfw } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0033', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000033', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const SWITCH = 'arn:aws:iam::222222222222:role/switch';
let sts: StsStandIn;
let echo: string | undefined;

before(async () => {
  sts = await startStsStandIn({
    users: [ALICE],
    roles: [{ arn: SWITCH, requireMfa: true }],
    // A proxy or an STS-compatible server that echoes the request in its error.
    fault: (q) => (q.action === 'AssumeRole' && echo !== undefined ? { status: 403, code: 'AccessDenied', message: `not authorized to assume the role; request: POST / x-amz-security-token: ${echo} authorization: AWS4-HMAC-SHA256` } : undefined),
  });
});
after(() => sts?.stop());

test('credential-process: an STS error that echoes the cached session token prints it redacted', async (t) => {
  const { box, env } = await moduleSandbox(t, {
    config: `[profile source]\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${SWITCH}\nmfa_serial = ${ALICE.mfaSerial}\n`,
    credentials: `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
    mainTf: '',
    env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_CACHE_BACKEND: 'file' },
  });
  assert.equal((await runTfw(['auth', 'login', '--profile', 'switch'], { cwd: box.root, env: { ...env, TFW_MFA_CODE: '551234' } })).code, 0);
  const dir = join(box.cache, 'tfw');
  const file = (await readdir(dir)).find((f) => f.endsWith('.json'))!;
  const session = JSON.parse(await readFile(join(dir, file), 'utf8')).credentials;
  echo = session.sessionToken;
  t.after(() => {
    echo = undefined;
  });
  const r = await runTfw(['auth', 'credential-process', '--profile', 'switch'], { cwd: box.root, env });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^tfw: /);
  assert.ok(!r.stderr.includes(session.sessionToken), `the session token is on stderr: ${r.stderr}`);
  assert.ok(!r.stderr.includes(session.secretAccessKey));
});
