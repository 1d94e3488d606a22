// Reading the user's AWS shared config/credentials files, exactly as the AWS
// SDK does: the parsing is the SDK's own (ini.ts: parseIni/getConfigData of
// @smithy/shared-ini-file-loader, on prototype-free objects), so `[profile x]`
// vs `[x]`, comments, sub-sections and the `sso-session`/`services` prefixes
// mean here what they mean to every JS SDK. What tfw computes itself is
// *which* files: the SDK resolves `~` and the default paths from process.env,
// tfw from the env it is given (the run's env, or a test's).
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AuthTarget } from '../model.ts';
import { configSections, parseIni } from './ini.ts';
import type { AwsFiles, ProfileSection } from './types.ts';
import { withEnvironmentProfile } from './environment.ts';

export type { Env } from '../model.ts';
import type { Env } from '../model.ts';
import { recording } from '../inputs.ts';

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
  recording()?.home();
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

/**
 * One shared file, parsed. Missing, unreadable or not a file: empty, as the
 * SDKs (terraform's included) read it; all but a missing file are a problem
 * for a warning. Never opens anything but a regular file (a FIFO would block).
 */
async function readShared(path: string): Promise<{ sections?: Sections; problems: string[] }> {
  recording()?.stat(path);
  try {
    // Synchronous: two small files, read faster than a thread-pool round trip each.
    if (!statSync(path).isFile()) return { problems: [`${path} is not a regular file: tfw reads it as empty`] };
    const parsed = parseIni(readFileSync(path, 'utf8'));
    const problems = parsed.skipped.map((s) => `${path}:${s.line}: section [${s.name}] ignored: "__proto__" cannot be a profile name for the AWS SDK`);
    return { sections: parsed.sections, problems };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problems: [] };
    return { problems: [`cannot read ${path} (${code ?? (e as Error).message}): read as empty, as terraform does`] };
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
  const [configRead, credentialsRead] = await Promise.all([
    Promise.all(configPaths.map(readShared)),
    Promise.all(credentialsPaths.map(readShared)),
  ]);
  const configMerged: Sections = {};
  for (const r of configRead) if (r.sections) mergeInto(configMerged, configSections(r.sections));
  const credentials: Sections = {};
  for (const r of credentialsRead) if (r.sections) mergeInto(credentials, r.sections);
  const problems = [...configRead, ...credentialsRead].flatMap((r) => r.problems);
  return {
    configPaths: configPaths.filter((_, i) => configRead[i]!.sections),
    credentialsPaths: credentialsPaths.filter((_, i) => credentialsRead[i]!.sections),
    ...splitConfig(configMerged),
    credentials,
    ...(problems.length > 0 ? { problems } : {}),
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
export function hasOwnSharedFiles(t: Pick<AuthTarget, 'sharedConfigFiles' | 'sharedCredentialsFiles'>): boolean {
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
