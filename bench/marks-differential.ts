// Generated issensitive() against terraform console: random expressions over
// sensitive variables, sensitive()/nonsensitive(), locals, literals, through
// operators, templates, conditionals, indexing, collections, try() and the
// functions eval/marks.ts knows. Wrong must be 0.
//   node --import tsx bench/marks-differential.ts --cases=2000 --seed=1 [--show=wrong|unknown|all]
import fc from 'fast-check';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../test/support/harness.ts';
import { compare, runs, terraformValues, type CaseResult } from '../test/support/differential.ts';
import { MAIN_TF } from '../test/terraform/differential-corpus.ts';

const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const CASES = Number(arg('cases', '1000'));
const SEED = Number(arg('seed', '1'));
const SHOW = arg('show', 'wrong');

const leaf = fc.constantFrom('var.sec', 'var.notsec', 'var.s', '"p"', '"x"', '1', 'true', 'null', 'var.secn', 'var.secb', 'local.sec_unwrap', 'local.sec_chain', 'local.env');
const coll = fc.constantFrom('var.secl', 'var.ls', 'local.sec_obj', 'local.plain_map', '[var.sec]', '["a", var.sec]', '{ a = var.sec }', '{ a = "x" }', '[]', '{}', 'sensitive(["a"])', 'sensitive({ a = 1 })');

const { e } = fc.letrec<{ e: string; c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    coll,
    fc.array(tie('e'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(fc.constantFrom('a', 'b'), tie('e')), { maxLength: 2 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
    fc.tuple(fc.constantFrom('tolist', 'toset', 'tomap', 'concat', 'flatten', 'reverse', 'distinct', 'compact', 'sort', 'values', 'keys', 'merge'), tie('c')).map(([f, x]) => `${f}(${x})`),
    tie('c').map((x) => `[for v in ${x} : v]`),
  ),
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    leaf,
    tie('e').map((x) => `sensitive(${x})`),
    tie('e').map((x) => `nonsensitive(${x})`),
    fc.tuple(tie('e'), fc.constantFrom('==', '!=', '&&', '||', '+'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `"\${${a}}-\${${b}}"`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `"%{if ${c}}\${${a}}%{else}\${${b}}%{endif}"`),
    fc.tuple(tie('c'), tie('e')).map(([c, a]) => `"%{for x in ${c}}\${x}\${${a}}%{endfor}"`),
    fc.tuple(tie('c'), fc.constantFrom('0', '1', '"a"', '"b"')).map(([c, k]) => `${c}[${k}]`),
    fc.tuple(fc.constantFrom('upper', 'lower', 'tostring', 'trimspace', 'length', 'jsonencode', 'yamlencode', 'sha256', 'one', 'sum'), fc.oneof(tie('e'), tie('c'))).map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom('join(",", ', 'contains(', 'index(', 'coalesce(', 'try(', 'lookup(', 'element('), tie('c'), tie('e')).map(([f, c, x]) => `${f}${c}, ${x})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `try(${a}, ${b})`),
    tie('c').map((x) => `length(${x})`),
  ),
}));

const terraform = which('terraform');
if (!terraform) {
  console.log('terraform is not on PATH: nothing to compare against');
  process.exit(0);
}
const exprs = [...new Set(fc.sample(e.map((x) => `issensitive(${x})`), { numRuns: CASES, seed: SEED }))];
const root = await mkdtemp(join(tmpdir(), 'tfw-marksbench-'));
try {
  const home = join(root, 'home');
  await mkdir(home);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AWS_|TF_|TFW_)/.test(k)) env[k] = v;
  Object.assign(env, { HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_VAR_req: 'r' });
  const dir = join(root, 'm');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), MAIN_TF);
  const setup = { name: 'generated', dir, env, args: [] };
  const started = performance.now();
  const tf = await terraformValues(terraform, setup, exprs);
  const results: CaseResult[] = compare(setup, exprs, tf);
  const count = (v: string) => results.filter((r) => r.verdict === v).length;
  const none = results.filter((r) => r.bothNone).length;
  console.log(`seed ${SEED}: ${results.length} cases in ${runs.count} console runs, ${Math.round((performance.now() - started) / 1000)} s`);
  console.log(`| cases | match | unknown | wrong |\n|---|---|---|---|\n| ${results.length} | ${count('match')} (${none} both no value) | ${count('unknown')} | ${count('wrong')} |`);
  for (const r of results) {
    if (SHOW === 'all' || r.verdict === SHOW) console.log(`${r.verdict}: ${r.expr}\n  terraform: ${r.tf}\n  tfw:       ${r.tfw}`);
  }
  if (count('wrong') > 0) process.exitCode = 1;
} finally {
  await rm(root, { recursive: true, force: true });
}
