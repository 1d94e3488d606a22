// Keys exported in the environment, as terraform's SDK sees them: for a
// provider or backend that names no profile they come before AWS_PROFILE and
// the shared files (a `profile` attribute wins over them). Pure: env in,
// a description out.
//
// - Session keys (AWS_SESSION_TOKEN set: aws-vault exec, a CI role, another
//   wrapper) are somebody else's session: tfw leaves them alone, asks nothing.
// - Long-term keys (no session token) are a source identity like a profile.
//   With an MFA device named by TFW_MFA_SERIAL they become a per-run profile
//   (ENVIRONMENT_PROFILE) that the MFA session replaces, and leave the
//   child's environment; without one, terraform uses them as it would.
import type { Env } from '../model.ts';
import type { AwsFiles, ProfileSection } from './types.ts';

/** The per-run profile that stands for exported long-term keys. */
export const ENVIRONMENT_PROFILE = 'tfw-environment';

export type EnvironmentKeys =
  | { kind: 'none' }
  | { kind: 'session' }
  | { kind: 'long-term'; accessKeyId: string; secretAccessKey: string };

const set = (v: string | undefined): v is string => v !== undefined && v !== '';

/** The profile terraform (and every SDK) uses when none is named and no keys are exported. */
export function profileFromEnv(env: Env): string {
  if (set(env.AWS_PROFILE)) return env.AWS_PROFILE;
  if (set(env.AWS_DEFAULT_PROFILE)) return env.AWS_DEFAULT_PROFILE;
  return 'default';
}

/** What AWS_ACCESS_KEY_ID & co. hold (the SDKs need both halves of a key pair, else they skip the environment). */
export function environmentKeys(env: Env): EnvironmentKeys {
  if (!set(env.AWS_ACCESS_KEY_ID) || !set(env.AWS_SECRET_ACCESS_KEY)) return { kind: 'none' };
  if (set(env.AWS_SESSION_TOKEN) || set(env.AWS_SECURITY_TOKEN)) return { kind: 'session' };
  return { kind: 'long-term', accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY };
}

/** TFW_MFA_SERIAL: the device of a long-term identity whose profile names none. */
export function serialFromEnv(env: Env): string | undefined {
  const v = env.TFW_MFA_SERIAL?.trim();
  return v ? v : undefined;
}

/**
 * The user's files plus ENVIRONMENT_PROFILE when exported long-term keys have
 * an MFA device (TFW_MFA_SERIAL): from here on the planner and the writer
 * treat them like any long-term profile. The profile takes the region of the
 * profile the SDK would read settings from (AWS_PROFILE, else default), as
 * terraform would have. Unchanged files otherwise.
 */
export function withEnvironmentProfile(files: AwsFiles, env: Env): AwsFiles {
  const keys = environmentKeys(env);
  const serial = serialFromEnv(env);
  if (keys.kind !== 'long-term' || serial === undefined) return files;
  const has = (name: string) => Object.hasOwn(files.config, name) || Object.hasOwn(files.credentials, name);
  if (has(ENVIRONMENT_PROFILE)) return files; // the user's own profile of that name wins
  const section: ProfileSection = {
    aws_access_key_id: keys.accessKeyId,
    aws_secret_access_key: keys.secretAccessKey,
    mfa_serial: serial,
  };
  const named = profileFromEnv(env);
  // The credentials file wins over the config file, key by key (files.ts: profileSection).
  const region = (Object.hasOwn(files.credentials, named) ? files.credentials[named]!.region : undefined) ?? (Object.hasOwn(files.config, named) ? files.config[named]!.region : undefined);
  if (region) section.region = region;
  return { ...files, credentials: { ...files.credentials, [ENVIRONMENT_PROFILE]: section } };
}
