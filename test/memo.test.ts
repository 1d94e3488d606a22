// The plan memo (src/memo.ts, src/warm.ts): a credentialed run whose inputs
// all read as they did when the memo was made is served from it — and hands
// terraform exactly what the full path would. Each test changes one kind of
// input between runs and compares the run with the truth: the same run made
// with no memo at all.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readdir, readFile, rename, rm, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { moduleSandbox, readRecord, runTfw, type Ran } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEMEMO0000001', secretAccessKey: 'alice/memo/secret/EXAMPLE00000000000001', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const BOB = { userName: 'bob', account: '444444444444', accessKeyId: 'AKIABOBMEMO000000001', secretAccessKey: 'bob/memo/secret/EXAMPLE0000000000000001', mfaSerial: 'arn:aws:iam::444444444444:mfa/bob' };

let sts: StsStandIn;
let codeCounter = 510000;
before(async () => {
  sts = await startStsStandIn({ users: [ALICE, BOB], roles: [] });
});
after(() => sts?.stop());

// alpha and bravo: names of one length, behind different devices.
const CONFIG = `[profile alpha]
region = us-east-1
mfa_serial = ${ALICE.mfaSerial}

[profile bravo]
region = us-east-1
mfa_serial = ${BOB.mfaSerial}
`;
const CREDENTIALS = `[alpha]
aws_access_key_id = ${ALICE.accessKeyId}
aws_secret_access_key = ${ALICE.secretAccessKey}

[bravo]
aws_access_key_id = ${BOB.accessKeyId}
aws_secret_access_key = ${BOB.secretAccessKey}
`;

const PROVIDER = (profile: string) => `provider "aws" {\n  region  = "us-east-1"\n  profile = ${profile}\n}\n`;
const VARIABLE = `variable "profile" {\n  type    = string\n  default = "alpha"\n}\n`;

const SERVED = /the plan of an earlier run with these arguments here still holds/;
const settle = () => new Promise((r) => setTimeout(r, 150)); // past the racy window of what was just written

async function setup(t: Parameters<typeof moduleSandbox>[0], mainTf: string) {
  const s = await moduleSandbox(t, { config: CONFIG, credentials: CREDENTIALS, mainTf, env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_DEBUG: '1' } });
  await settle();
  return s;
}

type Setup = Awaited<ReturnType<typeof setup>>;

interface Outcome {
  served: boolean;
  code: number | null;
  /** What tfw and terraform said, debug lines left out. */
  said: string[];
  /** What terraform was handed: its argv, and the per-run files (their directory's name left out), or the user's. */
  argv: unknown;
  config: string | null;
  credentials: string | null;
}

async function run(s: Setup, args: string[], extra: Record<string, string | undefined> = {}, cwd = s.dir): Promise<Outcome> {
  await rm(s.record, { force: true });
  const ran: Ran = await runTfw(args, { cwd, env: { ...s.env, TFW_MFA_CODE: String(codeCounter++), ...extra } });
  const start = (await readRecord(s.record).catch(() => [])).find((e) => e.event === 'start');
  // The run's files by name (terraform a child of tfw), or held unnamed (terraform in tfw's place): the same files.
  const runDir = (p: string | undefined) => (p ? p.replace(/\/tfw-run-[^/]+\//, '/RUN/').replace(/^\/proc\/\d+\/fd\/3$/, `${s.box.runtime}/RUN/config`).replace(/^\/proc\/\d+\/fd\/4$/, `${s.box.runtime}/RUN/credentials`) : p);
  const text = (f: { path: string; text?: string } | null | undefined) => (f?.text === undefined ? null : `${runDir(f.path)}\n${f.text}`);
  return {
    served: SERVED.test(ran.stderr),
    code: ran.code,
    said: ran.stderr.split('\n').filter((l) => l !== '' && !l.startsWith('tfw: debug:')),
    argv: start?.argv,
    config: text(start?.config),
    credentials: text(start?.credentials),
  };
}

/** The same run with no memo: the truth a served run must equal. */
async function truth(s: Setup, args: string[], extra: Record<string, string | undefined> = {}, cwd = s.dir): Promise<Outcome> {
  await rm(join(s.box.cache, 'tfw', 'plans'), { recursive: true, force: true });
  const o = await run(s, args, extra, cwd);
  assert.equal(o.served, false);
  return o;
}

const same = (a: Outcome, b: Outcome) => assert.deepEqual({ ...a, served: undefined }, { ...b, served: undefined });

test('nothing changed: the second run is served from the memo and hands terraform what the full path would', async (t) => {
  const s = await setup(t, PROVIDER('"alpha"'));
  const first = await run(s, ['plan']);
  assert.equal(first.served, false);
  assert.equal(first.code, 0);
  const second = await run(s, ['plan']);
  assert.equal(second.served, true, 'served from the memo');
  same(second, first);
  assert.ok(second.said.some((l) => l.includes(ALICE.mfaSerial)), 'the session note');
  assert.equal(sts.calls.GetSessionToken > 0, true);
  // The memo: 0600 in a 0700 directory, no secret in it.
  const plans = join(s.box.cache, 'tfw', 'plans');
  assert.equal((await stat(plans)).mode & 0o777, 0o700);
  const [name] = await readdir(plans);
  assert.equal((await stat(join(plans, name!))).mode & 0o777, 0o600);
  const memo = await readFile(join(plans, name!), 'utf8');
  for (const secret of [ALICE.secretAccessKey, BOB.secretAccessKey, ALICE.accessKeyId]) assert.ok(!memo.includes(secret));
});

test('an input that changed is read again: each kind of input, compared with the run made with no memo', async (t) => {
  const cases: Array<{
    name: string;
    mainTf: string;
    args?: string[];
    env?: Record<string, string | undefined>;
    /** Changes one input after the memo was made; returns the arguments and environment of the next run. */
    change: (s: Setup) => Promise<{ args?: string[]; env?: Record<string, string | undefined>; cwd?: string } | void>;
  }> = [
    {
      name: 'a .tf file rewritten with the same size, its mtime put back',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        const file = join(s.dir, 'main.tf');
        const before = await stat(file);
        await writeFile(file, PROVIDER('"bravo"'));
        await utimes(file, before.atime, before.mtime);
      },
    },
    {
      name: 'a .tf file added',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        await writeFile(join(s.dir, 'second.tf'), `provider "aws" {\n  alias   = "b"\n  region  = "us-east-1"\n  profile = "bravo"\n}\n`);
      },
    },
    {
      name: 'a TF_VAR_ variable set',
      mainTf: VARIABLE + PROVIDER('var.profile'),
      change: async () => ({ env: { TF_VAR_profile: 'bravo' } }),
    },
    {
      name: 'a TF_VAR_ variable changed',
      mainTf: VARIABLE + PROVIDER('var.profile'),
      env: { TF_VAR_profile: 'alpha' },
      change: async () => ({ env: { TF_VAR_profile: 'bravo' } }),
    },
    {
      name: 'an AWS config file changed',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        await writeFile(join(s.box.aws, 'config'), CONFIG.replace(`mfa_serial = ${ALICE.mfaSerial}`, `mfa_serial = ${BOB.mfaSerial}`));
      },
    },
    {
      name: 'AWS_PROFILE changed (a provider with no profile)',
      mainTf: `provider "aws" {\n  region = "us-east-1"\n}\n`,
      env: { AWS_PROFILE: 'alpha' },
      change: async () => ({ env: { AWS_PROFILE: 'bravo' } }),
    },
    {
      name: 'the workspace selected (.terraform/environment)',
      mainTf: PROVIDER('terraform.workspace == "dev" ? "bravo" : "alpha"'),
      change: async (s) => {
        await mkdir(join(s.dir, '.terraform'), { recursive: true });
        await writeFile(join(s.dir, '.terraform', 'environment'), 'dev');
      },
    },
    {
      name: 'TF_CLI_ARGS_plan set',
      mainTf: VARIABLE + PROVIDER('var.profile'),
      change: async () => ({ env: { TF_CLI_ARGS_plan: '-var=profile=bravo' } }),
    },
    {
      name: 'a -var-file that is a symlink, retargeted',
      mainTf: VARIABLE + PROVIDER('var.profile'),
      args: ['plan', '-var-file=chosen.tfvars'],
      change: async (s) => {
        await unlink(join(s.dir, 'chosen.tfvars'));
        await symlink(join(s.dir, 'b.tfvars'), join(s.dir, 'chosen.tfvars'));
      },
    },
    {
      name: 'another directory with -chdir',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        const other = join(s.box.root, 'other');
        await mkdir(other);
        await writeFile(join(other, 'main.tf'), PROVIDER('"bravo"'));
        return { args: ['-chdir=../other', 'plan'] };
      },
    },
    {
      name: 'the profile gone from the AWS files (terraform refuses: untouched)',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        await writeFile(join(s.box.aws, 'config'), CONFIG.replace('[profile alpha]', '[profile gamma]'));
        await writeFile(join(s.box.aws, 'credentials'), CREDENTIALS.replace('[alpha]', '[gamma]'));
      },
    },
    {
      name: 'the cached session removed',
      mainTf: PROVIDER('"alpha"'),
      change: async (s) => {
        const dir = join(s.box.cache, 'tfw');
        for (const n of await readdir(dir)) if (n.startsWith('session-')) await unlink(join(dir, n));
      },
    },
  ];
  await Promise.all(
    cases.map((c) =>
      t.test(c.name, async (st) => {
        const s = await setup(st, c.mainTf);
        await writeFile(join(s.dir, 'a.tfvars'), 'profile = "alpha"\n');
        await writeFile(join(s.dir, 'b.tfvars'), 'profile = "bravo"\n');
        await symlink(join(s.dir, 'a.tfvars'), join(s.dir, 'chosen.tfvars'));
        await settle();
        const args = c.args ?? ['plan'];
        const first = await run(s, args, c.env);
        assert.equal(first.code, 0, first.said.join('\n'));
        const check = await run(s, args, c.env);
        assert.equal(check.served, true, 'served before the change');
        const next = (await c.change(s)) ?? {};
        const nextArgs = next.args ?? args;
        const nextEnv = { ...c.env, ...next.env };
        const changed = await run(s, nextArgs, nextEnv, next.cwd);
        assert.equal(changed.served, false, 'not served after the change');
        same(changed, await truth(s, nextArgs, nextEnv, next.cwd));
        assert.notDeepEqual({ ...changed, served: undefined }, { ...first, served: undefined }, 'the change matters to the run');
      }),
    ),
  );
});

test('what a run is given on the command line or in the environment stays out of the memo; TFW_NO_CACHE=1 keeps none', async (t) => {
  const s = await setup(t, VARIABLE + `variable "secret" {\n  type    = string\n  default = ""\n}\n` + PROVIDER('var.profile'));
  const SECRETS = { arg: 'argv-secret-3f9a1c', tfVar: 'tfvar-secret-77d0e2', cliArgs: 'cliargs-secret-c4b8aa' };
  const args = ['plan', `-var=secret=${SECRETS.arg}`];
  const env = { TF_VAR_secret: SECRETS.tfVar, TF_CLI_ARGS_plan: `-var=secret=${SECRETS.cliArgs}` };
  assert.equal((await run(s, args, env)).code, 0);
  const served = await run(s, args, env);
  assert.equal(served.served, true, 'a run with values on its command line is still served');
  const plans = join(s.box.cache, 'tfw', 'plans');
  for (const name of await readdir(plans)) {
    const text = await readFile(join(plans, name), 'utf8');
    for (const secret of Object.values(SECRETS)) assert.ok(!text.includes(secret), `${secret} not in ${name}`);
  }
  assert.equal((await run(s, args, { ...env, TF_VAR_secret: 'other' })).served, false, 'a changed TF_VAR_ value is seen through its digest');
  assert.equal((await run(s, ['plan', '-var=secret=other'], env)).served, false, 'other values on the command line: another memo');

  const none = await setup(t, PROVIDER('"alpha"'));
  await run(none, ['plan'], { TFW_NO_CACHE: '1' });
  const second = await run(none, ['plan'], { TFW_NO_CACHE: '1' });
  assert.equal(second.served, false);
  await assert.rejects(readdir(join(none.box.cache, 'tfw', 'plans')), /ENOENT/);
});

test('a memo others could write, or a symlink, is never read', async (t) => {
  const s = await setup(t, PROVIDER('"alpha"'));
  await run(s, ['plan']);
  assert.equal((await run(s, ['plan'])).served, true);
  const plans = join(s.box.cache, 'tfw', 'plans');
  const [name] = await readdir(plans);
  const file = join(plans, name!);
  await chmod(file, 0o666);
  assert.equal((await run(s, ['plan'])).served, false, 'writable by others');
  // That run planned and wrote a private one again.
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await run(s, ['plan'])).served, true);
  await rename(file, join(s.box.root, 'elsewhere.json'));
  await symlink(join(s.box.root, 'elsewhere.json'), file);
  assert.equal((await run(s, ['plan'])).served, false, 'a symlink');
  await chmod(plans, 0o777);
  await rm(file);
  await run(s, ['plan']);
  assert.deepEqual(await readdir(plans), [], 'nothing written into a directory others can write');
  assert.equal((await run(s, ['plan'])).served, false);
});

test('a memo edited by hand into a shape tfw does not expect is read again, not trusted', async (t) => {
  const s = await setup(t, PROVIDER('"alpha"'));
  await run(s, ['plan']);
  const plans = join(s.box.cache, 'tfw', 'plans');
  const [name] = await readdir(plans);
  const file = join(plans, name!);
  const memo = JSON.parse(await readFile(file, 'utf8'));
  for (const edit of [
    (m: any) => (m.logs = [{ level: 'nope', message: 'x' }]),
    (m: any) => (m.plan.devices = [{ id: 1 }]),
    (m: any) => (m.observations = [{ k: 'unheard-of' }]),
  ]) {
    const edited = structuredClone(memo);
    edit(edited);
    await writeFile(file, JSON.stringify(edited), { mode: 0o600 });
    const r = await run(s, ['plan']);
    assert.equal(r.served, false);
    assert.equal(r.code, 0, r.said.join('\n'));
    assert.ok(!r.said.some((l) => l.includes('internal error')));
  }
});

test('a run that runs terraform untouched (no MFA needed; a profile terraform will not find) is served too, and changes are seen', async (t) => {
  const NO_MFA = `provider "aws" {\n  region  = "us-east-1"\n  profile = "plain"\n}\n`;
  const s = await moduleSandbox(t, {
    config: `${CONFIG}\n[profile plain]\nregion = us-east-1\n`,
    credentials: `${CREDENTIALS}\n[plain]\naws_access_key_id = AKIAPLAINMEMO0000001\naws_secret_access_key = plain/memo/secret/EXAMPLE\n`,
    mainTf: NO_MFA,
    env: { AWS_ENDPOINT_URL_STS: sts.url, TFW_DEBUG: '1' },
  });
  await settle();
  const first = await run(s, ['plan']);
  assert.equal(first.served, false);
  assert.equal(first.config, null, 'terraform untouched: no per-run files');
  const second = await run(s, ['plan']);
  assert.equal(second.served, true);
  same(second, first);
  // A profile no AWS file has: terraform refuses it (untouched), from the memo as without it.
  await writeFile(join(s.dir, 'main.tf'), NO_MFA.replace('"plain"', '"nopro"'));
  await settle();
  const refused = await run(s, ['plan']);
  assert.equal(refused.served, false, 'the module changed');
  const refusedAgain = await run(s, ['plan']);
  assert.equal(refusedAgain.served, true);
  same(refusedAgain, refused);
  assert.equal(refusedAgain.config, null);
  // And back to an MFA profile: read again, per-run files as the full path makes them.
  await writeFile(join(s.dir, 'main.tf'), PROVIDER('"alpha"'));
  const mfa = await run(s, ['plan']);
  assert.equal(mfa.served, false);
  assert.notEqual(mfa.config, null);
  same(mfa, await truth(s, ['plan']));
});
