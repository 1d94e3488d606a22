// `tfw auth doctor`: each check passing, then each failing once with its fix;
// --json for scripts; exit 1 when something is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { moduleSandbox, runTfw, TFW_BIN } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE5016', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000005016', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
let sts: StsStandIn;
let skewed: Server;
let skewedUrl: string;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE], roles: [] });
  // An "STS" whose clock is an hour ahead.
  skewed = createServer((_q, r) => {
    r.writeHead(400, { Date: new Date(Date.now() + 3600_000).toUTCString() }).end();
  });
  await new Promise<void>((resolve) => skewed.listen(0, '127.0.0.1', resolve));
  skewedUrl = `http://127.0.0.1:${(skewed.address() as { port: number }).port}`;
});
after(() => {
  sts?.stop();
  skewed?.close();
});

const CONFIG = `[profile prod]\nmfa_serial = ${ALICE.mfaSerial}\nregion = eu-west-1\n\n[profile loop]\nsource_profile = loop2\nrole_arn = arn:aws:iam::1:role/x\n\n[profile loop2]\nsource_profile = loop\nrole_arn = arn:aws:iam::1:role/y\n`;
const CREDENTIALS = `[prod]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;
const setup = (t: Parameters<typeof moduleSandbox>[0]) =>
  moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf: 'provider "aws" {\n  profile = "prod"\n}\n', env: { AWS_ENDPOINT_URL_STS: sts.url } });

interface Check {
  check: string;
  status: string;
  detail: string;
  fix?: string;
}
async function doctor(args: string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; ok: boolean; checks: Check[] }> {
  const r = await runTfw(['auth', 'doctor', '--json', ...args], { cwd, env });
  assert.equal(r.stderr, '');
  const json = JSON.parse(r.stdout);
  return { code: r.code, ok: json.ok, checks: json.checks };
}
const status = (checks: Check[], name: string): string[] => checks.filter((c) => c.check === name).map((c) => c.status);

test('doctor in a healthy module: every check ✓ (the shell one says how to make terraform tfw), exit 0, no code asked', async (t) => {
  const { dir, env } = await setup(t);
  const before = sts.calls.GetSessionToken;
  const r = await doctor([], dir, env);
  assert.equal(r.code, 0, JSON.stringify(r.checks, null, 2));
  assert.equal(r.ok, true);
  for (const name of ['terraform', 'aws-files', 'cache', 'profile', 'sts', 'clock']) assert.deepEqual(status(r.checks, name), ['ok'], name);
  assert.match(r.checks.find((c) => c.check === 'profile')!.detail, /^aws: profile prod, MFA device arn:aws:iam::111111111111:mfa\/alice/);
  assert.deepEqual(status(r.checks, 'shell'), ['info']);
  assert.equal(sts.calls.GetSessionToken, before);
  const text = await runTfw(['auth', 'doctor'], { cwd: dir, env });
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^✓ terraform /m);
  assert.match(text.stdout, /No problem found\.\n$/);
});

test('doctor: each check failing once, with its fix, exit 1', async (t) => {
  const { box, dir, env } = await setup(t);
  const cases: Array<[string, string[], Record<string, string>, () => Promise<void>]> = [
    ['terraform', [], { TFW_TERRAFORM: '/nonexistent/terraform' }, async () => {}],
    ['aws-files', [], { AWS_CONFIG_FILE: box.aws }, async () => {}],
    ['cache', [], {}, async () => {
      await mkdir(join(box.cache, 'tfw'), { recursive: true });
      await chmod(join(box.cache, 'tfw'), 0o777);
    }],
    ['profile', ['--profile', 'nosuch'], {}, async () => {}],
    ['profile', ['--profile', 'loop'], {}, async () => {}],
    ['sts', [], { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' }, async () => {}],
    ['clock', [], { AWS_ENDPOINT_URL_STS: skewedUrl }, async () => {}],
  ];
  for (const [name, args, extra, prepare] of cases) {
    await prepare();
    const r = await doctor(args, dir, { ...env, ...extra });
    const label = `${name} ${args.join(' ')}`;
    assert.equal(r.code, 1, label);
    assert.equal(r.ok, false, label);
    const failed = r.checks.filter((c) => c.status === 'fail');
    assert.deepEqual(failed.map((c) => c.check), [name], `${label}: ${JSON.stringify(failed)}`);
    assert.ok(failed[0]!.fix && failed[0]!.fix.length > 10, `${label}: a fix`);
    if (name === 'cache') await chmod(join(box.cache, 'tfw'), 0o700);
  }
});

test('doctor: how the shell reaches tfw, a symlink named terraform on PATH or an alias', async (t) => {
  const { box, dir, env } = await setup(t);
  const bin = join(box.root, 'shims');
  await mkdir(bin);
  await symlink(TFW_BIN, join(bin, 'terraform'));
  const linked = await doctor([], dir, { ...env, PATH: `${bin}:${env.PATH}` });
  const shell = linked.checks.find((c) => c.check === 'shell')!;
  assert.equal(shell.status, 'ok');
  assert.match(shell.detail, /^terraform on PATH is tfw \(.*shims\/terraform → .*bin\/tfw\.js\)$/);
  assert.deepEqual(status(linked.checks, 'terraform'), ['ok'], 'the real terraform behind it is still found');
  await writeFile(join(box.home, '.zshrc'), 'export X=1\nalias terraform=tfw\n');
  const aliased = await doctor([], dir, env);
  assert.deepEqual(aliased.checks.find((c) => c.check === 'shell'), { check: 'shell', status: 'ok', detail: '~/.zshrc: alias terraform=tfw' });
});
