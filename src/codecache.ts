// Loads the lazy bundle (dist/lazy/lazy.cjs, everything past the pass-through
// path) through node:vm with a V8 code cache, so that a warm run neither
// compiles the bundle nor the functions it calls (docs/startup.md).
//
// Node's own compile cache (module.enableCompileCache) saves the code of a
// module as it is right after compilation: the top level only, every function
// still to be compiled on its first call. vm.Script.createCachedData(), made
// at exit, also holds every function the run compiled: the reader, the
// evaluator, the plan, the cache lookup, the spawn.
//
// What the cache holds is code: V8's bytecode and the literals of the bundle's
// source, never a value the run computed ("The code cache of the Script doesn't
// contain any JavaScript observable states", Node's vm docs); test/codecache.test.ts
// checks that no key, secret, token or code of a run appears in it. It lives in
// the session cache directory's `code/` (the same vetting: yours, not writable
// by group or others), one file per bundle build, Node version and
// architecture; TFW_NO_CACHE=1 writes and reads none. Anything unusable (a
// missing or refused directory, a file of someone else's, a cache V8 rejects)
// only means compiling as without it.
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheDirFromEnv } from './cachedir.ts';
import { truthy } from './log.ts';
import type { Env } from './model.ts';

const PREFIX = 'lazy-';
const SUFFIX = '.v8';
const STALE_MS = 24 * 3600 * 1000;

/**
 * The session cache directory's `code/` (cachedir.ts: the session cache's
 * rule without its password-database fallback: no usable HOME, no code
 * cache). Undefined when TFW_NO_CACHE is set.
 */
export function codeCacheDir(env: Env): string | undefined {
  if (truthy(env.TFW_NO_CACHE)) return undefined;
  const base = cacheDirFromEnv(env);
  return base === undefined ? undefined : join(base, 'code');
}

/** The cache file of this bundle build on this Node. */
export function codeCacheFile(dir: string, buildId: string): string {
  return join(dir, `${PREFIX}${buildId}-${process.version}-${process.arch}${SUFFIX}`);
}

/** A directory or file tfw may trust: yours (when uids exist), not writable by group or others. */
function trusted(info: { uid: number; mode: number }): boolean {
  const uid = process.getuid?.();
  return (uid === undefined || info.uid === uid) && (info.mode & 0o022) === 0;
}

function usableDir(dir: string): boolean {
  try {
    const info = statSync(dir);
    return info.isDirectory() && trusted(info);
  } catch {
    return false;
  }
}

/** The cached code, when the file is a regular file of yours that others cannot write (a symlink is not followed). */
export function readCodeCache(file: string): Buffer | undefined {
  if (!usableDir(dirname(dirname(file))) || !usableDir(dirname(file))) return undefined;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const info = fstatSync(fd);
    return info.isFile() && trusted(info) ? readFileSync(fd) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `data` as the cache file: into the session cache directory only when
 * it exists and is usable (tfw does not create it for code), `code/` made 0700,
 * the file 0600 through a private temporary file renamed over (concurrent
 * runs each write a whole file). The caches of other builds go after a day.
 */
export function writeCodeCache(file: string, data: Buffer): void {
  const dir = dirname(file);
  if (!usableDir(dirname(dir))) return;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch {
    // there already (vetted below)
  }
  if (!usableDir(dir)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx', mode: 0o600 });
    renameSync(tmp, file);
  } catch {
    rmSync(tmp, { force: true });
    return;
  }
  // Other builds' caches go once a day old (two installs of tfw used in turn keep theirs).
  const build = file.slice(dir.length + 1 + PREFIX.length).split('-')[0];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(PREFIX) || !name.endsWith(SUFFIX) || name.startsWith(`${PREFIX}${build}-`)) continue;
    try {
      if (Date.now() - statSync(join(dir, name)).mtimeMs > STALE_MS) rmSync(join(dir, name), { force: true });
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Runs the CommonJS bundle `url` (built by scripts/build.mjs, with
 * `import.meta.url` as the parameter `__tfwImportMetaUrl`) and returns its
 * exports. With a cache file: compiled from the cache when V8 accepts it;
 * when there is none or V8 rejects it, one is written at exit.
 */
export function loadBundle(url: URL, buildId: string, env: Env = process.env): Record<string, unknown> {
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const dir = codeCacheDir(env);
  const cacheFile = dir === undefined ? undefined : codeCacheFile(dir, buildId);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  const wrapper = `(function (exports, require, module, __filename, __dirname, __tfwImportMetaUrl) {${source}\n})`;
  const script = new Script(wrapper, { filename: file, ...(cachedData ? { cachedData } : {}) });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      try {
        writeCodeCache(cacheFile, script.createCachedData());
      } catch {
        // a cache is an optimisation: never a failure at exit
      }
    });
  }
  const module = { exports: {} as Record<string, unknown> };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), url.href);
  return module.exports;
}
