// The reader's two stages (issue 17): gatherModule reads every file a module
// needs and returns failures as typed reasons; interpret works on what was
// gathered and touches no file. Each reason has one message and one answer to
// "does terraform stop on it" (terraformStopsOn), and no module classifies a
// failure by the text of its message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileAccessFor, gatherModule, interpret, readModuleAuth } from '../../src/terraform/index.ts';
import type { FileAccess } from '../../src/terraform/eval/fileaccess.ts';
import { reasonMessage, terraformStopsOn } from '../../src/terraform/problems.ts';
import type { AuthTarget, FileFailure, ReadModuleOptions, ReadProblem, ReadReason } from '../../src/model.ts';

const isRoot = process.getuid?.() === 0;
const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0;

function sandbox(t: { after(fn: () => void): void }, files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-gather-'));
  t.after(() => {
    spawnSync('chmod', ['-R', 'u+rwX', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const opts = (dir: string, over: Partial<ReadModuleOptions> = {}): ReadModuleOptions => ({ dir, cwd: dir, env: {}, vars: [], backendConfig: [], command: 'plan', ...over });

/** The reasons of a read, as `file:line kind/failure`. */
function reasons(problems: ReadProblem[]): string[] {
  return problems.map((p) => `${p.source.file}:${p.source.line} ${p.reason.kind}${'failure' in p.reason ? `/${p.reason.failure.reason}` : ''}`);
}

const PROVIDER = 'provider "aws" {\n  profile = "p"\n}\n';

test('gather: each file a module needs is read once, first, and its failure is a typed reason', async (t) => {
  const dir = sandbox(t, {
    'main.tf': PROVIDER + 'module "gone" {\n  source = "./gone"\n}\nmodule "file" {\n  source = "./plain"\n}\n',
    plain: 'not a directory',
    'terraform.tfvars': 'a = 1\n',
    'b.auto.tfvars': 'b = 2\n',
    'a.auto.tfvars.json': '{"c": 3}',
    'extra.tfvars': 'd = 4\n',
    'binary.tfvars': Buffer.from('a = "\0"\n'),
    'latin1.tfvars': Buffer.from('a = "caf\xe9"\n', 'latin1'),
    'huge.tfvars': Buffer.alloc(9 * 1024 * 1024, 0x20),
  });
  mkdirSync(join(dir, 'vars.d'));
  symlinkSync('loop.tfvars', join(dir, 'loop.tfvars'));
  const g = gatherModule(opts(dir, {
    vars: ['extra.tfvars', 'missing.tfvars', 'vars.d', 'binary.tfvars', 'latin1.tfvars', 'huge.tfvars', 'loop.tfvars', 'plain/x.tfvars'].map((value) => ({ kind: 'var-file' as const, value })),
  }));
  assert.deepEqual(g.autoVarFiles.map((f) => f.slice(dir.length + 1)), ['a.auto.tfvars.json', 'b.auto.tfvars']);
  const failure = (name: string): FileFailure | 'ok' | undefined => {
    const r = g.files.get(join(dir, name));
    return r === undefined ? undefined : r.ok ? 'ok' : r.failure;
  };
  assert.equal(failure('terraform.tfvars'), 'ok');
  assert.equal(failure('extra.tfvars'), 'ok');
  assert.deepEqual(failure('terraform.tfvars.json'), { reason: 'missing' });
  assert.deepEqual(failure('missing.tfvars'), { reason: 'missing' });
  assert.deepEqual(failure('vars.d'), { reason: 'a-directory' });
  assert.deepEqual(failure('binary.tfvars'), { reason: 'binary' });
  assert.deepEqual(failure('latin1.tfvars'), { reason: 'not-utf8' });
  assert.deepEqual(failure('huge.tfvars'), { reason: 'too-large', bytes: 9 * 1024 * 1024 });
  assert.deepEqual(failure('loop.tfvars'), { reason: 'symlink-loop' });
  assert.deepEqual(failure('plain/x.tfvars'), { reason: 'not-a-directory' });
  // What init recorded: read for every command but an init with -backend-config.
  assert.deepEqual(failure('.terraform/terraform.tfstate'), { reason: 'missing' });
  assert.deepEqual(failure('.terraform/environment'), { reason: 'missing' });
  // Child modules: the directory each local `module` block names, or why not, with the block's file:line.
  assert.deepEqual([...g.root.children.keys()], ['gone', 'file']);
  assert.deepEqual(reasons(g.root.children.get('gone')!.module!.problems), ['main.tf:4 module-dir/missing']);
  assert.deepEqual(reasons(g.root.children.get('file')!.module!.problems), ['main.tf:7 module-dir/not-a-directory']);
  assert.equal(g.root.children.get('gone')!.module!.problems[0]!.message, 'module.gone: gone: cannot read the module directory: no such file (or a dangling symlink) (ENOENT)');
  assert.equal(g.files.size, 14);
});

test('gather: -backend-config files only for init; the recorded backend not when -backend-config replaces it; no environment file under TF_WORKSPACE', async (t) => {
  const dir = sandbox(t, { 'main.tf': PROVIDER, 'b.hcl': 'profile = "x"\n' });
  const backendConfig = [{ kind: 'file' as const, value: 'b.hcl' }, { kind: 'kv' as const, value: 'region=x' }];
  const init = gatherModule(opts(dir, { command: 'init', backendConfig, env: { TF_WORKSPACE: 'w' } }));
  assert.deepEqual([...init.files.keys()].map((f) => f.slice(dir.length + 1)).sort(), ['b.hcl', 'terraform.tfvars', 'terraform.tfvars.json']);
  const plan = gatherModule(opts(dir, { command: 'plan', backendConfig, env: { TF_DATA_DIR: 'data' } }));
  assert.deepEqual([...plan.files.keys()].map((f) => f.slice(dir.length + 1)).sort(), ['data/environment', 'data/terraform.tfstate', 'terraform.tfvars', 'terraform.tfvars.json']);
});

/**
 * What gatherModule makes of a module with a mode-000 var file and module
 * directory. Root reads through mode 000, so as root the gather runs in a
 * child process as nobody (65534), with the sandbox handed to nobody.
 */
function gatherLocked(dir: string): { varFile: unknown; lockedModule: string[] } | string {
  const run = (): { varFile: unknown; lockedModule: string[] } => {
    const g = gatherModule(opts(dir, { vars: [{ kind: 'var-file', value: 'secret.tfvars' }] }));
    return { varFile: g.files.get(join(dir, 'secret.tfvars')), lockedModule: reasons(g.root.children.get('locked')!.module!.problems) };
  };
  if (!isRoot) return run();
  const chown = spawnSync('chown', ['-R', '-h', '65534:65534', dir]);
  assert.equal(chown.status, 0, `as root, the sandbox must go to nobody: ${chown.stderr}`);
  const index = resolve(import.meta.dirname, '../../src/terraform/index.ts');
  const readable = spawnSync('sh', ['-c', 'test -r "$1" && test -x "$2"', 'sh', index, process.execPath], { uid: 65534, gid: 65534 });
  if (readable.status !== 0) return `running as root, and nobody (65534) cannot read ${index} or run ${process.execPath}`;
  const script = `
    const { gatherModule } = await import(${JSON.stringify(index)});
    const dir = ${JSON.stringify(dir)};
    const g = gatherModule({ dir, cwd: dir, env: {}, vars: [{ kind: 'var-file', value: 'secret.tfvars' }], backendConfig: [], command: 'plan' });
    const problems = g.root.children.get('locked').module.problems;
    process.stdout.write(JSON.stringify({
      varFile: g.files.get(dir + '/secret.tfvars'),
      lockedModule: problems.map((p) => p.source.file + ':' + p.source.line + ' ' + p.reason.kind + ('failure' in p.reason ? '/' + p.reason.failure.reason : '')),
    }));`;
  const root = resolve(import.meta.dirname, '../..');
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { uid: 65534, gid: 65534, cwd: root, encoding: 'utf8', env: { ...process.env, HOME: '/' } });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { varFile: unknown; lockedModule: string[] };
}

test('gather: unreadable (mode 000) files and directories are permission-denied', async (t) => {
  const dir = sandbox(t, { 'main.tf': PROVIDER + 'module "locked" {\n  source = "./locked"\n}\n', 'secret.tfvars': 'a = 1\n', 'locked/main.tf': PROVIDER });
  chmodSync(join(dir, 'secret.tfvars'), 0o000);
  chmodSync(join(dir, 'locked'), 0o000);
  if (isRoot) t.diagnostic('running as root: the gather runs as nobody (65534) so that mode 000 applies');
  const g = gatherLocked(dir);
  if (typeof g === 'string') return t.skip(g);
  assert.deepEqual(g.varFile, { ok: false, failure: { reason: 'permission-denied', code: 'EACCES' } });
  assert.deepEqual(g.lockedModule, ['main.tf:4 module-dir/permission-denied']);
});

test('gather: a pipe is never read (it would block), a directory or pipe named x.tf is skipped quietly', { skip: hasMkfifo ? undefined : 'mkfifo is not on PATH' }, async (t) => {
  const dir = sandbox(t, { 'main.tf': PROVIDER });
  spawnSync('mkfifo', [join(dir, 'piped.tfvars')]);
  spawnSync('mkfifo', [join(dir, 'x.tf')]);
  mkdirSync(join(dir, 'y.tf'));
  const g = gatherModule(opts(dir, { vars: [{ kind: 'var-file', value: 'piped.tfvars' }] }));
  assert.deepEqual(g.files.get(join(dir, 'piped.tfvars')), { ok: false, failure: { reason: 'special-file', what: 'pipe' } });
  assert.deepEqual(g.root.problems, []);
  assert.equal(g.root.complete, false, 'a module not wholly read: its aliases count as used');
});

test('interpretation: syntax errors, tfw\'s nesting cap, state, cycles, depth and bad arguments are typed reasons with the file:line that refers to them', async (t) => {
  let chain = '';
  for (let i = 0; i < 18; i++) chain += `m${i}/main.tf\n`;
  const files: Record<string, string> = {
    'main.tf': 'terraform {\n  backend "s3" {}\n}\nmodule "me" {\n  source = "./"\n}\nmodule "deep" {\n  source = "./m0"\n}\n',
    'bad.tf': 'provider "aws" {\n',
    'deep.tf': `locals {\n  x = ${'['.repeat(1000)}\n}\n`,
    'override.tf': 'provider "aws" {\n  alias = "nope"\n}\n',
    '.terraform/terraform.tfstate': '{not json',
    'b.hcl': 'x = [\n',
  };
  for (let i = 0; i < 18; i++) files[`m${i}/main.tf`] = `module "next" {\n  source = "../m${i + 1}"\n}\n`;
  files['m18/main.tf'] = PROVIDER;
  const dir = sandbox(t, files);
  const r = interpret(gatherModule(opts(dir, { vars: [{ kind: 'var', value: 'novalue' }] })));
  assert.deepEqual(reasons(r.problems), [
    'bad.tf:1 syntax', 'deep.tf:2 too-deep', 'override.tf:1 override-without-original', '-var:1 bad-var',
    '.terraform/terraform.tfstate:1 invalid-state', 'main.tf:4 module-cycle', 'm15/main.tf:1 modules-too-deep',
  ]);
  assert.deepEqual(r.problems.map((p) => terraformStopsOn(p.reason)), [true, false, false, true, true, false, false]);
  const init = interpret(gatherModule(opts(dir, { command: 'init', backendConfig: [{ kind: 'file', value: 'b.hcl' }, { kind: 'file', value: 'gone.hcl' }, { kind: 'kv', value: 'junk' }] })));
  assert.deepEqual(reasons(init.problems).slice(-5, -2), ['b.hcl:2 syntax', 'gone.hcl:1 file/missing', '-backend-config:1 bad-backend-config']);
});

/** Every reason, its message and whether terraform stops on it (terraform 1.11 checked for the state: "Failed to load state"). */
const TABLE: Array<[ReadReason, string, boolean]> = [
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'missing' } }, 'cannot read: no such file (or a dangling symlink) (ENOENT)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'not-a-directory' } }, 'cannot read: not a directory (ENOTDIR)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'permission-denied', code: 'EACCES' } }, 'cannot read: permission denied (EACCES)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'permission-denied', code: 'EPERM' } }, 'cannot read: permission denied (EPERM)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'symlink-loop' } }, 'cannot read: a symlink loop (ELOOP)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'a-directory' } }, 'a directory, not a file', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'a-directory', code: 'EISDIR' } }, 'cannot read: a directory (EISDIR)', true],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'special-file', what: 'pipe' } }, 'a pipe, not read by tfw (terraform gets its content)', false],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'special-file', what: 'device' } }, 'a device, not a file', false],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'special-file', what: 'socket' } }, 'a socket, not a file', false],
  [{ kind: 'file', path: 'x.tfvars', failure: { reason: 'special-file', what: 'other' } }, 'not a regular file', false],
  [{ kind: 'file', path: 'x.tf', failure: { reason: 'too-large', bytes: 9 } }, 'file too large to read (9 bytes)', false],
  [{ kind: 'file', path: 'x.tf', failure: { reason: 'binary' } }, 'binary file (contains NUL bytes), not text', true],
  [{ kind: 'file', path: 'x.tf', failure: { reason: 'not-utf8' } }, 'not UTF-8 text', true],
  [{ kind: 'file', path: 'x.tf', failure: { reason: 'io-error', code: 'EIO' } }, 'cannot read: EIO', true],
  [{ kind: 'module-dir', path: 'nosuch', failure: { reason: 'missing' } }, 'cannot read the module directory: no such file (or a dangling symlink) (ENOENT)', true],
  [{ kind: 'module-dir', path: 'modules/x', module: 'module.x', failure: { reason: 'not-a-directory' } }, 'module.x: modules/x: cannot read the module directory: not a directory (ENOTDIR)', true],
  [{ kind: 'syntax', path: 'x.tf', line: 3, message: 'missing "}"' }, 'missing "}"', true],
  [{ kind: 'too-deep', path: 'x.tf', line: 3, message: 'nesting deeper than 128 levels' }, 'nesting deeper than 128 levels', false],
  [{ kind: 'invalid-state', path: '.terraform/terraform.tfstate', message: 'Unexpected token' }, 'not valid JSON: Unexpected token', true],
  [{ kind: 'module-cycle', module: 'module.me', path: '.' }, 'module.me calls a module that is already being read (a cycle through .)', false],
  [{ kind: 'modules-too-deep', module: 'module.a', limit: 16 }, 'module.a: modules nested more than 16 deep are not read', false],
  [{ kind: 'bad-var', arg: 'x' }, '-var "x" is not NAME=VALUE', true],
  [{ kind: 'bad-backend-config', arg: 'x' }, '-backend-config "x" is neither a file nor KEY=VALUE', false],
  [{ kind: 'override-without-original', provider: 'aws', alias: 'a' }, 'override for provider "aws" (alias a) has no original block', false],
  [{ kind: 'internal', message: 'boom' }, 'tfw could not read the configuration: boom', false],
];

test('each reason has one message and one answer to "does terraform stop on it"', () => {
  for (const [reason, message, stops] of TABLE) {
    assert.equal(reasonMessage(reason), message, JSON.stringify(reason));
    assert.equal(terraformStopsOn(reason), stops, JSON.stringify(reason));
  }
  // Every kind and every failure is in the table (a new one must say what it means).
  const kinds = new Set(TABLE.map(([r]) => r.kind));
  const failures = new Set(TABLE.flatMap(([r]) => ('failure' in r ? [r.failure.reason] : [])));
  assert.equal(kinds.size, 11);
  assert.equal(failures.size, 10);
});

/** Makes every synchronous and promise-based node:fs call throw until restored, recording the calls. */
function forbidFs(): { calls: string[]; restore(): void } {
  const require = createRequire(import.meta.url);
  const fs = require('node:fs') as Record<string, unknown>;
  const fsp = require('node:fs/promises') as Record<string, unknown>;
  const calls: string[] = [];
  const saved: Array<[Record<string, unknown>, string, unknown]> = [];
  for (const [mod, prefix] of [[fs, 'fs.'], [fsp, 'fs/promises.']] as const) {
    for (const name of Object.keys(mod)) {
      const original = mod[name];
      if (typeof original !== 'function' || /^[A-Z]/.test(name)) continue;
      saved.push([mod, name, original]);
      mod[name] = (...args: unknown[]) => {
        calls.push(`${prefix}${name}(${String(args[0])})`);
        throw new Error(`file-system access during interpretation: ${prefix}${name}`);
      };
    }
  }
  syncBuiltinESMExports();
  return {
    calls,
    restore() {
      for (const [mod, name, original] of saved) mod[name] = original;
      syncBuiltinESMExports();
    },
  };
}

test('interpretation touches no file of its own: with every node:fs call failing it gives what readModuleAuth gives', async (t) => {
  const fixtures = resolve(import.meta.dirname, '../../fixtures/config');
  const cases: ReadModuleOptions[] = [
    ...readdirSync(fixtures).map((name) => ({ ...opts(join(fixtures, name)), cwd: fixtures, env: { HOME: '/home/u' } })),
    { ...opts(join(fixtures, 'backend-config')), command: 'init', backendConfig: [{ kind: 'file', value: 'backend.hcl' }, { kind: 'kv', value: 'region=x' }] },
    { ...opts(join(fixtures, 'var-precedence')), vars: [{ kind: 'var-file', value: 'extra.tfvars' }, { kind: 'var', value: 'h=1' }], env: { TF_VAR_b: 'b' } },
  ];
  const dir = sandbox(t, { 'main.tf': 'provider "aws" {\n  alias = "unused"\n  profile = "nosuch"\n}\nprovider "aws" {\n  alias = "used"\n}\nmodule "m" {\n  source = "./m"\n}\n', 'data.tf.json': JSON.stringify({ data: { aws_caller_identity: { me: { provider: 'aws.used' } } } }), 'm/main.tf': 'provider "aws" {\n  alias = "inner"\n}\n' });
  cases.push(opts(dir));
  for (const c of cases) {
    const expected = await readModuleAuth(c);
    const gathered = gatherModule(c);
    // The file functions' capability as readModuleAuth hands it (no fixture reads a file through it: the spy would say so).
    const access = fileAccessFor(gathered);
    const spy = forbidFs();
    let got;
    let used: boolean[];
    try {
      got = interpret(gathered, access);
      used = got.targets.map((target) => got!.mayBeUsed!(target));
    } finally {
      spy.restore();
    }
    assert.deepEqual(spy.calls, [], c.dir);
    assert.deepEqual(got.problems, expected.problems, c.dir);
    assert.deepEqual(got.targets, expected.targets, c.dir);
    assert.deepEqual(used, expected.targets.map((target) => expected.mayBeUsed!(target)), c.dir);
  }
  // And the spy does catch a read: the stage before interpretation is the one that reads.
  const spy = forbidFs();
  try {
    assert.throws(() => readFileSync(join(dir, 'main.tf')), /file-system access during interpretation/);
  } finally {
    spy.restore();
  }
});

test('interpretation of a gathered snapshot does not depend on the files still being there', async (t) => {
  const dir = sandbox(t, { 'main.tf': PROVIDER + 'module "m" {\n  source = "./m"\n}\n', 'terraform.tfvars': 'x = 1\n', 'm/main.tf': 'provider "aws" {\n  alias = "inner"\n  profile = "q"\n}\n' });
  const before = await readModuleAuth(opts(dir));
  const g = gatherModule(opts(dir));
  rmSync(join(dir, 'm'), { recursive: true });
  rmSync(join(dir, 'main.tf'));
  const after = interpret(g);
  assert.deepEqual(after.targets, before.targets);
  assert.deepEqual(after.problems, []);
  assert.deepEqual(after.targets.map((x) => x.profile), ['p', 'q']);
});

test('an aliased provider is unused only when no file of its module refers to it; the default provider and the backend always count', async (t) => {
  const dir = sandbox(t, {
    'main.tf': 'terraform {\n  backend "s3" {}\n  required_providers {\n    awsalt = { source = "hashicorp/aws" }\n  }\n}\nprovider "aws" {\n  alias   = "unused"\n  profile = "nosuch"\n}\nprovider "aws" {\n  alias = "used"\n}\nprovider "aws" {}\nprovider "awsalt" {\n  alias = "dr"\n}\nmodule "m" {\n  source = "./m"\n}\nmodule "b" {\n  source = "./broken"\n}\n',
    'data.tf.json': JSON.stringify({ data: { aws_caller_identity: { me: { provider: 'aws.used' } } } }),
    'm/main.tf': 'provider "aws" {\n  alias = "inner"\n}\nprovider "aws" {\n  alias = "by_region"\n  for_each = toset(["a"])\n}\ndata "x" "y" {\n  provider = aws.by_region["a"]\n}\n',
    'broken/main.tf': 'provider "aws" {\n  alias = "b"\n}\n',
    'broken/binary.tf': Buffer.from('\0'),
  });
  const r = await readModuleAuth(opts(dir, { command: 'plan' }));
  const used = Object.fromEntries(r.targets.map((x: AuthTarget) => [x.name, r.mayBeUsed!(x)]));
  assert.deepEqual(used, {
    'backend "s3"': true, 'aws.unused': false, 'aws.used': true, aws: true, 'awsalt.dr': false,
    'module.m: aws.inner': false, 'module.m: aws.by_region["a"]': true,
    'module.b: aws.b': true, // a module not wholly read counts as used
  });
});

test('no module of the reader or the pipeline classifies a failure by the text of its message', () => {
  const root = resolve(import.meta.dirname, '../../src');
  const files = [
    ...readdirSync(join(root, 'terraform'), { recursive: true }).map(String).filter((f) => f.endsWith('.ts')).map((f) => join(root, 'terraform', f)),
    join(root, 'run.ts'), join(root, 'prepare.ts'),
  ];
  const offences: string[] = [];
  for (const file of files) {
    readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
      // `/ENOENT|ENOTDIR/.test(r.message)`, `/nesting/.test(error.message)`, `/too large/.test(…)`.
      if (/\/[^/\n]*(ENOENT|ENOTDIR|EACCES|nesting|too large|UTF-8|binary)[^/\n]*\/\w*\.test\(/.test(line) || /\.test\([\w.]*\bmessage\)/.test(line)) offences.push(`${file.slice(root.length + 1)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(offences, []);
  // Only files.ts touches the file system in the reader.
  const fsUsers = files.filter((f) => f.includes('/terraform/') && /from 'node:fs(\/promises)?'/.test(readFileSync(f, 'utf8')));
  assert.deepEqual(fsUsers.map((f) => f.slice(root.length + 1)), ['terraform/files.ts']);
});

test('tfw\'s nesting cap is a limit wherever the parser meets it: native, JSON, a template inside a JSON string, a tfvars file', async (t) => {
  const deep = '['.repeat(200) + ']'.repeat(200);
  const dir = sandbox(t, {
    'a.tf': `locals {\n  x = ${deep}\n}\n`,
    'b.tf.json': `{"locals": {"x": ${deep}}}`,
    'c.tf.json': JSON.stringify({ locals: { x: `\${${deep}}` } }),
    'terraform.tfvars': `x = ${deep}\n`,
  });
  const r = interpret(gatherModule(opts(dir)));
  assert.deepEqual(r.problems.map((p) => `${p.source.file} ${p.reason.kind}`), ['a.tf too-deep', 'b.tf.json too-deep', 'c.tf.json too-deep', 'terraform.tfvars too-deep']);
  assert.ok(r.problems.every((p) => !terraformStopsOn(p.reason)));
});

test('terraform\'s file functions read only through the capability interpretation is handed (paths are known only by evaluating)', async (t) => {
  const dir = sandbox(t, { 'main.tf': 'provider "aws" {\n  profile = trimspace(file("profile.txt"))\n}\n', 'profile.txt': 'from-file\n' });
  const whole = await readModuleAuth(opts(dir));
  assert.deepEqual(whole.targets.map((x) => x.profile), ['from-file']);
  const gathered = gatherModule(opts(dir));
  assert.equal(gathered.files.has(join(dir, 'profile.txt')), false, 'not gathered: only evaluation knows the path');
  const real = fileAccessFor(gathered);
  const asked: string[] = [];
  const fake: FileAccess = {
    base: real.base, home: real.home,
    kind: (path) => (asked.push(`kind ${path}`), 'file'),
    read: (path) => (asked.push(`read ${path}`), { ok: true, bytes: Buffer.from('from-capability') }),
  };
  const spy = forbidFs();
  let withCapability;
  let without;
  try {
    withCapability = interpret(gathered, fake);
    without = interpret(gathered);
  } finally {
    spy.restore();
  }
  assert.deepEqual(spy.calls, []);
  assert.deepEqual(asked, [`read ${join(dir, 'profile.txt')}`]);
  assert.deepEqual(withCapability.targets.map((x) => x.profile), ['from-capability']);
  assert.deepEqual(without.targets.map((x) => x.unknowns.map((u) => u.attribute)), [['profile']]);
});
