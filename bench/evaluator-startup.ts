// What the evaluator's libraries cost at start-up, each in a fresh node
// process (so nothing is warm): re2js (RE2 port) loaded and a first regex
// compiled and run, Intl.Segmenter created and a first string segmented,
// node:crypto loaded and a first hash, the yaml package loaded and a first
// document parsed. Median of RUNS processes.
// Run: node --import tsx bench/evaluator-startup.ts  (docs/evaluator.md)
import { spawnSync } from 'node:child_process';
import { ROOT } from '../test/support/harness.ts';

const RUNS = Number(process.argv.find((a) => a.startsWith('--runs='))?.split('=')[1] ?? 11);

const PROBES: Record<string, string> = {
  're2js: load': `const t=performance.now(); require('re2js'); console.log(performance.now()-t);`,
  're2js: load + first regex (compile + match)': `const t=performance.now(); const {RE2JS}=require('re2js'); RE2JS.compile('^arn:aws:iam::(?P<acct>\\\\d{12}):role/(.+)$').re2().findAllSubmatchIndex('arn:aws:iam::123456789012:role/x', -1); console.log(performance.now()-t);`,
  're2js: a further regex (compile + match)': `const {RE2JS}=require('re2js'); RE2JS.compile('a').re2().findAllSubmatchIndex('a',-1); const t=performance.now(); RE2JS.compile('(?i)^prod-[[:digit:]]+$').re2().findAllSubmatchIndex('PROD-12', -1); console.log(performance.now()-t);`,
  'Intl.Segmenter: create + first segmentation': `const t=performance.now(); const s=new Intl.Segmenter(undefined,{granularity:'grapheme'}); Array.from(s.segment('héllo 👍🏽'), x=>x.segment); console.log(performance.now()-t);`,
  'yaml: load (yamldecode beyond the subset)': `const t=performance.now(); require('yaml'); console.log(performance.now()-t);`,
  'yaml: load + first document': `const t=performance.now(); require('yaml').parseAllDocuments('base: &b {profile: p, regions: [a, b]}\\nprod:\\n  <<: *b\\n  note: |\\n    text\\n', { version: '1.1', schema: 'failsafe' }); console.log(performance.now()-t);`,
  'node:crypto: load + first sha256': `const t=performance.now(); require('node:crypto').createHash('sha256').update('x').digest('hex'); console.log(performance.now()-t);`,
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

for (const [name, code] of Object.entries(PROBES)) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${name}: ${r.stderr}`);
    times.push(Number(r.stdout.trim()));
  }
  console.log(`| ${name} | ${median(times).toFixed(1)} ms | ${Math.min(...times).toFixed(1)} ms |`);
}
