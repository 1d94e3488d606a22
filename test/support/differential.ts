// Differential evaluation: the same expressions, in the same module with the
// same variable inputs, evaluated by the real `terraform console` and by
// tfw's evaluator in-process, compared value for value.
//
// `terraform console` prints only the last result of piped input and stops at
// the first error, so a whole batch goes in as ONE object expression:
// `{ e0 = try(jsonencode(["ok", EXPR0]), "ERR"), e1 = … }`. try() turns an
// evaluation error into "ERR"; an error terraform finds before evaluating
// (an undeclared variable, a wrong argument count…) fails the whole batch,
// which is then split in halves until the failing expression stands alone.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { rootEvaluator } from '../../src/terraform/index.ts';
import { formatNumber, isObject, Unknown, type Value } from '../../src/terraform/eval/value.ts';
import { BigNum, isNum } from '../../src/terraform/eval/numbers.ts';

export interface Setup {
  name: string;
  dir: string;
  env: Record<string, string>;
  /** Command-line arguments as terraform takes them: `-var=a=b`, `-var-file=x`. */
  args: string[];
  /** terraform's `-chdir` (before the subcommand); tfw reads the module there, as after a -chdir. */
  chdir?: string;
}

/** What terraform made of one expression. */
export type TfResult =
  | { kind: 'value'; json: Json }
  | { kind: 'error' } // an evaluation error (try() caught it)
  | { kind: 'static-error'; message: string } // an error before evaluation
  | { kind: 'unknown' } // (known after apply) / (sensitive value)
  | { kind: 'unparsed'; text: string };

/** JSON with numbers kept as their decimal text. */
export type Json = null | boolean | string | { num: string } | Json[] | { obj: [string, Json][] };

export interface CaseResult {
  expr: string;
  setup: string;
  verdict: 'match' | 'unknown' | 'wrong';
  /** Both gave no value (terraform errors, tfw unknown). */
  bothNone?: boolean;
  tf: string;
  tfw: string;
  why?: string;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: Record<string, string>; input: string }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(opts.input);
  });
}

export const runs = { count: 0 };
// nonsensitive(): a sensitive result is still a value (console would print "(sensitive value)").
const wrap = (expr: string, i: number): string => `e${i} = try(nonsensitive(jsonencode(["ok", ${expr}])), "ERR")`;

/** Evaluates every expression with the real terraform: one console run per batch, halves on static errors. */
export async function terraformValues(terraform: string, setup: Setup, exprs: string[]): Promise<TfResult[]> {
  const out: TfResult[] = new Array(exprs.length);
  const batch = async (idx: number[]): Promise<void> => {
    if (idx.length === 0) return;
    const input = `{ ${idx.map((i) => wrap(exprs[i]!, i)).join(", ")} }\n`;
    runs.count++;
    const r = await run(terraform, [...(setup.chdir !== undefined ? [`-chdir=${setup.chdir}`] : []), 'console', '-no-color', ...setup.args], { cwd: setup.dir, env: setup.env, input });
    const lines = new Map<number, string>();
    for (const line of r.stdout.split('\n')) {
      const m = /^\s*"e(\d+)" = (.*)$/.exec(line);
      if (m) lines.set(Number(m[1]), m[2]!);
    }
    // A failing local is reported but the console still answers; a static error in the batch leaves no answer.
    if (lines.size === 0) {
      if (idx.length === 1) {
        out[idx[0]!] = { kind: 'static-error', message: r.stderr.replace(/\s+/g, ' ').trim().slice(0, 300) };
        return;
      }
      if (idx.length <= 12) {
        for (const i of idx) await batch([i]);
        return;
      }
      const mid = idx.length >> 1;
      await batch(idx.slice(0, mid));
      await batch(idx.slice(mid));
      return;
    }
    for (const i of idx) {
      const text = lines.get(i);
      if (text === undefined) { out[i] = { kind: 'unparsed', text: r.stdout.slice(0, 200) }; continue; }
      if (text === '"ERR"') { out[i] = { kind: 'error' }; continue; }
      if (text.startsWith('(')) { out[i] = { kind: 'unknown' }; continue; }
      try {
        const inner = JSON.parse(text) as string;
        const parsed = parseJson(inner);
        if (!Array.isArray(parsed) || parsed[0] !== 'ok') throw new Error('not ["ok", …]');
        out[i] = { kind: 'value', json: parsed[1]! };
      } catch {
        out[i] = { kind: 'unparsed', text };
      }
    }
  };
  const all = exprs.map((_, i) => i);
  // Batches of 200 keep one failing expression from costing more than a few halvings.
  for (let i = 0; i < all.length; i += 200) await batch(all.slice(i, i + 200));
  return out;
}

/** A JSON parser that keeps numbers as text and object keys in order. */
export function parseJson(text: string): Json {
  let i = 0;
  const ws = () => { while (/\s/.test(text[i] ?? '')) i++; };
  const value = (): Json => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: [string, Json][] = [];
      ws();
      if (text[i] === '}') { i++; return { obj }; }
      for (;;) {
        ws();
        const k = value();
        if (typeof k !== 'string') throw new Error('object key');
        ws();
        if (text[i++] !== ':') throw new Error('expected :');
        obj.push([k, value()]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== '}') throw new Error('expected }');
        return { obj };
      }
    }
    if (c === '[') {
      i++;
      const arr: Json[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i++] !== ']') throw new Error('expected ]');
        return arr;
      }
    }
    if (c === '"') {
      const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      if (!m) throw new Error('string');
      i += m[0].length;
      return JSON.parse(m[0]) as string;
    }
    const m = /^(true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!m) throw new Error(`unexpected ${text.slice(i, i + 10)}`);
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return { num: m[0] };
  };
  const v = value();
  ws();
  if (i !== text.length) throw new Error('trailing text');
  return v;
}

/** tfw's value as terraform's jsonencode would write it; undefined when any part is unknown. */
export function toJson(v: Value): Json | Unknown {
  if (v instanceof Unknown) return v;
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof BigNum && v.inf) return new Unknown('infinity (no JSON for it)');
  if (isNum(v)) return { num: formatNumber(v) };
  if (Array.isArray(v)) {
    const arr: Json[] = [];
    for (const x of v) {
      const j = toJson(x);
      if (j instanceof Unknown) return j;
      arr.push(j);
    }
    return arr;
  }
  if (isObject(v)) {
    const obj: [string, Json][] = [];
    for (const k of Object.keys(v).sort(byBytes)) {
      const j = toJson(v[k]!);
      if (j instanceof Unknown) return j;
      obj.push([k, j]);
    }
    return { obj };
  }
  return new Unknown('unrepresentable');
}

/** Go sorts strings by bytes (UTF-8), JavaScript by UTF-16 units: the same except for astral vs U+E000–U+FFFF. */
function byBytes(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

export function showJson(j: Json): string {
  if (j === null || typeof j === 'boolean') return String(j);
  if (typeof j === 'string') return JSON.stringify(j);
  if (Array.isArray(j)) return `[${j.map(showJson).join(',')}]`;
  if ('num' in j) return j.num;
  return `{${j.obj.map(([k, v]) => `${JSON.stringify(k)}:${showJson(v)}`).join(',')}}`;
}

/** Evaluates with tfw (in-process) and compares with terraform's results. */
export function compare(setup: Setup, exprs: string[], tf: TfResult[]): CaseResult[] {
  const vars = setup.args.map((a) => {
    const m = /^-(var|var-file)=(.*)$/s.exec(a);
    if (!m) throw new Error(`unsupported argument ${a}`);
    return { kind: m[1] as 'var' | 'var-file', value: m[2]! };
  });
  // cwd as tfw's process.cwd() gives it: the real path (getcwd), whatever name the test used
  const cwd = realpathSync(setup.dir);
  const ev = rootEvaluator({ dir: setup.chdir !== undefined ? resolve(cwd, setup.chdir) : cwd, cwd, env: setup.env, vars });
  return exprs.map((expr, i): CaseResult => {
    const t = tf[i]!;
    const mine = toJson(ev.evaluate(expr));
    const tfw = mine instanceof Unknown ? `unknown: ${mine.reason}` : showJson(mine);
    const base = { expr, setup: setup.name, tfw };
    if (t.kind === 'unparsed') return { ...base, verdict: mine instanceof Unknown ? 'unknown' : 'wrong', tf: `unparsed: ${t.text}`, why: 'terraform output not understood' };
    if (t.kind === 'error' || t.kind === 'static-error') {
      const tfText = t.kind === 'error' ? 'error' : `static error: ${t.message}`;
      if (mine instanceof Unknown) return { ...base, verdict: 'match', bothNone: true, tf: tfText };
      return { ...base, verdict: 'wrong', tf: tfText, why: 'a value where terraform has none' };
    }
    if (t.kind === 'unknown') {
      if (mine instanceof Unknown) return { ...base, verdict: 'match', bothNone: true, tf: 'unknown' };
      return { ...base, verdict: 'wrong', tf: 'unknown', why: 'a value where terraform has none' };
    }
    const tfText = showJson(t.json);
    if (mine instanceof Unknown) return { ...base, verdict: 'unknown', tf: tfText, why: mine.reason };
    return { ...base, verdict: tfText === tfw ? 'match' : 'wrong', tf: tfText };
  });
}

/** Counts per class (the part of the setup name before ":" or the case's class). */
export function summarize(results: (CaseResult & { cls: string })[]): string {
  const by = new Map<string, { cases: number; match: number; none: number; unknown: number; wrong: number }>();
  for (const r of [...results, ...results.map((x) => ({ ...x, cls: 'TOTAL' }))]) {
    const s = by.get(r.cls) ?? { cases: 0, match: 0, none: 0, unknown: 0, wrong: 0 };
    s.cases++;
    if (r.verdict === 'match') { s.match++; if (r.bothNone) s.none++; }
    if (r.verdict === 'unknown') s.unknown++;
    if (r.verdict === 'wrong') s.wrong++;
    by.set(r.cls, s);
  }
  const rows = [...by.entries()].map(([c, s]) => `| ${c} | ${s.cases} | ${s.match} (${s.none} both no value) | ${s.unknown} | ${s.wrong} |`);
  return ['| class | cases | match | unknown | wrong |', '|---|---|---|---|---|', ...rows].join('\n');
}
