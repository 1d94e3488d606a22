// Where tfw's cache directory is, from the environment alone: the rule the
// session cache (aws/cache.ts) and the code cache (codecache.ts) share. Kept
// apart from both so the pass-through bundle can use it without loading the
// session cache.
import { isAbsolute, join, resolve } from 'node:path';
import type { Env } from './model.ts';

/**
 * TFW_CACHE_DIR, else $XDG_CACHE_HOME/tfw, else $HOME/.cache/tfw; undefined
 * when none applies (a relative XDG_CACHE_HOME is ignored, as the XDG spec
 * says; a relative or missing HOME gives nothing: never the working directory).
 */
export function cacheDirFromEnv(env: Env): string | undefined {
  if (env.TFW_CACHE_DIR) return resolve(env.TFW_CACHE_DIR);
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'tfw');
  if (env.HOME && isAbsolute(env.HOME)) return join(env.HOME, '.cache', 'tfw');
  return undefined;
}
