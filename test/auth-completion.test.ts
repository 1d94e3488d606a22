// Shell completion for `tfw auth …`: the candidates for partial lines (pure,
// and through the built CLI), and the bash script driving them, with no
// STS call and no prompt.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { completeAuth } from '../src/auth/completion.ts';
import { moduleSandbox, runTfw, TFW_BIN, which } from './support/harness.ts';
import { startStsStandIn, type StsStandIn } from './support/sts-standin.ts';

const sources = { profiles: async () => ['prod', 'prod-admin', 'dev'], devices: async () => ['arn:aws:iam::111111111111:mfa/alice'] };

test('candidates for partial lines', async () => {
  const cases: Array<[string[], string[]]> = [
    [['st'], ['status']],
    [['c'], ['clear', 'credential-process', 'completion']],
    [['login', '--pr'], ['--profile']],
    [['login', '--profile', 'pr'], ['prod', 'prod-admin']],
    [['exec', '--profile', ''], ['prod', 'prod-admin', 'dev']],
    [['login', '--duration', '1'], ['15m', '1h', '12h']],
    [['clear', '--device', 'arn'], ['arn:aws:iam::111111111111:mfa/alice']],
    [['status', '--'], ['--json', '--help']],
    [['status', '--json', '--'], ['--help']],
    [['explain', 'pl'], ['plan']],
    [['explain', '--json', '--', '-v'], []],
    [['exec', '--', 'aw'], []],
    [['completion', ''], ['bash', 'zsh']],
    [['nosuch', ''], []],
  ];
  for (const [words, want] of cases) assert.deepEqual(await completeAuth(words, sources), want, words.join(' '));
});

let sts: StsStandIn;
before(async () => {
  sts = await startStsStandIn({ users: [], roles: [] });
});
after(() => sts?.stop());

const bash = which('bash');
test('the bash script completes `tfw auth` lines from the AWS config, calling no STS', { skip: bash ? undefined : 'bash is not on PATH' }, async (t) => {
  const { box, env } = await moduleSandbox(t, {
    config: '[profile prod]\nmfa_serial = arn:aws:iam::111111111111:mfa/alice\n\n[profile dev]\nregion = eu-west-1\n',
    credentials: '[prod]\naws_access_key_id = AKIAPRODEXAMPLE00016\naws_secret_access_key = x\n',
    mainTf: '# none\n',
    env: { AWS_ENDPOINT_URL_STS: sts.url },
  });
  const script = await runTfw(['auth', 'completion', 'bash'], { cwd: box.root, env });
  assert.equal(script.code, 0, script.stderr);
  assert.match(script.stdout, /complete -F _tfw_complete tfw/);
  const file = join(box.root, 'tfw.bash');
  await writeFile(file, script.stdout);
  const bin = join(box.root, 'bin');
  await mkdir(bin);
  await symlink(TFW_BIN, join(bin, 'tfw'));
  const complete = (line: string): Promise<string> =>
    new Promise((resolve) => {
      const words = line.split(' ');
      const program = `source '${file}'; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tfw_complete; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const child = spawn(bash!, ['--norc', '-c', program], { cwd: box.root, env: { ...env, PATH: `${bin}:${env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    });
  assert.equal(await complete('tfw au'), 'auth\n');
  assert.equal(await complete('tfw auth st'), 'status\n');
  assert.equal(await complete('tfw auth login --profile p'), 'prod\n');
  assert.equal(await complete('tfw auth exec --profile '), 'prod\ndev\n');
  assert.equal(await complete('tfw auth doctor --js'), '--json\n');
  assert.deepEqual(sts.requests, [], 'no STS call');
  const zsh = await runTfw(['auth', 'completion', 'zsh'], { cwd: box.root, env });
  assert.match(zsh.stdout, /compdef _tfw tfw/);
  const other = await runTfw(['auth', 'completion', 'fish'], { cwd: box.root, env });
  assert.equal(other.code, 2);
  assert.match(other.stderr, /^tfw: tfw auth completion: unknown shell fish/);
});

const zsh = which('zsh');
test('the zsh script: the same candidates through its _tfw function (compadd stubbed)', { skip: zsh ? undefined : 'zsh is not on PATH' }, async (t) => {
  const { box, env } = await moduleSandbox(t, { config: '[profile prod]\nregion = eu-west-1\n', credentials: '', mainTf: '# none\n' });
  const script = await runTfw(['auth', 'completion', 'zsh'], { cwd: box.root, env });
  const file = join(box.root, 'tfw.zsh');
  await writeFile(file, script.stdout);
  const bin = join(box.root, 'bin');
  await mkdir(bin);
  await symlink(TFW_BIN, join(bin, 'tfw'));
  const complete = (words: string[]): Promise<string> =>
    new Promise((resolve) => {
      const program = `source '${file}'; compadd() { shift; print -l -- "$@"; }; _files() { print FILES; }; words=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; _tfw`;
      const child = spawn(zsh!, ['-f', '-c', program], { cwd: box.root, env: { ...env, PATH: `${bin}:${env.PATH}` }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('close', () => resolve(out));
    });
  assert.equal(await complete(['tfw', 'auth', 'st']), 'status\n');
  assert.equal(await complete(['tfw', 'auth', 'login', '--profile', 'p']), 'prod\n');
  assert.equal(await complete(['tfw', 'auth', 'exec', '--', 'aw']), 'FILES\n');
});
