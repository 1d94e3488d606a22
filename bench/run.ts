// `npm run bench` (issue 7): tfw's own cost on each path, against the node
// floor (`node -e ''`) timed in the same interleaved loop, the median of
// several runs after a warm-up. Prints a table and writes docs/performance.md.
//
//   npm run bench                      # build, then everything (~2–3 min)
//   node --import tsx bench/run.ts --runs=5 --no-write   # quicker, stdout only
//   … --warmup=N, --full-config-reader (let bench/config-reader.ts time hcl2-parser too)
//   … --nodes=/path/to/node22,/path/to/node24   (the credentialed rows on each Node; default: this one)
//
// Not a test: nothing here runs in `npm test`, and a missed target does not
// fail the run (a failing command does).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { symlinkSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { FAKE_TERRAFORM_DIR, ROOT, TFW_LAUNCHER, which } from '../test/support/harness.ts';
import { box, interleave, machine, median, ms, ratio, timeOnce, type Cmd, type Variant } from './lib.ts';
import { ALICE, mfaSetup, roleArn, script } from './scenarios.ts';
import { benchKeyring } from './keyring.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const RUNS = Number(flag('runs') ?? 21);
const WARMUP = Number(flag('warmup') ?? 3);
const WRITE = !argv.includes('--no-write');
const FULL_CONFIG_READER = argv.includes('--full-config-reader');
const COLD_ROLES = 10;
const WARM_ROLES = 4;
const STS_LATENCY_MS = 100;

const FAKE_TERRAFORM = join(FAKE_TERRAFORM_DIR, 'terraform');
// The Node the rows run on (`--nodes` runs the credentialed rows once per Node).
const NODES = (flag('nodes') ?? process.execPath).split(',').filter(Boolean);
let NODE = NODES[0]!;
let nodeLabel = '';
const realTerraform = which('terraform');

interface Row {
  path: string;
  measured: string;
  floor: string;
  ratio: string;
  target: string;
  met: boolean | undefined;
  /** How far from the target, e.g. "12 ms to spare" / "by 4 ms". */
  margin?: string;
}

const rows: Row[] = [];
const notes: string[] = [];
const log = (line: string): void => {
  process.stderr.write(`bench: ${line}\n`);
};

const floorCmd = (env: Record<string, string>): Cmd => ({ file: NODE, args: ['-e', ''], env });
// What users run: the launcher, which execs terraform or `node bin/tfw.js`; NODE first on PATH (a directory holding only it).
const nodeDirs = new Map<string, string>();
function nodeFirst(env: Record<string, string>): Record<string, string> {
  let dir = nodeDirs.get(NODE);
  if (dir === undefined) {
    dir = mkdtempSync(join(tmpdir(), 'tfw-bench-node-'));
    symlinkSync(NODE, join(dir, 'node'));
    nodeDirs.set(NODE, dir);
  }
  return { ...env, PATH: `${dir}:${env.PATH ?? ''}` };
}
const tfwCmd = (args: string[], cwd: string, env: Record<string, string>): Cmd => ({ file: TFW_LAUNCHER, args, cwd, env: nodeFirst(env) });

/** Medians by variant name. */
function medians(times: Map<string, number[]>): Record<string, number> {
  return Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
}

function spread(times: number[]): string {
  const s = [...times].sort((a, b) => a - b);
  return `${ms(s[0]!)}–${ms(s[s.length - 1]!)}`;
}

function marginMs(value: number, limit: number): string {
  return value <= limit ? `${ms(limit - value)} to spare` : `by ${ms(value - limit)}`;
}

function addedRow(path: string, tfw: number, base: number, floor: number, limit: number, baseName: string): void {
  const added = tfw - base;
  rows.push({
    path,
    measured: `+${ms(added)} (${ms(tfw)} vs ${baseName} ${ms(base)})`,
    floor: ms(floor),
    ratio: ratio(added / floor),
    target: `added ≤ ${limit} × floor`,
    met: added / floor <= limit,
    margin: marginMs(added, limit * floor),
  });
}

// ─── pass-through ────────────────────────────────────────────────────────────
function ratioRow(path: string, tfw: number, base: number, limit: number, baseName: string, floor: number): void {
  rows.push({
    path,
    measured: `${ms(tfw)} vs ${baseName} ${ms(base)} (+${ms(tfw - base)})`,
    floor: ms(floor),
    ratio: ratio((tfw - base) / floor),
    target: `≤ ${limit} × terraform's own time`,
    met: tfw / base <= limit,
    margin: `${(tfw / base).toFixed(3)} ×`,
  });
}

async function passThrough(): Promise<void> {
  const b = await box();
  try {
    const dir = join(b.root, 'module');
    await mkdir(dir);
    await writeFile(join(dir, 'main.tf'), 'variable "n" {\n  default = 1\n}\n');
    // As users have it: terraform found on PATH (the fake one first on PATH when there is no real one).
    const env = realTerraform ? b.env() : b.env({ PATH: `${FAKE_TERRAFORM_DIR}:${process.env.PATH ?? ''}` });
    const tf = realTerraform ?? FAKE_TERRAFORM;
    // A completion request as `complete -C terraform terraform` makes it: COMP_LINE set, the command name first.
    const completing = { ...env, COMP_LINE: 'terraform pl', COMP_POINT: '12' };
    const cases: Array<[string, string[], Record<string, string>]> = [
      ['version', ['version'], env],
      ['fmt -check', ['fmt', '-check'], env],
      ['a completion request', ['terraform', 'pl', 'terraform'], completing],
      ['an unknown command (`paln`)', ['paln'], env],
    ];
    log(`pass-through: ${RUNS} runs of tfw/terraform ${cases.map((c) => c[0]).join(', ')} (${realTerraform ? 'real' : 'fake'} terraform)…`);
    // `paln` exits 1 in terraform: timed through sh so the loop sees 0.
    const ok = (file: string, args: string[], e: Record<string, string>): Cmd => ({ file: '/bin/sh', args: ['-c', '"$@"; exit 0', 'sh', file, ...args], cwd: dir, env: e });
    const times = await interleave(
      [
        { name: 'floor', cmd: () => floorCmd(env) },
        ...cases.flatMap(([name, args, e]) => [
          { name: `tf ${name}`, cmd: () => ok(tf, args, e) },
          { name: `tfw ${name}`, cmd: () => { const c = tfwCmd(args, dir, e); return ok(c.file, c.args, c.env!); } },
        ]),
      ],
      { runs: RUNS, warmup: WARMUP },
    );
    const m = medians(times);
    const which = realTerraform ? 'real terraform' : 'fake terraform';
    for (const [name] of cases) ratioRow(`pass-through \`tfw\` ${name} (${which})`, m[`tfw ${name}`]!, m[`tf ${name}`]!, 1.05, 'terraform', m.floor!);
    notes.push(`pass-through (each run through \`sh -c '"$@"; exit 0'\`, both sides alike): ${Object.entries(m).map(([k, v]) => `${k} ${ms(v)} (${spread(times.get(k)!)})`).join('; ')}`);
  } finally {
    await b.cleanup();
  }
}

// ─── credentialed, warm cache ───────────────────────────────────────────────
async function warmCache(shTerraform: string): Promise<number[]> {
  const s = await mfaSetup(WARM_ROLES);
  try {
    const env = s.b.env({ AWS_ENDPOINT_URL_STS: s.sts.url, TFW_TERRAFORM: FAKE_TERRAFORM });
    const warm = await timeOnce(tfwCmd(['plan'], s.dir, { ...env, TFW_MFA_CODE: '123456' }));
    if (warm.code !== 0 || s.sts.calls.GetSessionToken !== 1) {
      throw new Error(`warming the cache failed (exit ${warm.code}, ${s.sts.calls.GetSessionToken} GetSessionToken): ${warm.stderr}`);
    }
    log(`credentialed warm cache: ${RUNS} runs of tfw plan / fake terraform plan, ${WARM_ROLES} MFA providers…`);
    const times = await interleave(
      [
        { name: 'floor', cmd: () => floorCmd(env) },
        // The fake terraform (a `#!/usr/bin/env node` script) on the same node tfw's own child gets (NODE first on PATH).
        { name: 'fake plan', cmd: () => ({ file: FAKE_TERRAFORM, args: ['plan'], cwd: s.dir, env: nodeFirst(env) }) },
        { name: 'tfw plan', cmd: () => tfwCmd(['plan'], s.dir, env) },
        // The same run with its plan memo gone: what the first run after a change to the module pays (it reads, plans, records, writes a memo).
        { name: 'tfw plan, planned', before: () => rmSync(join(env.XDG_CACHE_HOME!, 'tfw', 'plans'), { recursive: true, force: true }), cmd: () => tfwCmd(['plan'], s.dir, env) },
        // The yardstick: what any Node wrapper doing tfw's duties (files, witness, spawn, removal) adds, with none of tfw's work.
        { name: 'least wrapper', cmd: () => ({ file: NODE, args: [join(ROOT, 'bench', 'least-wrapper.cjs'), sessionFile(env), FAKE_TERRAFORM, 'plan'], cwd: s.dir, env: nodeFirst(env) }) },
      ],
      { runs: RUNS, warmup: WARMUP },
    );
    if (s.sts.calls.GetSessionToken !== 1) throw new Error(`the warm cache was not used: ${s.sts.calls.GetSessionToken} GetSessionToken`);
    const m = medians(times);
    addedRow(`credentialed, warm cache, ${WARM_ROLES} MFA providers (\`tfw plan\`, fake terraform; served by the plan memo)${nodeLabel}`, m['tfw plan']!, m['fake plan']!, m.floor!, 1.5, 'fake `terraform plan`');
    rows.push({
      path: `the same, its plan memo removed before each run (the first run after a change: reads, plans, writes a memo)${nodeLabel}`,
      measured: `+${ms(m['tfw plan, planned']! - m['fake plan']!)} (${ms(m['tfw plan, planned']!)})`,
      floor: ms(m.floor!),
      ratio: ratio((m['tfw plan, planned']! - m['fake plan']!) / m.floor!),
      target: '—',
      met: undefined,
    });
    rows.push({
      path: `the least a Node wrapper with tfw's duties adds: one session file read, the three per-run files, the witness, terraform, removal (bench/least-wrapper.cjs, fake terraform)${nodeLabel}`,
      measured: `+${ms(m['least wrapper']! - m['fake plan']!)} (${ms(m['least wrapper']!)})`,
      floor: ms(m.floor!),
      ratio: ratio((m['least wrapper']! - m['fake plan']!) / m.floor!),
      target: '— (yardstick)',
      met: undefined,
    });
    notes.push(
      `warm cache: ${Object.entries(m).map(([k, v]) => `${k} ${ms(v)} (${spread(times.get(k)!)})`).join('; ')}; ` +
        `STS calls during the timed runs: ${s.sts.calls.GetSessionToken - 1} GetSessionToken, ${s.sts.calls.AssumeRole} AssumeRole`,
    );

    // Peak RSS on the same path, terraform replaced by a shell script so only tfw's node counts.
    const rss = await peakRss(tfwCmd(['plan'], s.dir, { ...env, TFW_TERRAFORM: shTerraform }));
    if (NODE === NODES[0]) await comparison(s, env, m['tfw plan']!, m['fake plan']!);
    return rss;
  } finally {
    await s.cleanup();
  }
}

/** The warm session's cache file (the yardstick reads it as tfw would); the AWS config when sessions are not in files. */
function sessionFile(env: Record<string, string>): string {
  const dir = join(env.XDG_CACHE_HOME!, 'tfw');
  const name = readdirSync(dir).find((n) => n.startsWith('session-'));
  return name !== undefined ? join(dir, name) : env.AWS_CONFIG_FILE ?? join(env.HOME!, '.aws', 'config');
}

// ─── what users would run instead ───────────────────────────────────────────
async function comparison(s: Awaited<ReturnType<typeof mfaSetup>>, env: Record<string, string>, tfwWarm: number, fakePlan: number): Promise<void> {
  const aws = resolveAwsCli();
  if (!aws) {
    notes.push('comparison with an `aws sts` shell wrapper: skipped, no aws CLI on PATH');
    return;
  }
  const bin = join(s.b.root, 'bin');
  const common = `#!/bin/bash
set -euo pipefail
export AWS_PROFILE=source
`;
  const exportAndRun = `read -r AK SK ST <<<"$creds"
export AWS_ACCESS_KEY_ID="$AK" AWS_SECRET_ACCESS_KEY="$SK" AWS_SESSION_TOKEN="$ST"
unset AWS_PROFILE
exec "$TF" "$@"
`;
  const query = `--query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text`;
  const gst = await script(
    bin,
    'gst-wrapper',
    `${common}creds=$("$AWS" sts get-session-token --endpoint-url "$STS_URL" --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE" ${query})\n${exportAndRun}`,
  );
  const assume = await script(
    bin,
    'assume-wrapper',
    `${common}creds=$("$AWS" sts assume-role --endpoint-url "$STS_URL" --role-arn "$ROLE_ARN" --role-session-name bench --serial-number "$MFA_SERIAL" --token-code "$MFA_CODE" ${query})\n${exportAndRun}`,
  );
  const wenv = { ...env, AWS: aws, STS_URL: s.sts.url, MFA_SERIAL: ALICE.mfaSerial, ROLE_ARN: roleArn(1), TF: FAKE_TERRAFORM };
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  log(`comparison: ${runs} runs of aws-CLI shell wrappers vs tfw warm cache…`);
  const times = await interleave(
    [
      { name: 'floor', cmd: () => floorCmd(env) },
      { name: 'tfw plan', cmd: () => tfwCmd(['plan'], s.dir, env) },
      { name: 'fake plan', cmd: () => ({ file: FAKE_TERRAFORM, args: ['plan'], cwd: s.dir, env }) },
      { name: 'gst wrapper', cmd: (i) => ({ file: gst, args: ['plan'], cwd: s.dir, env: { ...wenv, MFA_CODE: String(400000 + i) } }) },
      { name: 'assume wrapper', cmd: (i) => ({ file: assume, args: ['plan'], cwd: s.dir, env: { ...wenv, MFA_CODE: String(500000 + i) } }) },
    ],
    { runs, warmup: 1 },
  );
  const m = medians(times);
  const awsVersion = spawnSync(aws, ['--version'], { encoding: 'utf8', env }).stdout.trim() || spawnSync(aws, ['--version'], { encoding: 'utf8', env }).stderr.trim();
  const cmp = (name: string, what: string): void => {
    const added = m[name]! - m['fake plan']!;
    rows.push({
      path: `for comparison: ${what}`,
      measured: `+${ms(added)} (${ms(m[name]!)} vs fake \`terraform plan\` ${ms(m['fake plan']!)})`,
      floor: ms(m.floor!),
      ratio: ratio(added / m.floor!),
      target: '—',
      met: undefined,
    });
  };
  cmp('gst wrapper', 'shell wrapper `aws sts get-session-token` + exported keys, then terraform (a new code every run)');
  cmp('assume wrapper', 'shell wrapper `aws sts assume-role` with MFA (one role only) + exported keys, then terraform');
  notes.push(
    `comparison (${runs} runs after 1 warm-up; ${aws}, ${awsVersion}): ${Object.entries(m).map(([k, v]) => `${k} ${ms(v)}`).join('; ')}. ` +
      `In the same loop tfw (warm cache) added +${ms(m['tfw plan']! - m['fake plan']!)}; in the main warm-cache loop +${ms(tfwWarm - fakePlan)}. ` +
      'The wrappers export one set of keys, which then shadows every provider\'s `profile`: they cannot serve a module with several accounts at all.',
  );
}

function resolveAwsCli(): string | undefined {
  // A pyenv shim does not work under the bench's private HOME: use the real script behind it.
  const p = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' });
  if (p.status === 0 && p.stdout.trim() && existsSync(p.stdout.trim())) return p.stdout.trim();
  return which('aws');
}

// ─── cold cache, N roles behind one device ──────────────────────────────────
async function coldCache(shTerraform: string): Promise<number[]> {
  const s = await mfaSetup(COLD_ROLES, { latencyMs: STS_LATENCY_MS });
  try {
    const env = s.b.env({ AWS_ENDPOINT_URL_STS: s.sts.url, TFW_TERRAFORM: FAKE_TERRAFORM, TFW_NO_CACHE: '1' });
    const perRun: number[] = [];
    const assumePerRun: number[] = [];
    let gst = 0;
    let ar = 0;
    const runs = Math.max(5, Math.ceil((RUNS * 2) / 3));
    log(`cold cache: ${runs} runs of tfw plan with ${COLD_ROLES} roles behind one device, ${STS_LATENCY_MS} ms STS latency…`);
    const tfw: Variant = {
      name: 'tfw plan',
      // STS refuses a code it has accepted before: a fresh one for every run.
      cmd: (i) => tfwCmd(['plan'], s.dir, { ...env, TFW_MFA_CODE: String(100000 + i) }),
      before: () => {
        gst = s.sts.calls.GetSessionToken;
        ar = s.sts.calls.AssumeRole;
      },
      after: () => {
        perRun.push(s.sts.calls.GetSessionToken - gst);
        assumePerRun.push(s.sts.calls.AssumeRole - ar);
      },
    };
    const times = await interleave(
      [{ name: 'floor', cmd: () => floorCmd(env) }, { name: 'fake plan', cmd: () => ({ file: FAKE_TERRAFORM, args: ['plan'], cwd: s.dir, env: nodeFirst(env) }) }, tfw],
      { runs, warmup: 2 },
    );
    const m = medians(times);
    const own = m['tfw plan']! - m['fake plan']!;
    const oneEach = perRun.every((n) => n === 1);
    // "1 prompt": the code source is asked once per run whatever the number of roles (counted via mfa_process).
    const asked = await codeRequestsPerRun();
    rows.push({
      path: `cold cache, ${COLD_ROLES} roles behind one device, ${STS_LATENCY_MS} ms STS latency (\`tfw plan\`, fake terraform)${nodeLabel}`,
      measured: `+${ms(own)} (${ms(m['tfw plan']!)} vs fake \`terraform plan\` ${ms(m['fake plan']!)}); per run: ${asked} code asked, ${[...new Set(perRun)].join('/')} GetSessionToken`,
      floor: ms(m.floor!),
      ratio: ratio(own / m.floor!),
      target: 'added < 500 ms; 1 code, 1 GetSessionToken',
      met: own < 500 && oneEach && asked === 1,
      margin: marginMs(own, 500),
    });

    notes.push(
      `cold cache (${runs} runs after 2 warm-up): ${Object.entries(m).map(([k, v]) => `${k} ${ms(v)} (${spread(times.get(k)!)})`).join('; ')}; ` +
        `STS calls per tfw run (warm-up included): GetSessionToken ${perRun.join(',')}, AssumeRole ${assumePerRun.join(',')} ` +
        `(tfw makes no per-role call: terraform assumes the roles itself); code requests in one run with ${COLD_ROLES} roles (mfa_process counter): ${asked}`,
    );
    return await peakRss(tfwCmd(['plan'], s.dir, { ...env, TFW_TERRAFORM: shTerraform }), (i) => ({ TFW_MFA_CODE: String(700000 + i) }));
  } finally {
    await s.cleanup();
  }
}

async function codeRequestsPerRun(): Promise<number> {
  const s0 = await mfaSetup(COLD_ROLES, { mfaProcess: 'PLACEHOLDER' });
  try {
    const counter = join(s0.b.root, 'asked');
    const proc = await script(join(s0.b.root, 'bin'), 'mfa-code', `#!/bin/sh\necho x >> '${counter}'\necho 654321\n`);
    const config = (await readFile(join(s0.b.aws, 'config'), 'utf8')).replace('PLACEHOLDER', proc);
    await writeFile(join(s0.b.aws, 'config'), config);
    const env = s0.b.env({ AWS_ENDPOINT_URL_STS: s0.sts.url, TFW_TERRAFORM: FAKE_TERRAFORM, TFW_NO_CACHE: '1' });
    const r = await timeOnce(tfwCmd(['plan'], s0.dir, env));
    if (r.code !== 0) throw new Error(`mfa_process run failed: ${r.stderr}`);
    return existsSync(counter) ? (await readFile(counter, 'utf8')).trim().split('\n').length : 0;
  } finally {
    await s0.cleanup();
  }
}

// ─── peak memory ────────────────────────────────────────────────────────────
const GNU_TIME = '/usr/bin/time';

/** Maximum resident set sizes (KiB) of `cmd` under GNU time, over several runs. */
async function peakRss(cmd: Cmd, extraEnv: (i: number) => Record<string, string> = () => ({})): Promise<number[]> {
  if (!existsSync(GNU_TIME)) return [];
  const out: number[] = [];
  const runs = Math.max(3, Math.ceil(RUNS / 2));
  for (let i = 0; i < runs; i++) {
    const r = await timeOnce({ file: GNU_TIME, args: ['-f', 'TFW_BENCH_MAXRSS=%M', cmd.file, ...cmd.args], cwd: cmd.cwd, env: { ...cmd.env, ...extraEnv(i) } });
    const kb = /TFW_BENCH_MAXRSS=(\d+)/.exec(r.stderr)?.[1];
    if (r.code !== 0 || !kb) throw new Error(`peak RSS run failed (exit ${r.code}): ${r.stderr}`);
    out.push(Number(kb));
  }
  return out;
}

const mib = (kb: number): string => `${(kb / 1024).toFixed(1)} MiB`;

async function floorRss(): Promise<number[]> {
  return peakRss({ file: NODE, args: ['-e', ''], env: { PATH: process.env.PATH ?? '' } });
}

// ─── configuration reading ──────────────────────────────────────────────────
/**
 * Runs bench/config-reader.ts and reads its two `tfw reader` lines. The rest of
 * that script times the parsers tfw replaced (hcl2-parser alone takes ~2 min
 * here), so it is stopped once both lines are out, unless --full-config-reader.
 */
function runConfigReader(full: boolean): Promise<{ code: number | null; stdout: string; stderr: string; stopped: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--import', 'tsx', join(ROOT, 'bench', 'config-reader.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!full && !stopped && /in 5 files: median .*\n/.test(stdout)) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, stopped }));
  });
}

async function configReading(): Promise<void> {
  log('configuration reading: bench/config-reader.ts…');
  const r = await runConfigReader(FULL_CONFIG_READER);
  const big = /tfw reader, (\d+) lines in 500 files: first run ([\d.]+) ms, median ([\d.]+) ms/.exec(r.stdout);
  const small = /tfw reader, (\d+) lines in 5 files: median ([\d.]+) ms/.exec(r.stdout);
  if ((r.code !== 0 && !r.stopped) || !big || !small) {
    rows.push({ path: 'configuration reading', measured: `bench/config-reader.ts failed (exit ${r.code})`, floor: '—', ratio: '—', target: '≤ 300 ms / ≤ 20 ms', met: false });
    notes.push(`config-reader failed: ${(r.stdout + r.stderr).trim().split('\n').slice(0, 8).join(' | ')}`);
    return;
  }
  const t = Number(big[3]);
  rows.push({
    path: `configuration reading, 500 files / ${big[1]} lines (in-process)`,
    measured: `${ms(t)} (first run ${ms(Number(big[2]))})`,
    floor: '—',
    ratio: '—',
    target: '≤ 300 ms',
    met: t <= 300,
    margin: marginMs(t, 300),
  });
  const t5 = Number(small[2]);
  rows.push({ path: `configuration reading, typical 5-file module (${small[1]} lines)`, measured: `${t5.toFixed(1)} ms`, floor: '—', ratio: '—', target: '≤ 20 ms', met: t5 <= 20, margin: marginMs(t5, 20) });
  notes.push(
    `bench/config-reader.ts (\`readModuleAuth\` in-process, median of 9 after 3 warm-up) said` +
      `${r.stopped ? ' (stopped after its tfw lines; `--full-config-reader` also times the parsers tfw replaced, see docs/hcl-parser.md)' : ''}:\n` +
      r.stdout.trim().split('\n').map((l) => `    ${l}`).join('\n'),
  );
}

// ─── where pass-through time goes ───────────────────────────────────────────
async function breakdown(): Promise<void> {
  const b = await box();
  try {
    const env = b.env();
    const cli = pathToFileURL(join(ROOT, 'dist', 'cli.js')).href;
    log(`start-up breakdown: ${RUNS} runs…`);
    const times = await interleave(
      [
        { name: "node -e ''", cmd: () => floorCmd(env) },
        { name: 'node: import dist/cli.js only', cmd: () => ({ file: NODE, args: ['--input-type=module', '-e', `await import(${JSON.stringify(cli)})`], env }) },
        { name: 'node: spawn /bin/true and wait', cmd: () => ({ file: NODE, args: ['-e', SPAWN_TRUE], env }) },
        { name: 'tfw version, terraform = /bin/true', cmd: () => tfwCmd(['version'], b.root, { ...env, TFW_TERRAFORM: '/bin/true' }) },
        { name: '/bin/true', cmd: () => ({ file: '/bin/true', args: [], env }) },
      ],
      { runs: RUNS, warmup: WARMUP },
    );
    const m = medians(times);
    const floor = m["node -e ''"]!;
    notes.push(
      `start-up breakdown of the pass-through path (medians, interleaved; + is over \`node -e ''\`): ` +
        Object.entries(m).map(([k, v]) => `${k} ${ms(v)}${k === "node -e ''" || k === '/bin/true' ? '' : ` (+${ms(v - floor)})`}`).join('; '),
    );
  } finally {
    await b.cleanup();
  }
}

const SPAWN_TRUE = "require('node:child_process').spawn('/bin/true',{stdio:'inherit'}).on('exit',(c)=>process.exit(c))";

// ─── output ─────────────────────────────────────────────────────────────────
const verdict = (r: Row): string => (r.met === undefined ? '' : `${r.met ? 'met' : 'MISSED'}${r.margin ? ` (${r.margin})` : ''}`);

function textTable(): string {
  const header = ['path', 'measured (median)', 'node floor', 'added/floor', 'target', ''];
  const body = rows.map((r) => [r.path, r.measured, r.floor, r.ratio, r.target, verdict(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

function markdownTable(): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  return [
    '| path | measured (median) | node floor | added / floor | target | |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.path, r.measured, r.floor, r.ratio, r.target, verdict(r)].map(esc).join(' | ')} |`),
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` (npm run bench does)');
  const m = machine(realTerraform, (await box().then(async (b) => { const e = b.env(); await b.cleanup(); return e; })));
  log(`${m.nproc} CPUs (${m.cpu}), node ${m.node}, ${m.terraform}; ${RUNS} runs per row after ${WARMUP} warm-up`);

  const tmp = await box();
  try {
    const shTerraform = await script(join(tmp.root, 'bin'), 'terraform', '#!/bin/sh\nexit 0\n');
    await passThrough();
    await breakdown();
    NODE = NODES[0]!;
    nodeLabel = NODES.length > 1 ? `, Node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}` : '';
    const warmRss = await warmCache(shTerraform);
    const kr = await benchKeyring(RUNS, WARMUP);
    notes.push(kr.note);
    if (kr.keyring !== undefined) {
      rows.push({ path: 'credentialed, warm cache, 4 MFA providers: sessions in the Secret Service vs files (`tfw plan`, fake terraform)', measured: `keyring ${ms(kr.keyring)} vs file ${ms(kr.file!)} (${ms(kr.keyring - kr.file!)})`, floor: ms(kr.floor!), ratio: ratio((kr.keyring - kr.file!) / kr.floor!), target: '—', met: undefined });
    }
    const coldRss = await coldCache(shTerraform);
    for (const other of NODES.slice(1)) {
      NODE = other;
      nodeLabel = `, Node ${spawnSync(NODE, ['--version'], { encoding: 'utf8' }).stdout.trim()}`;
      await warmCache(shTerraform);
      await coldCache(shTerraform);
    }
    NODE = NODES[0]!;
    if (warmRss.length) {
      const nodeRss = await floorRss();
      const all = [...warmRss, ...coldRss];
      const peak = Math.max(...all);
      rows.push({
        path: 'peak RSS of tfw on the credentialed path (warm cache / cold cache)',
        measured: `${mib(median(warmRss))} / ${mib(median(coldRss))} (max ${mib(peak)})`,
        floor: mib(median(nodeRss)),
        ratio: '—',
        target: '≤ 80 MiB',
        met: peak <= 80 * 1024,
        margin: peak <= 80 * 1024 ? `${mib(80 * 1024 - peak)} to spare` : `by ${mib(peak - 80 * 1024)}`,
      });
      notes.push(
        `peak RSS (${warmRss.length} runs each): GNU time's "Maximum resident set size" of \`tfw plan\` (the launcher, which execs node) with terraform replaced by a \`#!/bin/sh exit 0\` script ` +
          `(so the max over the process tree is tfw's node); warm ${warmRss.map(mib).join(', ')}; cold ${coldRss.map(mib).join(', ')}; \`node -e ''\` ${nodeRss.map(mib).join(', ')}`,
      );
    } else {
      notes.push('peak RSS: skipped, /usr/bin/time (GNU time) is not installed');
    }
    await configReading();
  } finally {
    await tmp.cleanup();
    for (const dir of nodeDirs.values()) rmSync(dir, { recursive: true, force: true });
  }

  const elapsed = (performance.now() - started) / 1000;
  const machineLine = `${m.nproc} CPUs (${m.cpu}), ${m.os}, node ${m.node}, ${m.terraform}`;
  const tfLine = realTerraform
    ? `pass-through rows use the real terraform (${realTerraform}); credentialed rows use the fake terraform (fixtures/bin/terraform, a node script; timed alone on the same node that tfw's own child gets, the row's) so the difference is tfw's own cost`
    : 'no terraform on PATH: every row uses the fake terraform (fixtures/bin/terraform, a node script)';

  console.log(`\nmachine: ${machineLine}`);
  console.log(`terraform: ${tfLine}`);
  console.log(`${RUNS} runs per row after ${WARMUP} warm-up, interleaved with \`node -e ''\`; medians; total ${elapsed.toFixed(0)} s\n`);
  console.log(textTable());
  console.log('');
  for (const n of notes) console.log(`- ${n}`);

  if (WRITE) {
    const date = new Date().toISOString().slice(0, 10);
    const md = `# Performance

tfw sits in front of every terraform command (\`alias terraform=tfw\`), so its
start-up is paid on every run. \`npm run bench\` (bench/run.ts) measures it and
rewrites this file.

Measured ${date} on ${machineLine}.
${tfLine}.

Each row is the median of ${RUNS} runs after ${WARMUP} warm-up runs (fewer for the
slow rows: see the notes). "Added" is median(tfw …) − median(terraform …) with
both timed interleaved in the same loop, together with the node floor
(\`node -e ''\`, the cost of starting node at all); "added / floor" is the ratio
the targets are stated in. Every run has a private HOME with its own ~/.aws,
no AWS_*/TF_* variables from the machine, and the STS stand-in
(test/support/sts-standin.ts) on loopback as \`AWS_ENDPOINT_URL_STS\`.

${markdownTable()}

## Notes

${notes.map((n) => `- ${n}`).join('\n')}

## How to reproduce

\`\`\`sh
npm ci
npm run bench          # builds dist/, runs bench/run.ts (~${Math.ceil(elapsed / 30) / 2} min here), rewrites docs/performance.md
node --import tsx bench/run.ts --runs=5 --no-write   # quicker, stdout only
node --import tsx bench/run.ts --full-config-reader   # also times the parsers tfw replaced (~2 min more)
node --import tsx bench/config-reader.ts              # the configuration reader alone
\`\`\`

What each row runs:

- **pass-through**: \`tfw\` (the sh launcher bin/tfw, which execs terraform itself for these) \`version\`,
  \`fmt -check\`, a completion request (\`COMP_LINE='terraform pl'\`, as bash's \`complete -C\` runs it) and an
  unknown command (\`paln\`) against terraform doing the same, on a one-file module, terraform found on PATH as
  users have it; target: at most 1.05 × terraform's own time.
- **credentialed, warm cache**: a module with ${WARM_ROLES} aliased \`provider "aws"\` blocks, each with its own role
  profile (\`role_arn\` + \`source_profile\` + \`mfa_serial\`) behind one MFA device; the cache is warmed by one run
  with \`TFW_MFA_CODE\`; then \`tfw plan\` with \`TFW_TERRAFORM=fixtures/bin/terraform\` against that fake
  terraform's own \`plan\` (no STS call is made in the timed runs). The warming run also leaves the bundle's
  code cache (src/codecache.ts) in that HOME's cache directory, as a user's first run does.
- **cold cache**: ${COLD_ROLES} such profiles and providers, the stand-in answering after ${STS_LATENCY_MS} ms,
  \`TFW_NO_CACHE=1\` and a fresh \`TFW_MFA_CODE\` each run (no prompt; no session cache and no code cache, so the
  bundle compiles on every run); tfw's time minus the fake terraform's.
- **peak RSS**: GNU \`/usr/bin/time -f %M\` of \`tfw plan\` on both credentialed paths, terraform being a
  \`/bin/sh\` script so that only tfw's node process counts.
- **configuration reading**: bench/config-reader.ts (\`readModuleAuth\` in-process on generated modules).
- **start-up breakdown** (a note): the pass-through path with terraform replaced by \`/bin/true\`, beside
  loading dist/cli.js alone and node spawning \`/bin/true\`: what tfw's share is made of.
- **for comparison**: bash wrappers calling the aws CLI against the same stand-in, exporting the keys, then
  running the fake terraform — what people use instead of tfw.
`;
    await writeFile(join(ROOT, 'docs', 'performance.md'), md);
    console.log('\nwrote docs/performance.md');
  }
}

await main();
