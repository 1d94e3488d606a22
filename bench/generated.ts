// What the generated differential benches share (bench/differential.ts,
// yaml-differential.ts, marks-differential.ts): a root module with the
// suite's variables in a private HOME, the same expressions through
// terraform console and tfw, the summary table, the unknowns by reason, the
// cases asked for with --show, and exit 1 on any wrong value.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../test/support/harness.ts';
import { compare, runs, terraformValues } from '../test/support/differential.ts';
import { MAIN_TF } from '../test/terraform/differential-corpus.ts';

export interface GeneratedRun {
  seed: number;
  exprs: readonly string[];
  /** wrong, unknown or all: which cases to print. */
  show: string;
  /** TF_VAR_* and the like, beside the private HOME. */
  env?: Record<string, string>;
  /** More files of the module (tfvars…). */
  files?: Record<string, string>;
  args?: string[];
  /** How unknowns are grouped in the "by reason" list; none printed without it. */
  unknownKey?: (why: string) => string;
}

export async function compareGenerated(o: GeneratedRun): Promise<void> {
  const terraform = which('terraform');
  if (!terraform) {
    console.log('terraform is not on PATH: nothing to compare against');
    return;
  }
  const root = await mkdtemp(join(tmpdir(), 'tfw-genbench-'));
  try {
    const home = join(root, 'home');
    await mkdir(home);
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !/^(AWS_|TF_|TFW_)/.test(k)) env[k] = v;
    Object.assign(env, { HOME: home, CHECKPOINT_DISABLE: '1', TF_CLI_CONFIG_FILE: '/dev/null', TF_VAR_req: 'r', ...o.env });
    const dir = join(root, 'm');
    await mkdir(dir);
    await writeFile(join(dir, 'main.tf'), MAIN_TF);
    for (const [name, text] of Object.entries(o.files ?? {})) await writeFile(join(dir, name), text);
    const setup = { name: 'generated', dir, env, args: o.args ?? [] };
    const exprs = [...o.exprs];
    const started = performance.now();
    const results = compare(setup, exprs, await terraformValues(terraform, setup, exprs));
    const count = (v: string) => results.filter((r) => r.verdict === v).length;
    const none = results.filter((r) => r.bothNone).length;
    console.log(`seed ${o.seed}: ${results.length} cases in ${runs.count} console runs, ${Math.round((performance.now() - started) / 1000)} s`);
    console.log(`| cases | match | unknown | wrong |\n|---|---|---|---|\n| ${results.length} | ${count('match')} (${none} both no value) | ${count('unknown')} | ${count('wrong')} |`);
    if (o.unknownKey) {
      const why = new Map<string, number>();
      for (const r of results) {
        if (r.verdict !== 'unknown') continue;
        const k = o.unknownKey(r.why ?? '');
        why.set(k, (why.get(k) ?? 0) + 1);
      }
      console.log('\nunknown, by reason:');
      for (const [k, n] of [...why].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${n}\t${k}`);
    }
    for (const r of results) {
      if (o.show === 'all' || r.verdict === o.show) console.log(`${r.verdict}: ${r.expr}\n  terraform: ${r.tf}\n  tfw:       ${r.tfw}`);
    }
    if (count('wrong') > 0) process.exitCode = 1;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
