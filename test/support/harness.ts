// Shared test plumbing: a private HOME with its own ~/.aws, running the built
// tfw (the launcher bin/tfw, which execs terraform or node bin/tfw.js) as a
// user would, and finding the external tools.
import { spawn, spawnSync, type SpawnOptions } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Node's entry (the launcher execs `node bin/tfw.js` for what needs credentials). */
export const TFW_BIN = join(ROOT, 'bin', 'tfw.js');
/** What users run: the POSIX sh launcher. */
export const TFW_LAUNCHER = join(ROOT, 'bin', 'tfw');
export const FAKE_TERRAFORM_DIR = join(ROOT, 'fixtures', 'bin');
export const FIXTURES = join(ROOT, 'fixtures');

type After = { after(fn: () => Promise<void> | void): void };

/** The first executable `name` on the machine's PATH, or undefined. */
export function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const p = join(dir, name);
    if (dir && existsSync(p)) {
      const r = spawnSync(p, ['--version'], { stdio: 'ignore', timeout: 20_000 });
      if (r.error === undefined) return p;
    }
  }
  return undefined;
}

/**
 * Whether a credentialed run here ends in terraform taking tfw's process
 * (src/replace.ts: Linux, a Node with process.execve), so that terraform's
 * per-run files are /proc/KEEPER/fd/3 and /4 instead of named files.
 */
export const TERRAFORM_IN_PLACE = process.platform === 'linux' && typeof (process as unknown as { execve?: unknown }).execve === 'function';

/** A run's status as a shell shows it: the exit code, or 128+N for a death by signal N. */
export function shellStatus(r: { code: number | null; signal: NodeJS.Signals | null }): number | null {
  if (r.code !== null) return r.code;
  if (r.signal === null) return null;
  return 128 + (osConstants.signals as Record<string, number>)[r.signal]!;
}

export interface Sandbox {
  root: string;
  home: string;
  aws: string;
  cache: string;
  runtime: string;
  /** A clean environment for a child: private HOME, no AWS_* or TF_* from the machine. */
  env(extra?: Record<string, string | undefined>): Record<string, string>;
  writeAws(config: string, credentials: string): Promise<void>;
}

/** A throw-away HOME with ~/.aws, cache and runtime dirs; removed after the test. */
export async function sandbox(t: After): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'tfw-e2e-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const home = join(root, 'home');
  const aws = join(home, '.aws');
  const cache = join(root, 'cache');
  const runtime = join(root, 'runtime');
  await mkdir(aws, { recursive: true });
  await mkdir(runtime, { mode: 0o700 });
  return {
    root,
    home,
    aws,
    cache,
    runtime,
    env(extra = {}) {
      const base: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (v === undefined) continue;
        // No D-Bus session: the machine's own keyring must never receive a test's sessions (test/support/secret-service.ts starts one).
        if (/^(AWS_|TF_|TFW_|XDG_)/.test(k) || k === 'HOME' || k === 'CHECKPOINT_DISABLE' || k === 'DBUS_SESSION_BUS_ADDRESS') continue;
        base[k] = v;
      }
      const env: Record<string, string | undefined> = {
        ...base,
        HOME: home,
        XDG_RUNTIME_DIR: runtime,
        XDG_CACHE_HOME: cache,
        CHECKPOINT_DISABLE: '1',
        ...extra,
      };
      return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    },
    async writeAws(config, credentials) {
      await writeFile(join(aws, 'config'), config);
      await writeFile(join(aws, 'credentials'), credentials);
      await chmod(join(aws, 'credentials'), 0o600);
    },
  };
}

export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let nodeDir: string | undefined;
/**
 * `env` with this test's node reachable by the launcher: a directory holding
 * only a `node` link, last on PATH (so it never hides a terraform).
 */
export function withNode<E extends Record<string, string | undefined> | NodeJS.ProcessEnv | undefined>(env: E): E {
  if (nodeDir === undefined) {
    nodeDir = mkdtempSync(join(tmpdir(), 'tfw-node-'));
    symlinkSync(process.execPath, join(nodeDir, 'node'));
  }
  const base = env ?? process.env;
  const hasNode = (base.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, 'node')));
  if (hasNode) return base as E;
  return { ...base, PATH: base.PATH ? `${base.PATH}${delimiter}${nodeDir}` : nodeDir } as unknown as E;
}

/**
 * The environment terraform gets from `runTfw(…, { cwd, env })` when tfw
 * leaves it untouched: the launcher is a sh script, and sh sets PWD to the
 * working directory (an interactive shell has already done so).
 */
export function launched(env: Record<string, string>, cwd: string): Record<string, string> {
  return { ...(withNode(env) as Record<string, string>), PWD: cwd };
}

/** Runs the launcher bin/tfw (no terminal: stdin is empty) and collects its output. */
export function runTfw(args: string[], options: SpawnOptions & { input?: string; timeoutMs?: number; wrap?: string[] }): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    // wrap: a command line that execs what follows it (unshare …), for tests that change tfw's surroundings.
    const [command, ...rest] = [...(options.wrap ?? []), TFW_LAUNCHER, ...args];
    const child = spawn(command!, rest, { ...options, env: withNode(options.env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    // Generous: the real provider's start on a loaded 2-core machine takes tens of seconds. A run killed here
    // says so in its stderr, so a failed assertion shows a timeout, not a mysterious null status.
    const limit = options.timeoutMs ?? 240_000;
    const timer = setTimeout(() => {
      stderr += `\n[test harness: tfw killed after ${limit} ms]\n`;
      child.kill('SIGKILL');
    }, limit);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
    // The launcher may exit (an exec'd terraform that reads nothing, a tfw error) before stdin is written.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.input ?? '');
  });
}

/** JSON lines the fake terraform recorded. */
export async function readRecord(file: string): Promise<Array<Record<string, any>>> {
  if (!existsSync(file)) return [];
  const text = await readFile(file, 'utf8');
  // Tests poll while the fake terraform appends: a line without its newline is still being written (a read can end
  // mid-line, seen at 4096 bytes under load). Only complete lines count.
  return text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

/** Lists every file under dir (for "no credential left on disk"). */
export async function listTree(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      out.push(p);
      if (e.isDirectory()) await walk(p);
    }
  }
  await walk(dir);
  return out;
}

export interface ModuleSandboxOptions {
  config: string;
  credentials: string;
  /** The root module's main.tf. */
  mainTf: string;
  /** Where the module goes, relative to the sandbox root. */
  moduleDir?: string;
  /** Extra environment for tfw (AWS_ENDPOINT_URL_STS, TFW_MFA_CODE…). */
  env?: Record<string, string | undefined>;
}

/**
 * A sandbox with ~/.aws written, a one-file root module, and an environment
 * in which `terraform` is the fake one, recording into `record`.
 */
export async function moduleSandbox(t: After, options: ModuleSandboxOptions) {
  const box = await sandbox(t);
  await box.writeAws(options.config, options.credentials);
  const dir = join(box.root, options.moduleDir ?? 'module');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'main.tf'), options.mainTf);
  const record = join(box.root, 'record.jsonl');
  const env = box.env({ PATH: `${FAKE_TERRAFORM_DIR}:${process.env.PATH}`, FAKE_TF_RECORD: record, ...options.env });
  return { box, dir, record, env };
}

export interface PtyRun {
  status: number | null;
  /** Everything the terminal showed. */
  screen: string;
  /** Which of the answers were typed. */
  typed: string[];
}

/**
 * Runs `tfw ARGS` on a pseudo-terminal (script(1)), typing each answer once
 * when its pattern first shows on the screen. `redirect` is appended to the
 * shell command line (e.g. `2>err.log`); `wrap` turns that command line into
 * a longer shell script (e.g. `stty -g` before and after it). CI=true is
 * dropped: node decides a terminal under CI has no colours.
 */
export function tfwOnPty(
  args: string[],
  options: { cwd: string; env: Record<string, string>; answers?: Array<[RegExp, string]>; redirect?: string; wrap?: (command: string) => string; timeoutMs?: number },
): Promise<PtyRun> {
  const script = which('script');
  if (!script) throw new Error('script(1) is not on PATH');
  const quoted = [TFW_LAUNCHER, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const { CI: _ci, ...env } = withNode(options.env);
  return new Promise((resolvePromise) => {
    const command = `${quoted}${options.redirect ? ` ${options.redirect}` : ''}`;
    const child = spawn(script, ['-qfec', options.wrap ? options.wrap(command) : command, '/dev/null'], {
      cwd: options.cwd,
      // script(1) runs $SHELL -c: pinned to /bin/sh, so a run here is a run in CI (where SHELL may be unset).
      env: { TERM: 'xterm', ...env, SHELL: '/bin/sh' },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const pending = [...(options.answers ?? [])];
    const typed: string[] = [];
    let screen = '';
    child.stdout!.on('data', (d) => {
      screen += d;
      for (const [i, [pattern, answer]] of pending.entries()) {
        if (pattern.test(screen)) {
          pending.splice(i, 1);
          typed.push(answer);
          child.stdin!.write(answer);
          break;
        }
      }
    });
    const limit = options.timeoutMs ?? 240_000;
    const timer = setTimeout(() => {
      screen += `\n[test harness: tfw killed after ${limit} ms]\n`;
      child.kill('SIGKILL');
    }, limit);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolvePromise({ status, screen, typed });
    });
    if (pending.length === 0) child.stdin!.end();
  });
}
