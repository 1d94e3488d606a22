// Plumbing for bench/run.ts: timing child processes, medians of interleaved
// runs, private HOMEs, and what machine this is.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { sandbox, type Sandbox } from '../test/support/harness.ts';

export interface Cmd {
  file: string;
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
}

export interface Timed {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Wall time of one child process, spawn to exit (stdin empty, output collected). */
export function timeOnce(cmd: Cmd): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd.file, cmd.args, { cwd: cmd.cwd, env: cmd.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - start, code, stdout, stderr }));
  });
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A variant of an interleaved loop: a command per iteration (the iteration number lets codes differ per run). */
export interface Variant {
  name: string;
  cmd: (iteration: number) => Cmd;
  /** Called before/after each timed run (e.g. to count STS calls); not timed. */
  before?: () => void;
  after?: (t: Timed) => void;
}

export interface LoopOptions {
  runs: number;
  warmup: number;
}

/**
 * Runs every variant once per iteration, in an order rotated each iteration
 * (so none always runs first or right after another), warm-up iterations
 * discarded. A non-zero exit fails the bench: a fast failure is not a result.
 */
export async function interleave(variants: readonly Variant[], opts: LoopOptions): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const total = opts.warmup + opts.runs;
  for (let i = 0; i < total; i++) {
    for (let k = 0; k < variants.length; k++) {
      const v = variants[(i + k) % variants.length]!;
      v.before?.();
      const cmd = v.cmd(i);
      const t = await timeOnce(cmd);
      if (t.code !== 0) {
        throw new Error(`${v.name}: exit ${t.code}\n$ ${cmd.file} ${cmd.args.join(' ')}\n${t.stdout}${t.stderr}`);
      }
      v.after?.(t);
      if (i >= opts.warmup) times.get(v.name)!.push(t.ms);
    }
  }
  return times;
}

/** A private HOME (see test/support/harness.ts), removed by `cleanup()`. */
export async function box(): Promise<Sandbox & { cleanup(): Promise<void> }> {
  const fns: Array<() => Promise<void> | void> = [];
  const b = await sandbox({ after: (fn) => fns.push(fn) });
  return Object.assign(b, {
    async cleanup() {
      for (const fn of fns.reverse()) await fn();
    },
  });
}

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  terraform: string;
  os: string;
}

export function machine(terraform: string | undefined, env: Record<string, string>): Machine {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // not Linux
  }
  const nproc = spawnSync('nproc', { encoding: 'utf8' });
  let tfVersion = 'none (fake terraform only)';
  if (terraform) {
    const r = spawnSync(terraform, ['version'], { encoding: 'utf8', env });
    tfVersion = r.stdout.split('\n')[0]?.trim() || 'unknown';
  }
  let os = `${process.platform} ${process.arch}`;
  try {
    os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? os;
  } catch {
    // no os-release
  }
  return {
    nproc: Number(nproc.stdout?.trim()) || availableParallelism(),
    cpu,
    node: process.version,
    terraform: tfVersion,
    os,
  };
}

export const ms = (x: number): string => `${x.toFixed(0)} ms`;
export const ratio = (x: number): string => `${x.toFixed(2)}×`;
