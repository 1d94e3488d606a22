// Long-term keys kept out of ~/.aws (aws-vault `export --no-session`,
// 1Password, pass): a chain rooted in a credential_process with mfa_serial,
// three role profiles and the real AWS provider, against the STS stand-in.
// One code, one process call, each alias its own role; the process's keys in
// no file tfw wrote and in no output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listTree, runTfw, sandbox } from './support/harness.ts';
import { callerIdentityModule, PLUGIN_DIR, realProviderSkip, useStsStandIn } from './support/world.ts';

const skip = realProviderSkip('the credential_process end-to-end test');
// The keys the process hands out: named after the vault they come from, found nowhere else.
const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAVAULTEXAMPLE0042', secretAccessKey: 'vault/kept/secret/EXAMPLEKEY000000042', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROLES = ['arn:aws:iam::222222222222:role/network', 'arn:aws:iam::333333333333:role/apps', 'arn:aws:iam::444444444444:role/audit'];
const NAMES = ['network', 'apps', 'audit'];
const world = useStsStandIn({ users: [ALICE], roles: ROLES.map((arn) => ({ arn, requireMfa: true })) }, 420000, { skip });
const MAIN = callerIdentityModule(NAMES);

test('a chain rooted in credential_process (aws-vault --no-session), real AWS provider: one code, one process call, each alias its own role, the keys nowhere', { skip, timeout: 900_000 }, async (t) => {
  const box = await sandbox(t);
  const calls = join(box.root, 'process-calls');
  const script = join(box.root, 'vault-export.sh');
  // Like `aws-vault export --no-session --format=json`: long-term keys, no SessionToken.
  await writeFile(script, `#!/bin/sh\necho run >> '${calls}'\nprintf '%s' '{"Version":1,"AccessKeyId":"${ALICE.accessKeyId}","SecretAccessKey":"${ALICE.secretAccessKey}"}'\n`);
  await chmod(script, 0o700);
  const config = `[profile base]\ncredential_process = ${script}\nmfa_serial = ${ALICE.mfaSerial}\nregion = us-east-1\n${NAMES.map((n, i) => `\n[profile ${n}]\nsource_profile = base\nrole_arn = ${ROLES[i]}\nmfa_serial = ${ALICE.mfaSerial}\n`).join('')}`;
  await box.writeAws(config, '');
  const dir = join(box.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), MAIN);
  const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, TF_IN_AUTOMATION: '1' });
  const processCalls = async () => (existsSync(calls) ? (await readFile(calls, 'utf8')).trim().split('\n').length : 0);

  const init = await runTfw(['init', `-plugin-dir=${PLUGIN_DIR}`, '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(init.code, 0, init.stderr + init.stdout);
  assert.equal(await processCalls(), 0, 'init configures no provider: the process is not run');

  const first = world.sts.requests.length;
  const apply = await runTfw(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: '424242' } });
  assert.equal(apply.code, 0, apply.stderr + apply.stdout);
  assert.equal(world.sts.calls.GetSessionToken, 1, 'one code');
  assert.equal(await processCalls(), 1, 'one process call for three providers');
  // terraform assumed each role from the MFA session, never with the process's keys.
  const requests = world.sts.requests.slice(first);
  assert.deepEqual(requests.filter((r) => r.accessKeyId === ALICE.accessKeyId).map((r) => r.action), ['GetSessionToken']);

  const out = await runTfw(['output', '-json'], { cwd: dir, env });
  const outputs = JSON.parse(out.stdout) as Record<string, { value: string }>;
  NAMES.forEach((n, i) => assert.match(outputs[n]!.value, new RegExp(`^arn:aws:sts::${ROLES[i]!.split(':')[4]}:assumed-role/${n}/`), n));

  // A second run: the cached session serves; no process call, no code.
  const plan = await runTfw(['plan', '-input=false', '-no-color'], { cwd: dir, env });
  assert.equal(plan.code, 0, plan.stderr + plan.stdout);
  assert.equal(await processCalls(), 1);
  assert.equal(world.sts.calls.GetSessionToken, 1);

  // What the per-run files hold, as any command run by tfw sees them.
  const shown = await runTfw(['auth', 'exec', '--', 'sh', '-c', 'cat "$AWS_CONFIG_FILE" "$AWS_SHARED_CREDENTIALS_FILE"'], { cwd: dir, env });
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /\[profile network\]/);
  assert.doesNotMatch(shown.stdout, /credential_process|vault-export/, 'terraform never runs the process itself');

  // The keys: in no output, in no file tfw wrote (cache, per-run files), in no environment it passed on.
  for (const r of [init, apply, out, plan, shown]) {
    for (const secret of [ALICE.accessKeyId, ALICE.secretAccessKey]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'no output holds the keys');
  }
  const written = (await listTree(box.cache)).filter((f) => f.endsWith('.json'));
  assert.equal(written.filter((f) => /\/session-[^/]*$/.test(f)).length, 1, 'one cached session');
  assert.ok(written.some((f) => f.includes('/plans/')), 'the plan memos (checked below too)');
  for (const file of written) {
    const text = await readFile(file, 'utf8');
    assert.ok(!text.includes(ALICE.secretAccessKey) && !text.includes(ALICE.accessKeyId), `${file} holds no process key`);
  }
  assert.deepEqual(await readdir(box.runtime), []);
});
