// terraform's working directory as its functions see it: path.cwd is Go's
// os.Getwd() before -chdir, abspath() joins os.Getwd() after it, and
// os.Getwd() is $PWD when $PWD names "." (a symlinked path stays), else the
// real path. The relative file functions resolve `..` as the kernel does.
// Checked against the real `terraform console` (skipped without terraform);
// and fileset() stays bounded where terraform would walk for ever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../support/harness.ts';
import { compare, summarize, terraformValues, type CaseResult, type Setup } from '../support/differential.ts';
import { rootEvaluator } from '../../src/terraform/index.ts';
import { Unknown } from '../../src/terraform/eval/value.ts';

const terraform = which('terraform');
if (!terraform) console.log('# skipping the working-directory cases against terraform console: terraform is not on PATH');

const EXPRS = [
  'path.cwd', 'abspath("x")', 'abspath("../up.txt")', 'abspath("")', 'file("../up.txt")', 'fileexists("../up.txt")', 'fileset("..", "up.*")',
  'path.module', 'path.root', 'file("${path.cwd}/up.txt")', 'fileset(path.cwd, "*.txt")',
];

function env(home: string, pwd: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|TF_|TFW_)/.test(k) || k === 'HOME' || k === 'PWD') continue;
    out[k] = v;
  }
  return { ...out, HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', ...(pwd !== undefined ? { PWD: pwd } : {}) };
}

test('path.cwd, abspath() and relative file paths follow terraform\'s os.Getwd(), PWD and -chdir', { skip: !terraform && 'terraform is not on PATH', timeout: 300_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tfw-wd-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  // real/deep/mod is the module; link -> real; modlink -> real/deep/mod; up.txt differs by where ".." lands
  await mkdir(join(root, 'real/deep/mod'), { recursive: true });
  await mkdir(home);
  await writeFile(join(root, 'real/deep/mod/main.tf'), 'locals {\n  x = 1\n}\n');
  await writeFile(join(root, 'real/deep/mod/here.txt'), 'here');
  await writeFile(join(root, 'real/deep/up.txt'), 'physical parent');
  await writeFile(join(root, 'up.txt'), 'lexical parent');
  await writeFile(join(root, 'real/up.txt'), 'real');
  await symlink('real', join(root, 'link'));
  await symlink('real/deep/mod', join(root, 'modlink'));
  const mod = join(root, 'link/deep/mod');
  const setups: Setup[] = [
    { name: 'PWD names the module through a symlink', dir: mod, env: env(home, mod), args: [] },
    { name: 'PWD unclean, through a symlink', dir: mod, env: env(home, `${root}//link/./deep/mod/`), args: [] },
    { name: 'PWD names another directory', dir: mod, env: env(home, root), args: [] },
    { name: 'PWD relative', dir: mod, env: env(home, 'deep/mod'), args: [] },
    { name: 'no PWD', dir: mod, env: env(home, undefined), args: [] },
    { name: '-chdir through a symlink, PWD the start', dir: root, chdir: 'modlink', env: env(home, root), args: [] },
    { name: '-chdir, PWD names the target through a symlink', dir: root, chdir: 'modlink', env: env(home, join(root, 'modlink')), args: [] },
    { name: '-chdir=., PWD through a symlink', dir: mod, chdir: '.', env: env(home, mod), args: [] },
    { name: '-chdir from a symlinked start', dir: join(root, 'link'), chdir: 'deep/mod', env: env(home, join(root, 'link')), args: [] },
  ];
  const results: (CaseResult & { cls: string })[] = [];
  for (const s of setups) {
    const tf = await terraformValues(terraform!, s, EXPRS);
    for (const r of compare(s, EXPRS, tf)) results.push({ ...r, cls: s.name });
  }
  console.log(summarize(results).split('\n').map((l) => `# ${l}`).join('\n'));
  assert.deepEqual(results.filter((r) => r.verdict !== 'match').map((r) => `[${r.cls}] ${r.expr} → terraform ${r.tf}, tfw ${r.tfw}`), []);
});

test('fileset() is bounded: a tree with two symlink loops (terraform walks 2^40 paths) is unknown, quickly', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tfw-fileset-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'main.tf'), 'locals {\n  x = 1\n}\n');
  await mkdir(join(root, 'tree'));
  await writeFile(join(root, 'tree/f.txt'), 'f');
  await symlink('.', join(root, 'tree/a'));
  await symlink('.', join(root, 'tree/b'));
  const ev = rootEvaluator({ dir: root, cwd: root, env: { HOME: root, PWD: root }, vars: [] });
  const started = Date.now();
  const v = ev.evaluate('fileset("tree", "**")');
  assert.ok(v instanceof Unknown, String(v));
  assert.match(v.reason, /symlink loop|huge tree/);
  assert.ok(Date.now() - started < 60_000);
  // one level is still read exactly
  assert.deepEqual(ev.evaluate('fileset("tree", "*")'), ['f.txt']);
});
