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
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { cacheDirFromEnv } from './cachedir.ts';
import { truthy } from './log.ts';
import { REPLACING } from './replace.ts';
import { readTrustedFile, writeTrustedFile } from './trustedfile.ts';
import type { Env } from './model.ts';

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

/** The cache file of one bundle (`lazy`, `warm`) of one build, on this Node. */
export function codeCacheFile(dir: string, buildId: string, bundle = 'lazy'): string {
  return join(dir, `${bundle}-${buildId}-${process.version}-${process.arch}${SUFFIX}`);
}

/** The cached code, when the file is a regular file of yours that others cannot write (a symlink is not followed). */
export const readCodeCache = readTrustedFile;

/**
 * Writes `data` as the cache file (trustedfile.ts: only under a usable session
 * cache directory, `code/` made 0700, the file 0600, renamed over). The caches
 * of other builds go after a day.
 */
export function writeCodeCache(file: string, data: Buffer): void {
  const dir = dirname(file);
  if (!writeTrustedFile(file, data)) return;
  // Other builds' caches go once a day old (two installs of tfw used in turn keep theirs).
  const [bundle, build] = file.slice(dir.length + 1).split('-');
  for (const other of readdirSync(dir)) {
    const [otherBundle, otherBuild] = other.split('-');
    if (!other.endsWith(SUFFIX) || otherBundle !== bundle || otherBuild === build) continue;
    try {
      if (Date.now() - statSync(join(dir, other)).mtimeMs > STALE_MS) rmSync(join(dir, other), { force: true });
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * Runs the CommonJS bundle `url` (built by scripts/build.mjs as a function
 * expression of the CommonJS parameters, `import.meta.url` as
 * `__tfwImportMetaUrl` and the hook below as `__tfwCodeCache`) and returns its
 * exports. With a cache file: compiled from the cache when V8 accepts it;
 * when there is none or V8 rejects it, one is written at exit.
 *
 * `onlyOnceUsed`: the cache is written only by a run in which the bundle
 * called `__tfwCodeCache.used()` (a parameter of its wrapper). The warm
 * bundle (warm.ts) is loaded by every credentialed run but does its work only
 * on a plan-memo hit: a cache made by a run that only looked for the memo
 * would hold none of the functions a hit calls.
 */
export function loadBundle(
  url: URL,
  buildId: string,
  env: Env = process.env,
  bundle = 'lazy',
  onlyOnceUsed = false,
  // The loader's own require (its file sits beside the bundle, so it resolves alike): node:module need not load.
  requireFromBeside?: NodeJS.Require,
): Record<string, unknown> {
  const file = fileURLToPath(url);
  // Already the function expression (scripts/build.mjs wraps it); ASCII (esbuild's charset), read as latin1.
  const source = readFileSync(file, 'latin1');
  const dir = codeCacheDir(env);
  const cacheFile = dir === undefined ? undefined : codeCacheFile(dir, buildId, bundle);
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  let used = !onlyOnceUsed;
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    const write = (): void => {
      process.off('exit', write);
      process.off(REPLACING, write);
      if (!used) return;
      try {
        writeCodeCache(cacheFile, script.createCachedData());
      } catch {
        // a cache is an optimisation: never a failure at exit
      }
    };
    // At exit, or just before terraform takes this process over (replace.ts): whichever comes first.
    process.once('exit', write);
    process.once(REPLACING, write);
  }
  const module = { exports: {} as Record<string, unknown> };
  const codeCache = { used: () => void (used = true) };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFromBeside ?? process.getBuiltinModule('node:module').createRequire(file), module, file, dirname(file), url.href, codeCache);
  return module.exports;
}
