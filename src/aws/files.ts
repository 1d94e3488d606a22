// Reading the user's AWS shared config/credentials files, exactly as the AWS
// SDK does: the parsing is the SDK's own (`loadSharedConfigFiles` of
// @smithy/shared-ini-file-loader), so `[profile x]` vs `[x]`, comments,
// sub-sections and the `sso-session`/`services` prefixes mean here what they
// mean to every JS SDK. What tfw computes itself is *which* files: the SDK
// resolves `~` and the default paths from process.env, tfw from the env it is
// given (the run's env, or a test's).
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthTarget } from '../model.ts';
import type { AwsFiles, ProfileSection } from './types.ts';
import { withEnvironmentProfile } from './environment.ts';

export type { Env } from '../model.ts';
import type { Env } from '../model.ts';

export interface LoadAwsFilesOptions {
  env: Env;
  /** A target's `shared_config_files` (later files win per key); default AWS_CONFIG_FILE, else ~/.aws/config. */
  configPaths?: string[];
  /** A target's `shared_credentials_files`; default AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials. */
  credentialsPaths?: string[];
}

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

export { profileFromEnv } from './environment.ts';

/** Same order as the SDK's getHomeDir, but from the given env. */
export function homeDirOf(env: Env): string {
  if (set(env.HOME)) return env.HOME;
  if (set(env.USERPROFILE)) return env.USERPROFILE;
  if (set(env.HOMEPATH)) return `${env.HOMEDRIVE ?? 'C:\\'}${env.HOMEPATH}`;
  return homedir();
}

/** `~` and `~/x` → the env's home (the SDKs, Go's included, expand these two forms). */
export function expandHome(path: string, env: Env): string {
  if (path === '~') return homeDirOf(env);
  if (path.startsWith('~/') || (process.platform === 'win32' && path.startsWith('~\\'))) {
    return join(homeDirOf(env), path.slice(2));
  }
  return path;
}

export function defaultConfigPaths(env: Env): string[] {
  return [expandHome(set(env.AWS_CONFIG_FILE) ? env.AWS_CONFIG_FILE : join(homeDirOf(env), '.aws', 'config'), env)];
}

export function defaultCredentialsPaths(env: Env): string[] {
  return [
    expandHome(
      set(env.AWS_SHARED_CREDENTIALS_FILE) ? env.AWS_SHARED_CREDENTIALS_FILE : join(homeDirOf(env), '.aws', 'credentials'),
      env,
    ),
  ];
}

type Sections = Record<string, ProfileSection>;

/** Several files: later ones win per key of the same section (terraform's Go SDK does the same). */
function mergeInto(into: Sections, from: Sections): void {
  for (const [name, section] of Object.entries(from)) {
    into[name] = { ...(Object.hasOwn(into, name) ? into[name] : {}), ...section };
  }
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Splits the SDK's parsed config file: `default` and `profile.x` (already
 * normalised to `x` by the SDK), `sso-session.x`, `services.x`.
 * Section names the SDK drops (`[x]` without `profile` in config) stay dropped.
 */
export function splitConfig(parsed: Sections): Pick<AwsFiles, 'config' | 'ssoSessions' | 'otherSections'> {
  const config: Sections = {};
  const ssoSessions: Sections = {};
  const otherSections: Sections = {};
  for (const [key, section] of Object.entries(parsed)) {
    if (key.startsWith('sso-session.')) ssoSessions[key.slice('sso-session.'.length)] = { ...section };
    else if (key.startsWith('services.')) otherSections[`services ${key.slice('services.'.length)}`] = { ...section };
    else config[key] = { ...section };
  }
  return { config, ssoSessions, otherSections };
}

/**
 * Reads and merges the shared files. Missing or unreadable files count as
 * empty (SDK behaviour); `configPaths`/`credentialsPaths` of the result list
 * only the files that could be read.
 */
export async function loadAwsFiles(opts: LoadAwsFilesOptions): Promise<AwsFiles> {
  const configPaths = (opts.configPaths ?? defaultConfigPaths(opts.env)).map((p) => expandHome(p, opts.env));
  const credentialsPaths = (opts.credentialsPaths ?? defaultCredentialsPaths(opts.env)).map((p) =>
    expandHome(p, opts.env),
  );
  // The SDK reads one config and one credentials file per call; each file is
  // read on its own (the same path in both slots, the unused half discarded)
  // so that no made-up path is ever opened.
  const read = (path: string) => loadSharedConfigFiles({ configFilepath: path, filepath: path, ignoreCache: true });
  const [configParsed, credentialsParsed, configOk, credentialsOk] = await Promise.all([
    Promise.all(configPaths.map(async (p) => (await read(p)).configFile as Sections)),
    Promise.all(credentialsPaths.map(async (p) => (await read(p)).credentialsFile as Sections)),
    Promise.all(configPaths.map(readable)),
    Promise.all(credentialsPaths.map(readable)),
  ]);
  const configMerged: Sections = {};
  for (const parsed of configParsed) mergeInto(configMerged, parsed);
  const credentials: Sections = {};
  for (const parsed of credentialsParsed) mergeInto(credentials, parsed);
  return {
    configPaths: configPaths.filter((_, i) => configOk[i]),
    credentialsPaths: credentialsPaths.filter((_, i) => credentialsOk[i]),
    ...splitConfig(configMerged),
    credentials,
  };
}

/** Every profile name defined in either file, config order first. */
export function profileNames(files: AwsFiles): string[] {
  return [...new Set([...Object.keys(files.config), ...Object.keys(files.credentials)])];
}

/** A profile as the SDK sees it: the credentials file wins over the config file, key by key. */
export function profileSection(files: AwsFiles, name: string): ProfileSection | undefined {
  const fromConfig = Object.hasOwn(files.config, name) ? files.config[name] : undefined;
  const fromCredentials = Object.hasOwn(files.credentials, name) ? files.credentials[name] : undefined;
  if (!fromConfig && !fromCredentials) return undefined;
  return { ...fromConfig, ...fromCredentials };
}

/** Does this target read its own files instead of AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE? */
export function hasOwnSharedFiles(t: AuthTarget): boolean {
  return (t.sharedConfigFiles?.length ?? 0) > 0 || (t.sharedCredentialsFiles?.length ?? 0) > 0;
}

/**
 * Loads everything a plan needs before planning (so planning stays pure):
 * the default files once, and each distinct set of per-target shared files.
 */
export async function loadFilesForTargets(
  targets: AuthTarget[],
  env: Env,
): Promise<{ defaults: AwsFiles; filesFor: (t: AuthTarget) => AwsFiles }> {
  // Exported long-term keys with a device join the default files as a profile (environment.ts).
  const defaults = withEnvironmentProfile(await loadAwsFiles({ env }), env);
  const keyOf = (t: AuthTarget) => JSON.stringify([t.sharedConfigFiles ?? null, t.sharedCredentialsFiles ?? null]);
  const own = new Map<string, AwsFiles>();
  for (const t of targets) {
    if (!hasOwnSharedFiles(t) || own.has(keyOf(t))) continue;
    own.set(
      keyOf(t),
      await loadAwsFiles({
        env,
        ...(t.sharedConfigFiles?.length ? { configPaths: t.sharedConfigFiles } : {}),
        ...(t.sharedCredentialsFiles?.length ? { credentialsPaths: t.sharedCredentialsFiles } : {}),
      }),
    );
  }
  return { defaults, filesFor: (t) => (hasOwnSharedFiles(t) ? (own.get(keyOf(t)) ?? defaults) : defaults) };
}
