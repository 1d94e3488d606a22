// Differential test: tfw's evaluator against the real `terraform console`, the
// same expressions in the same module with variables of every type fed by
// every input source. Wrong (a value that differs from terraform's, or a value
// where terraform has none) must be 0; unknown is allowed and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../support/harness.ts';
import { compare, runs, summarize, terraformValues, type CaseResult, type Setup } from '../support/differential.ts';
import { FIXED_CLASSES, MAIN_TF, VARIABLE_EXPRS } from './differential-corpus.ts';
import { writeE15aFiles } from './corpus-e15a.ts';

const terraform = which('terraform');
if (!terraform) console.log('# skipping the differential tests against terraform console: terraform is not on PATH');

function baseEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^(AWS_|TF_|TFW_)/.test(k) || k === 'HOME') continue;
    env[k] = v;
  }
  return { ...env, HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', ...extra };
}

interface SetupSpec {
  name: string;
  files?: Record<string, string>;
  env?: Record<string, string>;
  args?: string[];
  /** Expressions for this setup (default: the variable expressions). */
  exprs?: string[];
}

/** Every input source, each overriding the defaults in its own way. */
export const SETUPS: SetupSpec[] = [
  { name: 'defaults', env: { TF_VAR_req: 'r' } },
  {
    name: 'tfvars',
    files: {
      'terraform.tfvars': 'b = true\nn = "07"\nls = ["x", 2]\nnn = null\nnul = null\nis_prod = "true"\nss = ["z", "a", "z"]\no = { name = "y", size = "3", on = null }\nreq = "tfvars"\nmo = { x = { role = 1 } }\n',
      'a.auto.tfvars': 's = "auto"\nt = ["a", 1.50, "false"]\n',
      'terraform.tfvars.json': '{"ms": {"k": 1, "j": true}, "anyv": {"x": [1, "2"]}, "sn": [2, 1, 2]}',
    },
  },
  {
    name: '-var',
    env: { TF_VAR_b: 'false' },
    args: ['-var=b=1', '-var=n=05', '-var=ls=["a", 1]', '-var=ms={a=1, b="x"}', '-var=req=cli', '-var=is_prod=true', '-var=t=["a", 2, false]', '-var=o={name="z", tags={a=1}}', '-var=ss=["b","a"]', '-var=s=x y'],
  },
  {
    name: '-var-file',
    files: { 'vars/extra.tfvars': 'sn = [3, 1, 3]\nlo = [{ k = "q", v = null }, { k = true }]\nmo = { a = { role = "r", mfa = "false" } }\nuntyped = ["x", 1]\nreq = "file"\n' },
    args: ['-var-file=vars/extra.tfvars', '-var=n=1.50'],
  },
  {
    name: 'TF_VAR_',
    env: { TF_VAR_req: 'env', TF_VAR_b: 'true', TF_VAR_n: '-1e2', TF_VAR_is_prod: '1', TF_VAR_ln: '[1, "2"]', TF_VAR_ss: '["q", "a"]', TF_VAR_s: ' spaced ', TF_VAR_untyped: '{a = 1}' },
  },
  { name: 'workspace', env: { TF_VAR_req: 'w', TF_WORKSPACE: 'staging', TF_VAR_is_prod: 'false' } },
  // Inputs terraform refuses: the whole run stops, so no variable has a value.
  { name: 'refused: number "abc"', args: ['-var=n=abc', '-var=req=x'], exprs: ['var.n', 'var.n + 1', '"${var.n}"'] },
  { name: 'refused: bool "yes"', env: { TF_VAR_b: 'yes', TF_VAR_req: 'x' }, exprs: ['var.b', 'var.b ? 1 : 2'] },
  { name: 'refused: function call in tfvars', files: { 'terraform.tfvars': 's = upper("x")\nreq = "x"\n' }, exprs: ['var.s', 'upper(var.s)'] },
  { name: 'refused: object missing attribute', args: ['-var=o={size=1}', '-var=req=x'], exprs: ['var.o', 'var.o.size'] },
  { name: 'refused: list given for string', args: ['-var=req=x', '-var=ls=a'], exprs: ['var.ls', 'var.ls[0]'] },
];

async function makeSetup(root: string, home: string, spec: SetupSpec): Promise<Setup> {
  const dir = join(root, spec.name.replace(/[^a-z0-9]+/gi, '_'));
  await mkdir(join(dir, 'vars'), { recursive: true });
  await writeFile(join(dir, 'main.tf'), MAIN_TF);
  await writeFile(join(dir, 'data.txt'), 'hello\n');
  await writeFile(join(dir, 'tpl.tftpl'), 'Hi ${name}!');
  await writeFile(join(dir, 'loop.tftpl'), '%{ for k, v in m ~}\n${k}=${upper(v)};\n%{ endfor ~}\n%{ if n > 1 }many%{ else }one%{ endif }');
  await writeFile(join(dir, 'single.tftpl'), '${x}');
  await writeFile(join(dir, 'rec.tftpl'), '${templatefile("tpl.tftpl", { name = "r" })}');
  await writeFile(join(dir, 'pathref.tftpl'), '${path.module}');
  await writeFile(join(dir, 'bom.txt'), '\ufeffbom\r\n');
  await writeFile(join(dir, 'latin1.txt'), Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  for (const [name, text] of Object.entries(spec.files ?? {})) await writeFile(join(dir, name), text);
  await writeE15aFiles(dir);
  return { name: spec.name, dir, env: baseEnv(home, spec.env), args: spec.args ?? [] };
}

test('tfw evaluates like terraform console: every class, every input source; wrong = 0', { skip: !terraform && 'terraform is not on PATH', timeout: 600_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'tfw-diff-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  await mkdir(home);
  const results: (CaseResult & { cls: string })[] = [];
  for (const spec of SETUPS) {
    const setup = await makeSetup(root, home, spec);
    const exprs = spec.exprs ?? VARIABLE_EXPRS;
    const tf = await terraformValues(terraform!, setup, exprs);
    for (const r of compare(setup, exprs, tf)) results.push({ ...r, cls: `variables (${spec.name})` });
  }
  const fixed = await makeSetup(root, home, { name: 'fixed', env: { TF_VAR_req: 'r' } });
  for (const c of FIXED_CLASSES) {
    const tf = await terraformValues(terraform!, fixed, c.exprs);
    for (const r of compare(fixed, c.exprs, tf)) results.push({ ...r, cls: c.cls });
  }
  console.log(`# ${runs.count} terraform console runs`);
  console.log(summarize(results).split('\n').map((l) => `# ${l}`).join('\n'));
  if (process.env.TFW_DIFF_VERBOSE) {
    for (const r of results) if (r.verdict !== 'match') console.log(`# ${r.verdict} [${r.cls}] ${r.expr}\n#   terraform: ${r.tf}\n#   tfw:       ${r.tfw}`);
  }
  const wrong = results.filter((r) => r.verdict === 'wrong');
  assert.deepEqual(wrong.map((r) => `[${r.cls}] ${r.expr} → terraform ${r.tf}, tfw ${r.tfw}`), []);
});
