// What a run's plan was computed from, observed while it is computed, so that
// a later run can tell, by looking at each input again, that the plan still
// holds (memo.ts, docs/startup.md "The plan memo").
//
// Every read of the reader and the planner goes through a recording point
// here: files (terraform/files.ts, aws/files.ts), directory listings, real
// paths, the home directory, and the environment (a Proxy that notes each
// variable read and each enumeration). An observation is judged by doing the
// same call again and comparing: a listing or a real path is compared
// exactly; a file by its identity (device, inode, mode, size, mtime and ctime
// in nanoseconds), with git's racy-timestamp rule: a file changed within the
// file system's timestamp granularity of the recording is not trusted.
//
// No observation holds a secret: files are kept as identities, never as
// content; an environment variable's value as it is only for the variables
// that name configuration (HOME, AWS_PROFILE, TF_WORKSPACE…), any other (a
// TF_VAR_x, TF_CLI_ARGS, an AWS key) as a SHA-256 digest. node:crypto is
// loaded only then: a warm run with no such variable set hashes nothing.
import { crypto } from './builtins.ts';
import { readdirSync, realpathSync, statSync, lstatSync, type BigIntStats } from 'node:fs';
import { homedir } from 'node:os';
import type { Env } from './model.ts';

export type Observation =
  /** stat(2) (`lstat`: lstat(2)) of a file read: its identity, or the error code. */
  | { k: 'stat' | 'lstat'; p: string; id: string }
  /**
   * What a path is, where only that is used (is it a directory, does it
   * exist, is it the same directory as $PWD): device, inode and type, or the
   * error code (`lnode`: not following a symlink). Not its times: terraform's
   * own lock file comes and goes in the module directory on every run.
   */
  | { k: 'node' | 'lnode'; p: string; id: string }
  /** A directory's entry names (digest of the sorted list), or the error code. */
  | { k: 'list'; p: string; names: string }
  /** realpath(3) (`native`: the kernel's) of a path, or the error code. */
  | { k: 'real' | 'native'; p: string; r: string }
  /** An environment variable: `=value` (configuration), `#digest` (anything else), null (unset). */
  | { k: 'env'; n: string; v: string | null }
  /** The names of the set environment variables that start with `prefix` (all of them when the whole environment was enumerated). */
  | { k: 'names'; prefix: string; names: string }
  /** The home directory the OS reports (os.homedir()). */
  | { k: 'home'; v: string };

const digest = (text: string): string => crypto().createHash('sha256').update(text).digest('base64url');

/** Variables that name configuration, never a secret: kept as they are. */
const CONFIGURATION = new Set([
  'HOME', 'USERPROFILE', 'HOMEDRIVE', 'HOMEPATH', 'PWD',
  'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_REGION', 'AWS_DEFAULT_REGION',
  'TF_DATA_DIR', 'TF_WORKSPACE', 'TFW_MFA_SERIAL',
]);

const errorCode = (e: unknown): string => `E:${(e as NodeJS.ErrnoException)?.code ?? 'unknown'}`;

function identity(st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.mode}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`;
}

function statId(path: string, follow: boolean): string {
  try {
    return identity(follow ? statSync(path, { bigint: true }) : lstatSync(path, { bigint: true }));
  } catch (e) {
    return errorCode(e);
  }
}

function nodeId(path: string, follow: boolean): string {
  try {
    const st = follow ? statSync(path, { bigint: true }) : lstatSync(path, { bigint: true });
    return `${st.dev}:${st.ino}:${st.mode & 0o170000n}`;
  } catch (e) {
    return errorCode(e);
  }
}

function listNames(dir: string): string {
  try {
    return readdirSync(dir, { encoding: 'buffer' })
      .map((b) => b.toString('base64'))
      .sort()
      .join('/');
  } catch (e) {
    return errorCode(e);
  }
}

function realOf(path: string, native: boolean): string {
  try {
    return native ? realpathSync.native(path) : realpathSync(path);
  } catch (e) {
    return errorCode(e);
  }
}

const envValue = (name: string, v: string | undefined): string | null => (v === undefined ? null : CONFIGURATION.has(name) ? `=${v}` : `#${digest(v)}`);

const namesOf = (env: Env, prefix: string): string =>
  Object.keys(env)
    .filter((n) => n.startsWith(prefix) && env[n] !== undefined)
    .sort()
    .join('\n');

/** The same observation made again now: whether it still holds. */
export function stillHolds(o: Observation, env: Env): boolean {
  switch (o.k) {
    case 'stat':
    case 'lstat':
      return statId(o.p, o.k === 'stat') === o.id;
    case 'node':
    case 'lnode':
      return nodeId(o.p, o.k === 'node') === o.id;
    case 'list':
      return listNames(o.p) === o.names;
    case 'real':
    case 'native':
      return realOf(o.p, o.k === 'native') === o.r;
    case 'env':
      return envValue(o.n, env[o.n]) === o.v;
    case 'names':
      return namesOf(env, o.prefix) === o.names;
    case 'home':
      return homedir() === o.v;
    default:
      return false;
  }
}

/** Nanoseconds of a file system whose timestamps are whole seconds (FAT keeps two). */
const COARSE_NS = 2_000_000_000n;
/** Linux stamps files from a coarse clock (a tick, 1–10 ms); leave ten times that. */
const FINE_NS = 100_000_000n;

/**
 * Whether a file's identity can be trusted to change with its content:
 * not when it was changed so close to the recording that a further write in
 * the same timestamp tick could leave mtime, ctime and size as they are
 * (git's "racily clean" entries).
 */
export function racy(id: string, recordedAtNs: bigint): boolean {
  if (id.startsWith('E:')) return false;
  const [, , , , mtime, ctime] = id.split(':').map((x) => BigInt(x));
  const coarse = mtime! % 1_000_000_000n === 0n && ctime! % 1_000_000_000n === 0n;
  const latest = mtime! > ctime! ? mtime! : ctime!;
  return latest >= recordedAtNs - (coarse ? COARSE_NS : FINE_NS);
}

/** The inputs of one computation, in the order they were first read. */
export class Recording {
  readonly startedAtNs = BigInt(Date.now()) * 1_000_000n;
  private readonly seen = new Map<string, Observation>();

  private add(o: Observation): void {
    const key = o.k === 'env' ? `env\0${o.n}` : o.k === 'names' ? `names\0${o.prefix}` : o.k === 'home' ? 'home' : `${o.k}\0${o.p}`;
    // The first reading is the one the computation used.
    if (!this.seen.has(key)) this.seen.set(key, o);
  }

  stat(path: string, follow = true): void {
    this.add({ k: follow ? 'stat' : 'lstat', p: path, id: statId(path, follow) });
  }

  /** What a path is (its device, inode and type), where its content is not read. */
  node(path: string, follow = true): void {
    this.add({ k: follow ? 'node' : 'lnode', p: path, id: nodeId(path, follow) });
  }

  list(dir: string): void {
    this.add({ k: 'list', p: dir, names: listNames(dir) });
  }

  realpath(path: string, native = false): void {
    this.add({ k: native ? 'native' : 'real', p: path, r: realOf(path, native) });
  }

  env(name: string, value: string | undefined): void {
    this.add({ k: 'env', n: name, v: envValue(name, value) });
  }

  names(env: Env, prefix: string): void {
    this.add({ k: 'names', prefix, names: namesOf(env, prefix) });
  }

  home(): void {
    this.add({ k: 'home', v: homedir() });
  }

  get observations(): Observation[] {
    return [...this.seen.values()];
  }

  /** Whether every input still reads as it did, and none was changed too recently to be told apart from a later change. */
  settled(env: Env): boolean {
    return this.observations.every((o) => stillHolds(o, env) && !((o.k === 'stat' || o.k === 'lstat') && racy(o.id, this.startedAtNs)));
  }
}

let current: Recording | undefined;

/** The recording in progress, if any: the reading points below note into it. */
export const recording = (): Recording | undefined => current;

/** Runs `fn` with every read noted into a new recording. */
export async function recorded<T>(fn: (rec: Recording) => Promise<T>): Promise<{ value: T; recording: Recording }> {
  const rec = new Recording();
  const previous = current;
  current = rec;
  try {
    return { value: await fn(rec), recording: rec };
  } finally {
    current = previous;
  }
}

const RECORDING = Symbol('tfw.recording');
const TARGET = Symbol('tfw.environment');

/**
 * The environment as the computation sees it, noting what it reads: each
 * variable by name, and an enumeration as the names of the whole environment
 * (namesWithPrefix notes only the prefix it asks for).
 */
export function recordingEnv(env: Env, rec: Recording): Env {
  return new Proxy(env, {
    get(target, name) {
      if (name === RECORDING) return rec;
      if (name === TARGET) return target;
      if (typeof name !== 'string') return undefined;
      rec.env(name, target[name]);
      return target[name];
    },
    has(target, name) {
      if (typeof name === 'string') rec.env(name, target[name]);
      return name in target;
    },
    ownKeys(target) {
      rec.names(target, '');
      return Reflect.ownKeys(target);
    },
  });
}

/** The names of the set variables that start with `prefix`; a recording notes that list, not the whole environment. */
export function namesWithPrefix(env: Env, prefix: string): string[] {
  const rec = (env as Record<symbol, unknown>)[RECORDING] as Recording | undefined;
  const plain = rec ? ((env as Record<symbol, unknown>)[TARGET] as Env) : env;
  rec?.names(plain, prefix);
  return Object.keys(plain).filter((n) => n.startsWith(prefix) && plain[n] !== undefined);
}
