// The POSIX sh launcher (bin/tfw): it decides exactly as src/argv.ts does
// whether Node runs, and finds terraform exactly as src/spawn.ts does.
// Fake `node` and `terraform` scripts say which one the launcher exec'd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeArgs, COMMANDS, hasEnvironmentArgs } from '../src/argv.ts';
import { resolveTerraform } from '../src/spawn.ts';
import { TfwError } from '../src/errors.ts';
import { TFW_BIN, TFW_LAUNCHER } from './support/harness.ts';

type After = { after(fn: () => Promise<void>): void };

async function fakes(t: After) {
  const root = await mkdtemp(join(tmpdir(), 'tfw-launcher-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const bin = join(root, 'bin');
  await mkdir(bin);
  // Each prints its name and its arguments, one a line.
  for (const name of ['node', 'terraform']) {
    await writeFile(join(bin, name), `#!/bin/sh\necho ${name}\nfor a do printf '%s\\n' "$a"; done\n`);
    await chmod(join(bin, name), 0o755);
  }
  await mkdir(join(root, 'live'));
  return { root, bin, path: `${bin}:/usr/bin:/bin` };
}

function launch(args: readonly string[], cwd: string, env: Record<string, string>, launcher = TFW_LAUNCHER) {
  const r = spawnSync(launcher, [...args], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  const [which, ...rest] = r.stdout.split('\n');
  return { which, argv: rest, status: r.status, stderr: r.stderr };
}

/** What the Node side decides for this argv and environment (cli.ts main). */
function nodeWouldRun(argv: readonly string[], env: Record<string, string>, cwd: string): boolean {
  if (argv[0] === 'auth') return true;
  if (env.COMP_LINE) return false;
  const a = analyzeArgs(argv);
  if (!a.needsCredentials) return a.envMayChange && hasEnvironmentArgs(env);
  // run.ts: terraform stops at a -chdir it cannot enter.
  if (a.chdir !== undefined) return spawnSync('test', ['-d', a.chdir], { cwd }).status === 0;
  return true;
}

const WORDS = [
  'plan', 'apply', 'init', 'fmt', 'version', 'state', 'list', 'lsit', 'workspace', 'select', 'show', 'env', 'providers', 'lock', 'schema',
  'console', 'test', 'paln', 'auth', 'explain', 'metadata', 'functions', 'graph', 'output', '', 'a b', '--', '-', '-v', '-version', '--version',
  '-h', '-help', '--help', '-install-autocomplete', '-chdir=live', '-chdir=nosuchdir', '-chdir', '-chdir=', '--chdir=live', '-backend=false',
  '--backend=0', '-backend=true', '-backend', '-plan', '-var', 'x=1', '-no-color', '-foo', 'toString', '__proto__', '*', '$HOME', 'force-unlock',
];

const CASES: string[][] = [
  [], ['version'], ['-version'], ['-help'], ['paln'], ['plan'], ['-chdir=live', 'plan'], ['-chdir=nosuchdir', 'plan'], ['-chdir=live', 'auth', 'explain'],
  ['auth', 'explain'], ['state'], ['state', 'list'], ['state', 'lsit'], ['state', '-x', 'list'], ['workspace', 'show'], ['workspace', 'select', 'p'],
  ['init', '-backend=false'], ['init', '-backend=false', '-backend=true'], ['init', '-backend=x'], ['plan', '-v'], ['console', '--', '-v'],
  ['console', '--', '-help'], ['-foo', 'plan'], ['--chdir=live', 'plan'], ['-chdir', 'live', 'plan'], ['-chdir=live', '-chdir=live', 'plan'],
  ['', 'plan'], ['--', 'plan'], ['plan x'], ['test'], ['providers'], ['providers', 'lock'], ['env', 'list'], ['metadata', 'functions'],
  ['query'], ['graph'], ['-install-autocomplete'], ['terraform', 'pl', 'terraform'],
];

test('the launcher decides as argv.ts does: terraform untouched or Node, for every case of the grammar', async (t) => {
  const f = await fakes(t);
  const envs: Array<Record<string, string>> = [
    { PATH: f.path },
    { PATH: f.path, TF_CLI_ARGS: 'plan' },
    { PATH: f.path, TF_CLI_ARGS_state: 'list' },
    { PATH: f.path, COMP_LINE: 'terraform pl', COMP_POINT: '12' },
  ];
  for (const env of envs) {
    for (const argv of CASES) {
      const r = launch(argv, f.root, env);
      const expected = nodeWouldRun(argv, env, f.root) ? 'node' : 'terraform';
      assert.equal(r.which, expected, `${JSON.stringify(argv)} with ${JSON.stringify(env)}: ${r.stderr}`);
      // Handed on verbatim either way (node gets bin/tfw.js first).
      const handed = expected === 'node' ? r.argv.slice(1, -1) : r.argv.slice(0, -1);
      assert.deepEqual(handed, argv);
    }
  }
});

test('property: the launcher and argv.ts agree on any argv made of the grammar\'s words', async (t) => {
  const fc = (await import('fast-check')).default;
  const f = await fakes(t);
  const env = { PATH: f.path };
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...WORDS), { maxLength: 5 }), (argv) => {
      assert.equal(launch(argv, f.root, env).which, nodeWouldRun(argv, env, f.root) ? 'node' : 'terraform', JSON.stringify(argv));
    }),
    { numRuns: 150 },
  );
});

test("the launcher's command table is argv.ts's COMMANDS, scope for scope", async () => {
  const text = await readFile(TFW_LAUNCHER, 'utf8');
  const body = text.slice(text.indexOf('case $1 in', text.indexOf('tfw_scope() {')) + 'case $1 in'.length, text.indexOf('esac', text.indexOf('tfw_scope() {')));
  const table = new Map<string, string>();
  for (const arm of body.split(';;')) {
    const m = /^([^)]*)\)\s*tfw_s=(\w*)\s*$/.exec(arm.trim());
    if (!m || m[1]!.trim() === '*') continue;
    for (const word of m[1]!.split('|').map((w) => w.replace(/\\\n/g, '').replace(/\\/g, '').trim().replace(/^'|'$/g, ''))) table.set(word, m[2]!);
  }
  assert.deepEqual(Object.fromEntries([...table].sort()), Object.fromEntries(Object.entries(COMMANDS).sort()));
});

async function layout(t: After) {
  const f = await fakes(t);
  const first = join(f.root, 'first');
  const second = join(f.root, 'second');
  await mkdir(first);
  await mkdir(second);
  for (const dir of [first, second]) {
    await writeFile(join(dir, 'terraform'), `#!/bin/sh\necho ${dir}\n`);
    await chmod(join(dir, 'terraform'), 0o755);
  }
  return { ...f, first, second };
}

/** The launcher's terraform for `version`, and what resolveTerraform says with the launcher as tfw. */
function both(env: Record<string, string>, cwd: string, launcher = TFW_LAUNCHER) {
  const r = spawnSync(launcher, ['version'], { cwd, env, encoding: 'utf8', timeout: 30_000 });
  let node: string;
  try {
    node = resolveTerraform(env, cwd, [launcher, TFW_BIN]);
  } catch (e) {
    node = e instanceof TfwError ? `tfw: ${e.message} (${e.exitCode})` : String(e);
  }
  const sh = r.status === 0 ? r.stdout.trim() : `${r.stderr.trim()} (${r.status})`;
  return { sh, node };
}

test('the launcher finds terraform as spawn.ts does: PATH order, itself skipped as a symlink or a hard link named terraform', async (t) => {
  const l = await layout(t);
  const base = '/usr/bin:/bin';
  // PATH order: the first one wins.
  let r = both({ PATH: `${l.first}:${l.second}:${base}` }, l.root);
  assert.equal(r.sh, l.first);
  assert.equal(r.node, join(l.first, 'terraform'));
  // A symlink named terraform to the launcher, first on PATH: skipped.
  const alias = join(l.root, 'alias');
  await mkdir(alias);
  await symlink(TFW_LAUNCHER, join(alias, 'terraform'));
  r = both({ PATH: `${alias}:${l.second}:${base}` }, l.root, join(alias, 'terraform'));
  assert.equal(r.sh, l.second);
  assert.equal(r.node, join(l.second, 'terraform'));
  // A hard link named terraform (same device and inode), run under that name: skipped too.
  const hard = join(l.root, 'hard');
  await mkdir(hard);
  const copyOfLauncher = join(l.root, 'launcher-copy');
  await writeFile(copyOfLauncher, await readFile(TFW_LAUNCHER));
  await chmod(copyOfLauncher, 0o755);
  await link(copyOfLauncher, join(hard, 'terraform'));
  r = both({ PATH: `${hard}:${l.second}:${base}` }, l.root, copyOfLauncher);
  assert.equal(r.sh, l.second);
  // Empty PATH entries are skipped; a non-executable terraform is passed over.
  await writeFile(join(l.root, 'noexec-terraform'), '#!/bin/sh\n');
  const noexec = join(l.root, 'noexec');
  await mkdir(noexec);
  await writeFile(join(noexec, 'terraform'), '#!/bin/sh\n');
  r = both({ PATH: `:${noexec}::${l.second}:${base}` }, l.root);
  assert.equal(r.sh, l.second);
  assert.equal(r.node, join(l.second, 'terraform'));
});

test('the launcher reads TFW_TERRAFORM as spawn.ts does: a path (relative to the working dir), a name, and the same refusals', async (t) => {
  const l = await layout(t);
  const base = '/usr/bin:/bin';
  const cases: Array<[Record<string, string>, string | RegExp]> = [
    [{ PATH: base, TFW_TERRAFORM: 'second/terraform' }, 'second'],
    [{ PATH: `${l.first}:${base}`, TFW_TERRAFORM: join(l.second, 'terraform') }, 'second'],
    [{ PATH: `${l.second}:${base}`, TFW_TERRAFORM: 'terraform' }, 'second'],
    [{ PATH: base, TFW_TERRAFORM: 'nosuch/terraform' }, /TFW_TERRAFORM=nosuch\/terraform: no such file \(127\)/],
    [{ PATH: base, TFW_TERRAFORM: 'first' }, /is not an executable file \(permission denied\) \(126\)|no such command/],
    [{ PATH: base, TFW_TERRAFORM: 'tofu-nowhere' }, /TFW_TERRAFORM=tofu-nowhere: no such command on PATH \(other than tfw itself\) \(127\)/],
    [{ PATH: base, TFW_TERRAFORM: TFW_LAUNCHER }, /is tfw itself: point it at terraform \(126\)/],
    [{ PATH: '/nonexistent' }, /^tfw: no terraform binary on PATH \(other than tfw itself\); install terraform or set TFW_TERRAFORM \(127\)$/],
  ];
  for (const [env, expected] of cases) {
    const r = both(env, l.root);
    if (typeof expected === 'string') assert.ok(r.sh.endsWith(expected), `${JSON.stringify(env)}: ${r.sh}`);
    else assert.match(r.sh, expected, JSON.stringify(env));
    // Node says the same thing (its paths are absolute where the launcher's may be relative).
    if (typeof expected === 'string') assert.ok(r.node.endsWith(`${expected}/terraform`), `${JSON.stringify(env)}: ${r.node}`);
    else assert.equal(r.node, r.sh, JSON.stringify(env));
  }
});

test('a terraform on PATH that is not executable is named, exit 126, as spawn.ts does', async (t) => {
  const l = await layout(t);
  const noexec = join(l.root, 'noexec');
  await mkdir(noexec);
  await writeFile(join(noexec, 'terraform'), '#!/bin/sh\n');
  const r = both({ PATH: `${noexec}:/usr/bin:/bin` }, l.root);
  assert.equal(r.sh, `tfw: ${join(noexec, 'terraform')} is not an executable file (permission denied) (126)`);
  assert.equal(r.node, r.sh);
});
