// A credentialed terraform run in-process, with fake Deps: the clock, STS, the
// terminal, and the spawn of terraform (capturing its argv, its environment and
// the per-run files as they are when it starts). The reader, the planner, the
// session cache and the per-run files are the real ones, on a temporary HOME.
// What only a process shows (exit codes of signals, file modes under a real
// umask, start-up) stays in the spawned tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { analyzeArgs } from '../src/argv.ts';
import { main } from '../src/cli.ts';
import { createRunContext } from '../src/context.ts';
import type { Deps } from '../src/deps.ts';
import { TfwError } from '../src/errors.ts';
import { createLogger } from '../src/log.ts';
import { runCredentialed } from '../src/run.ts';
import { exec } from '../src/auth/commands.ts';
import type { ChildResult, Spawner } from '../src/spawn.ts';
import { StsCallError, type StsApi } from '../src/aws/sts.ts';

const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const LONG_TERM = { accessKeyId: 'AKIAINPROCESSRUN0001', secretAccessKey: 'alice/in-process/long-term/secret/0001' };
const NOW = new Date('2030-01-01T00:00:00Z');
const CODE = '424242';
const role = (i: number): string => `arn:aws:iam::${200000000000 + i}:role/deploy${i}`;

const CONFIG = `[profile source]
region = us-east-1
mfa_serial = ${ALICE}
${[1, 2, 3].map((i) => `
[profile account${i}]
source_profile = source
role_arn = ${role(i)}
mfa_serial = ${ALICE}
region = us-east-1
`).join('')}`;

const CREDENTIALS = `[source]
aws_access_key_id = ${LONG_TERM.accessKeyId}
aws_secret_access_key = ${LONG_TERM.secretAccessKey}
`;

const THREE_PROVIDERS = [1, 2, 3].map((i) => `provider "aws" {\n  alias   = "account${i}"\n  region  = "us-east-1"\n  profile = "account${i}"\n}\n`).join('\n');

/** What terraform saw when it started: its argv, its environment, the per-run files and their modes. */
interface Started {
  file: string;
  args: readonly string[];
  env: Record<string, string | undefined>;
  files?: { dir: string; dirMode: number; config: string; configMode: number; credentials: string; credentialsMode: number };
}

interface World {
  home: string;
  module: string;
  runtime: string;
  env: Record<string, string>;
}

async function world(t: { after(fn: () => Promise<void>): void }, moduleText = THREE_PROVIDERS, aws: { config: string; credentials: string } = { config: CONFIG, credentials: CREDENTIALS }): Promise<World> {
  const home = await mkdtemp(join(tmpdir(), 'tfw-run-inprocess-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  await mkdir(join(home, '.aws'));
  await writeFile(join(home, '.aws', 'config'), aws.config);
  await writeFile(join(home, '.aws', 'credentials'), aws.credentials, { mode: 0o600 });
  const module = join(home, 'module');
  await mkdir(module);
  await writeFile(join(module, 'main.tf'), moduleText);
  const runtime = join(home, 'runtime');
  await mkdir(runtime);
  await chmod(runtime, 0o700);
  const env = {
    HOME: home,
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    XDG_RUNTIME_DIR: runtime,
    XDG_CACHE_HOME: join(home, 'cache'),
    TFW_CACHE_BACKEND: 'file',
    TFW_DEBUG: '1',
    CHECKPOINT_DISABLE: '1',
  };
  return { home, module, runtime, env };
}

/** Fake Deps around a fresh run context; `result` is what the fake terraform ends with. */
function fakeDeps(
  w: World,
  options: { env?: Record<string, string>; sts?: Partial<StsApi>; ask?: boolean; result?: ChildResult | (() => Promise<ChildResult>); processOutput?: string } = {},
) {
  const calls = { ask: [] as string[], process: [] as string[], getSessionToken: [] as Array<{ accessKeyId: string; serial: string; code: string }> };
  let codes = 0;
  const started: Started[] = [];
  const lines: string[] = [];
  let out = '';
  let n = 0;
  const sts: StsApi = {
    async getSessionToken({ keys, serial, code }) {
      calls.getSessionToken.push({ accessKeyId: keys.accessKeyId, serial, code });
      n++;
      return { accessKeyId: `ASIASESSIONINPROC00${n}`, secretAccessKey: `session/secret/in-process/${n}`, sessionToken: `session-token-in-process-${n}`, expiration: new Date(NOW.getTime() + 12 * 3600_000) };
    },
    async assumeRole() {
      throw new Error('a run assumes no role itself: terraform does');
    },
    async getCallerIdentity() {
      throw new Error('a run asks no identity');
    },
    ...options.sts,
  };
  const spawn: Spawner = async (file, args, { env }) => {
    const s: Started = { file, args, env: { ...env } };
    const configFile = env.AWS_CONFIG_FILE;
    const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE;
    if (configFile !== undefined && credentialsFile !== undefined && configFile.startsWith(w.runtime)) {
      s.files = {
        dir: dirname(configFile),
        dirMode: statSync(dirname(configFile)).mode & 0o777,
        config: readFileSync(configFile, 'utf8'),
        configMode: statSync(configFile).mode & 0o777,
        credentials: readFileSync(credentialsFile, 'utf8'),
        credentialsMode: statSync(credentialsFile).mode & 0o777,
      };
    }
    started.push(s);
    const r = options.result ?? { exitCode: 0 };
    return typeof r === 'function' ? r() : r;
  };
  const context = createRunContext();
  const env = { ...w.env, ...options.env };
  const deps: Deps = {
    env,
    cwd: w.module,
    log: createLogger({ env, write: (line) => lines.push(line), redact: context.secrets.redact }),
    now: () => NOW,
    ask:
      options.ask === false
        ? undefined
        : async (message) => {
            calls.ask.push(message);
            // A code per prompt (STS refuses one it has seen).
            return String(Number(CODE) + codes++);
          },
    runProcess: async (command) => {
      calls.process.push(command);
      if (options.processOutput === undefined) throw new Error('no mfa_process or credential_process here');
      return { exitCode: 0, stdout: options.processOutput };
    },
    sts: async () => sts,
    spawn,
    selfPaths: [],
    progress: () => ({ done() {} }),
    out: (text) => {
      out += text;
    },
    err: (line) => lines.push(line),
    color: false,
    context,
  };
  return { deps, calls, started, lines, output: () => out, context };
}

const plan = (argv: string[] = ['plan']) => analyzeArgs(argv);

test('one code for three providers behind one device: one prompt, one GetSessionToken, terraform with exactly its argv and the per-run files', async (t) => {
  const w = await world(t);
  const { deps, calls, started, context } = fakeDeps(w);
  assert.equal(await runCredentialed(plan(['plan', '-input=false']), '/opt/terraform', deps), 0);
  assert.equal(calls.ask.length, 1);
  assert.match(calls.ask[0]!, /alice/);
  assert.deepEqual(calls.getSessionToken, [{ accessKeyId: LONG_TERM.accessKeyId, serial: ALICE, code: CODE }]);
  assert.equal(started.length, 1);
  const [tf] = started;
  assert.equal(tf!.file, '/opt/terraform');
  assert.deepEqual(tf!.args, ['plan', '-input=false']);
  assert.ok(tf!.files, 'terraform started pointed at the per-run files');
  // Every role is served from the one session, assumed by terraform itself.
  for (const i of [1, 2, 3]) assert.match(tf!.files.config, new RegExp(`role_arn = ${role(i).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.doesNotMatch(tf!.files.config, /mfa_serial/);
  assert.match(tf!.files.credentials, /ASIASESSIONINPROC001/);
  assert.match(tf!.files.credentials, /session-token-in-process-1/);
  assert.equal(context.runDirs.size, 0);
});

test('the per-run files are 0600 in a 0700 dir under XDG_RUNTIME_DIR while terraform runs, and gone when it ends, however it ends', async (t) => {
  const w = await world(t);
  const endings: Array<[string, ChildResult | (() => Promise<ChildResult>), number | RegExp]> = [
    ['exit 0', { exitCode: 0 }, 0],
    ['-detailed-exitcode 2', { exitCode: 2 }, 2],
    ['killed by SIGTERM', { signal: 'SIGTERM' }, 143],
    ['cannot be run', async () => Promise.reject(new TfwError('cannot run /opt/terraform: ENOENT', 127)), /cannot run/],
  ];
  for (const [how, result, expected] of endings) {
    const { deps, started, context } = fakeDeps(w, { result, env: { TFW_MFA_CODE: CODE } });
    const run = runCredentialed(plan(), '/opt/terraform', deps);
    if (typeof expected === 'number') assert.equal(await run, expected, how);
    else await assert.rejects(run, expected, how);
    const files = started[0]!.files!;
    assert.equal(dirname(files.dir), w.runtime, how);
    assert.deepEqual([files.dirMode, files.configMode, files.credentialsMode], [0o700, 0o600, 0o600], how);
    assert.deepEqual(readdirSync(w.runtime), [], `${how}: nothing left under XDG_RUNTIME_DIR`);
    assert.equal(context.runDirs.size, 0, how);
  }
});

test('a warm cache asks nothing: no prompt, no STS call, the same session in the per-run files', async (t) => {
  const w = await world(t);
  const first = fakeDeps(w);
  assert.equal(await runCredentialed(plan(), '/opt/terraform', first.deps), 0);
  assert.equal(first.calls.getSessionToken.length, 1);
  const second = fakeDeps(w, { ask: false, sts: { getSessionToken: async () => assert.fail('STS called on a warm cache') } });
  assert.equal(await runCredentialed(plan(), '/opt/terraform', second.deps), 0);
  assert.deepEqual(second.calls.ask, []);
  assert.equal(second.started.length, 1);
  assert.match(second.started[0]!.files!.credentials, /ASIASESSIONINPROC001/);
});

test('secrets are never in terraform\'s argv or environment, nor in anything tfw prints (debug on), nor the long-term key in the per-run files', async (t) => {
  const w = await world(t);
  const { deps, started, lines, output, context } = fakeDeps(w, { ask: false, env: { TFW_MFA_CODE: CODE } });
  assert.equal(await runCredentialed(plan(['apply', '-auto-approve']), '/opt/terraform', deps), 0);
  const [tf] = started;
  const secrets = [LONG_TERM.secretAccessKey, 'session/secret/in-process/1', 'session-token-in-process-1', CODE];
  const printed = lines.join('\n') + output();
  assert.ok(lines.length > 0, 'debug lines were written');
  for (const secret of secrets) {
    assert.ok(!tf!.args.some((a) => a.includes(secret)), `${secret} in argv`);
    assert.ok(!Object.values(tf!.env).some((v) => v?.includes(secret)), `${secret} in terraform's environment`);
    assert.ok(!printed.includes(secret), `${secret} printed`);
  }
  assert.equal(tf!.env.TFW_MFA_CODE, undefined);
  assert.ok(!tf!.files!.credentials.includes(LONG_TERM.secretAccessKey) && !tf!.files!.config.includes(LONG_TERM.secretAccessKey));
  assert.ok(!tf!.files!.credentials.includes(CODE) && !tf!.files!.config.includes(CODE));
  // The run's context knows them; a context of another run does not (no state shared between runs).
  for (const secret of secrets) assert.equal(context.secrets.redact(`x ${secret} y`), 'x **** y');
  assert.equal(createRunContext().secrets.redact(`x ${LONG_TERM.secretAccessKey} y`), `x ${LONG_TERM.secretAccessKey} y`);
});

for (const [what, moduleText] of [
  ['a syntax error', `${THREE_PROVIDERS}\nprovider "aws" {\n  region = \n`],
  ['a profile that exists nowhere', `${THREE_PROVIDERS}\nprovider "aws" {\n  profile = "nowhere"\n}\n`],
] as const) {
  test(`a run terraform will refuse (${what}) asks no code: terraform runs untouched and says why`, async (t) => {
    const w = await world(t, moduleText);
    const { deps, calls, started, lines } = fakeDeps(w, { sts: { getSessionToken: async () => assert.fail('STS called for a refused run') } });
    assert.equal(await runCredentialed(plan(), '/opt/terraform', deps), 0);
    assert.deepEqual(calls.ask, []);
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]!.env, deps.env, 'the environment untouched');
    assert.equal(started[0]!.files, undefined);
    assert.deepEqual(readdirSync(w.runtime), []);
    assert.ok(!lines.some((l) => /^tfw: (?!debug:)/.test(l)), `tfw says nothing of its own: ${lines.join('\n')}`);
  });
}

test('an STS error is one tfw line, naming the profile and the device; terraform is not started and no file is left', async (t) => {
  const w = await world(t);
  const denial = 'User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:GetSessionToken';
  const { deps, started, lines } = fakeDeps(w, {
    ask: false,
    env: { TFW_MFA_CODE: CODE, TFW_TERRAFORM: process.execPath, TFW_DEBUG: '' },
    sts: {
      getSessionToken: async () => {
        throw new StsCallError('access-denied', denial, 'https://sts.us-east-1.amazonaws.com', 'AccessDenied');
      },
    },
  });
  assert.equal(await main(['plan'], deps), 1);
  assert.equal(started.length, 0);
  assert.deepEqual(lines, [`tfw: STS denied GetSessionToken (profile source, device ${ALICE}): ${denial}`]);
  assert.deepEqual(readdirSync(w.runtime), []);
});

test('two devices: one prompt and one GetSessionToken each, every provider served', async (t) => {
  const BOB = 'arn:aws:iam::999999999999:mfa/bob';
  const config = `${CONFIG}
[profile bob]
region = us-east-1
mfa_serial = ${BOB}

[profile bob-role]
source_profile = bob
role_arn = arn:aws:iam::999999999999:role/ops
mfa_serial = ${BOB}
`;
  const credentials = `${CREDENTIALS}
[bob]
aws_access_key_id = AKIABOBINPROCESS0001
aws_secret_access_key = bob/in-process/long-term/secret
`;
  const w = await world(t, `${THREE_PROVIDERS}\nprovider "aws" {\n  alias   = "ops"\n  region  = "us-east-1"\n  profile = "bob-role"\n}\n`, { config, credentials });
  const { deps, calls, started } = fakeDeps(w);
  assert.equal(await runCredentialed(plan(), '/opt/terraform', deps), 0);
  assert.equal(calls.ask.length, 2);
  assert.deepEqual(calls.getSessionToken.map((c) => [c.accessKeyId, c.serial]).sort(), [[LONG_TERM.accessKeyId, ALICE], ['AKIABOBINPROCESS0001', BOB]].sort());
  assert.equal(new Set(calls.getSessionToken.map((c) => c.code)).size, 2, 'a code per device');
  const { config: written } = started[0]!.files!;
  assert.match(written, /role\/ops/);
  assert.doesNotMatch(written, /mfa_serial/);
});

test('a device answered by a credential_process: the process runs once for three providers, its keys in no file, no environment, no line', async (t) => {
  const processKeys = { AccessKeyId: 'AKIAVAULTINPROCESS01', SecretAccessKey: 'vault/in-process/long-term/secret' };
  const config = CONFIG.replace(`[profile source]\nregion = us-east-1\n`, '[profile source]\nregion = us-east-1\ncredential_process = vault-export base\n');
  const w = await world(t, THREE_PROVIDERS, { config, credentials: '' });
  const { deps, calls, started, lines } = fakeDeps(w, { processOutput: JSON.stringify({ Version: 1, ...processKeys }) });
  assert.equal(await runCredentialed(plan(), '/opt/terraform', deps), 0);
  assert.deepEqual(calls.process, ['vault-export base']);
  assert.deepEqual(calls.getSessionToken.map((c) => c.accessKeyId), [processKeys.AccessKeyId]);
  const [tf] = started;
  for (const where of [tf!.files!.config, tf!.files!.credentials, ...Object.values(tf!.env), lines.join('\n')]) {
    assert.ok(!where?.includes(processKeys.SecretAccessKey), 'the process\'s secret leaked');
  }
  assert.doesNotMatch(tf!.files!.config, /credential_process/);
});

test('auth exec --profile: the command runs as that profile with the per-run files, which are gone after', async (t) => {
  const w = await world(t);
  const { deps, calls, started } = fakeDeps(w, { env: { TFW_MFA_CODE: CODE } });
  assert.equal(await exec([], ['/bin/true', 'sts', 'get-caller-identity'], 'account2', deps), 0);
  assert.deepEqual(calls.ask, []);
  assert.equal(calls.getSessionToken.length, 1);
  const [cmd] = started;
  assert.deepEqual([cmd!.file, ...cmd!.args], ['/bin/true', 'sts', 'get-caller-identity']);
  assert.equal(cmd!.env.AWS_PROFILE, 'account2');
  assert.equal(cmd!.env.TFW_MFA_CODE, undefined);
  assert.match(cmd!.files!.config, /\[profile account2\]/);
  assert.deepEqual(readdirSync(w.runtime), []);
});

test('a command that needs no credentials goes through cli.ts untouched: same argv, same environment, nothing printed', async (t) => {
  const w = await world(t);
  const { deps, started, lines } = fakeDeps(w, { env: { TFW_TERRAFORM: process.execPath, TFW_DEBUG: '' } });
  assert.equal(await main(['fmt', '-check'], deps), 0);
  assert.equal(started.length, 1);
  assert.deepEqual(started[0]!.args, ['fmt', '-check']);
  assert.deepEqual(started[0]!.env, deps.env);
  assert.deepEqual(lines, []);
});
