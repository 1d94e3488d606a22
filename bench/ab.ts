// Two builds of tfw on the warm credentialed path (4 MFA providers behind one
// device, `tfw plan`, fake terraform), interleaved, with the node floor and
// the fake terraform alone in the same loop: what one change costs at start-up.
//
//   node --import tsx bench/ab.ts --a=DIR --b=DIR [--runs=N] [--warmup=N] [--a-flags=F,G] [--b-flags=F,G]
// --a-flags / --b-flags: Node options for that build's runs (comma-separated), e.g. a V8 heap flag.
// DIR: a copy of a checkout's bin/, dist/ and package.json (node_modules beside it),
// e.g. `npm run build && cp -r bin dist package.json /tmp/before/ && ln -s $PWD/node_modules /tmp/before/`.
import { join } from 'node:path';
import { FAKE_TERRAFORM_DIR } from '../test/support/harness.ts';
import { interleave, median, ms, timeOnce, type Cmd } from './lib.ts';
import { mfaSetup } from './scenarios.ts';

const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(flag('runs') ?? 21);
const WARMUP = Number(flag('warmup') ?? 3);
const builds = { a: flag('a'), b: flag('b') };
const nodeFlags = { a: flag('a-flags')?.split(',') ?? [], b: flag('b-flags')?.split(',') ?? [] };
if (!builds.a || !builds.b) throw new Error('usage: bench/ab.ts --a=DIR --b=DIR');
const FAKE_TERRAFORM = join(FAKE_TERRAFORM_DIR, 'terraform');

const s = await mfaSetup(4);
try {
  const env = s.b.env({ AWS_ENDPOINT_URL_STS: s.sts.url, TFW_TERRAFORM: FAKE_TERRAFORM });
  const tfw = (dir: string, flags: string[] = []): Cmd => ({ file: process.execPath, args: [...flags, join(dir, 'bin', 'tfw.js'), 'plan'], cwd: s.dir, env });
  const warm = await timeOnce({ ...tfw(builds.a), env: { ...env, TFW_MFA_CODE: '123456' } });
  if (warm.code !== 0 || s.sts.calls.GetSessionToken !== 1) throw new Error(`warming the cache failed: ${warm.stderr}`);
  const times = await interleave(
    [
      { name: 'floor', cmd: () => ({ file: process.execPath, args: ['-e', ''], env }) },
      { name: 'fake plan', cmd: () => ({ file: FAKE_TERRAFORM, args: ['plan'], cwd: s.dir, env }) },
      { name: 'a', cmd: () => tfw(builds.a!, nodeFlags.a) },
      { name: 'b', cmd: () => tfw(builds.b!, nodeFlags.b) },
    ],
    { runs: RUNS, warmup: WARMUP },
  );
  if (s.sts.calls.GetSessionToken !== 1) throw new Error('the warm cache was not used');
  const m = Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
  console.log(`node ${process.version}; ${RUNS} runs after ${WARMUP} warm-up, medians: floor ${ms(m.floor!)}, fake plan ${ms(m['fake plan']!)}`);
  for (const k of ['a', 'b'] as const) {
    console.log(`${k} (${builds[k]}${nodeFlags[k].length ? ` ${nodeFlags[k].join(' ')}` : ''}): ${m[k]!.toFixed(1)} ms, added over fake plan +${(m[k]! - m['fake plan']!).toFixed(1)} ms = ${((m[k]! - m['fake plan']!) / m.floor!).toFixed(2)} × floor`);
  }
  console.log(`b − a: ${(m.b! - m.a!).toFixed(1)} ms (wall)`);
  // CPU time (user + sys, tfw and the fake terraform it waits for) from bash's `times`: less swayed by a busy machine than wall time.
  const cpu = new Map<string, number[]>([['a', []], ['b', []]]);
  const cpuOf = (dir: string, flags: string[]): Cmd => ({ file: '/bin/bash', args: ['-c', '"$@" >/dev/null 2>&1; times', 'bash', process.execPath, ...flags, join(dir, 'bin', 'tfw.js'), 'plan'], cwd: s.dir, env });
  const seconds = (t: string): number => {
    const [min, sec] = t.replace(/s$/, '').split('m');
    return Number(min) * 60 + Number(sec);
  };
  await interleave(
    (['a', 'b'] as const).map((k) => ({
      name: k,
      cmd: () => cpuOf(builds[k]!, nodeFlags[k]),
      after: (t) => {
        const children = t.stdout.trim().split('\n')[1]!.split(/\s+/);
        cpu.get(k)!.push((seconds(children[0]!) + seconds(children[1]!)) * 1000);
      },
    })),
    { runs: RUNS, warmup: WARMUP },
  );
  for (const k of ['a', 'b'] as const) console.log(`${k}: CPU ${median(cpu.get(k)!).toFixed(0)} ms (user + sys, median)`);
  console.log(`b − a: ${(median(cpu.get('b')!) - median(cpu.get('a')!)).toFixed(0)} ms (CPU)`);
} finally {
  await s.cleanup();
}
