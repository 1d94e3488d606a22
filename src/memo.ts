// The plan memo (docs/startup.md): what a credentialed run planned, kept
// beside the session cache with every input it was planned from (inputs.ts),
// so that the next run with the same arguments in the same directory, whose
// inputs all read the same, skips reading, evaluating and planning.
//
// It holds no secret: observations are identities, configuration and digests
// (inputs.ts); the arguments as they are, or as a digest when a -var or an
// inline -backend-config may carry one; the devices keep the session cache's
// fingerprint of their key source, never the keys (the AWS files are read
// again at each run for what goes into the per-run files). It does hold what
// a plan names — profiles, role ARNs, MFA serials, paths — as the session
// files beside it do. One file per (build, arguments, directory), 0600 in a
// 0700 `plans/`; TFW_NO_CACHE=1 reads and writes none.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheDirFromEnv } from './cachedir.ts';
import { truthy } from './log.ts';
import { stillHolds, type Observation } from './inputs.ts';
import { crypto } from './builtins.ts';
import type { TerraformArgs } from './argv.ts';
import { readTrustedFile, writeTrustedFile } from './trustedfile.ts';
import type { MfaDevice } from './aws/types.ts';
import type { MaterialPlan } from './aws/materialize.ts';
import type { Env } from './model.ts';

declare const __TFW_BUILD__: string | undefined;
/**
 * Another build of tfw, or tfw on another Node, may plan otherwise: its memos
 * are not this one's (the evaluator leans on Node's Unicode tables:
 * Intl.Segmenter, normalisation).
 */
const BUILD = `${typeof __TFW_BUILD__ === 'string' ? __TFW_BUILD__ : 'source'} ${process.version}`;
const FORMAT = 'tfw-plan-memo-1';
/** Memo files older than a week go when another is written (at worst, one run plans again and writes it anew). */
const STALE_MS = 7 * 24 * 3600 * 1000;

/** A device as the memo keeps it: its key source only as the session cache's fingerprint. */
export type MemoDevice = Omit<MfaDevice, 'source'> & { fingerprint: string };

/** What the per-run files are made from (materialize.ts), no more: the devices as above. */
export type MemoPlan = Omit<MaterialPlan, 'devices'> & { devices: MemoDevice[] };

export interface LogLine {
  level: 'debug' | 'note' | 'warn';
  message: string;
}

interface MemoBase {
  format: typeof FORMAT;
  build: string;
  /** The arguments (argvKey). */
  argv: string;
  cwd: string;
  observations: Observation[];
  /** What reading and planning said, said again (through the logger, so TFW_DEBUG and TFW_QUIET apply as they are now). */
  logs: LogLine[];
}

/** A run that goes on to terraform with per-run files. */
export interface RunMemo extends MemoBase {
  pass?: undefined;
  /** terraform's command once TF_CLI_ARGS are read (what the session margin depends on). */
  command: string | undefined;
  /** Values terraform marks sensitive that the plan uses: cut out of every line. */
  sensitive: string[];
  /** The STS endpoint the fingerprints were made for. */
  endpoint: string;
  plan: MemoPlan;
}

/** A run that runs terraform untouched (no MFA needed, terraform will refuse it, TF_CLI_ARGS…): why, as the debug line says. */
export interface PassMemo extends MemoBase {
  pass: string;
}

export type PlanMemo = RunMemo | PassMemo;
export type NewMemo = Omit<RunMemo, 'format' | 'build'> | Omit<PassMemo, 'format' | 'build'>;

export function memoDir(env: Env): string | undefined {
  if (truthy(env.TFW_NO_CACHE)) return undefined;
  const base = cacheDirFromEnv(env);
  return base === undefined ? undefined : join(base, 'plans');
}

/** The arguments as the memo keeps them: as they are, or a SHA-256 digest when a value given on the command line may be a secret. */
export function argvKey(args: Pick<TerraformArgs, 'argv' | 'vars' | 'backendConfig'>): string {
  const text = JSON.stringify(args.argv);
  const values = args.vars.some((v) => v.kind === 'var') || args.backendConfig.some((b) => b.kind === 'kv');
  return values ? `#${crypto().createHash('sha256').update(text).digest('base64url')}` : text;
}

/** FNV-1a, 64 bits: a file name, not an identity (the memo's own fields are compared in full). */
function fnv1a64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, 'utf8')) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

function memoFile(dir: string, argv: string, cwd: string): string {
  return join(dir, `${fnv1a64(JSON.stringify([BUILD, argv, cwd]))}.json`);
}

/** The memo of these arguments in this directory, when there is one and every input it was planned from reads the same. */
export function readMemo(args: Pick<TerraformArgs, 'argv' | 'vars' | 'backendConfig'>, cwd: string, env: Env): { memo: PlanMemo } | { why: string } {
  const dir = memoDir(env);
  if (dir === undefined) return { why: 'TFW_NO_CACHE, or no cache directory' };
  const argv = argvKey(args);
  const bytes = readTrustedFile(memoFile(dir, argv, cwd));
  if (bytes === undefined) return { why: 'none for these arguments here (or not a private file of yours)' };
  let memo: PlanMemo;
  try {
    memo = JSON.parse(bytes.toString('utf8')) as PlanMemo;
  } catch {
    return { why: 'unreadable' };
  }
  const same = memo?.format === FORMAT && memo.build === BUILD && memo.cwd === cwd && memo.argv === argv;
  if (!same) return { why: 'made by another tfw or Node, or for other arguments' };
  if (!wellFormed(memo)) return { why: 'not in the shape tfw writes' };
  const changed = memo.observations.find((o) => !stillHolds(o, env));
  return changed === undefined ? { memo } : { why: `${describe(changed)} changed` };
}

/** An input, for a debug line (environment values are not shown). */
function describe(o: Observation): string {
  switch (o.k) {
    case 'env':
      return `the variable ${o.n}`;
    case 'names':
      return o.prefix === '' ? 'the set of environment variables' : `the set of ${o.prefix}* variables`;
    case 'home':
      return 'the home directory';
    case 'list':
      return `the listing of ${o.p}`;
    case 'real':
    case 'native':
      return `the real path of ${o.p}`;
    case 'stat':
    case 'lstat':
    case 'node':
    case 'lnode':
      return o.p;
    default:
      return 'an input';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
const LEVELS = new Set(['debug', 'note', 'warn']);

/** What the warm path uses of a memo outside its checks has the shape it needs (a file edited by hand is read again, not trusted). */
function wellFormed(memo: PlanMemo): boolean {
  const base = Array.isArray(memo.observations) && Array.isArray(memo.logs) && memo.logs.every((l) => LEVELS.has(l?.level) && isString(l.message));
  if (!base) return false;
  if (memo.pass !== undefined) return isString(memo.pass);
  return (
    Array.isArray(memo.sensitive) &&
    memo.sensitive.every(isString) &&
    isString(memo.endpoint) &&
    (memo.command === undefined || isString(memo.command)) &&
    Array.isArray(memo.plan?.targets) &&
    Array.isArray(memo.plan.devices) &&
    memo.plan.devices.every((d) => [d?.id, d.serial, d.rootProfile, d.fingerprint].every(isString))
  );
}

export function writeMemo(memo: NewMemo, env: Env): void {
  const dir = memoDir(env);
  if (dir === undefined) return;
  const file = memoFile(dir, memo.argv, memo.cwd);
  try {
    // The session cache directory, as the session cache makes it (0700, parents too): a run that needed no session has not.
    mkdirSync(dirname(dir), { recursive: true, mode: 0o700 });
  } catch {
    return;
  }
  if (!writeTrustedFile(file, JSON.stringify({ format: FORMAT, build: BUILD, ...memo }))) return;
  for (const name of readdirSync(dir)) {
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > STALE_MS) rmSync(join(dir, name), { force: true });
    } catch {
      // gone meanwhile
    }
  }
}
