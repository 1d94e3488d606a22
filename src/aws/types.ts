// Shapes of the AWS side: profiles as read, the auth plan, sessions.
import type { AuthTarget } from '../model.ts';
import type { Hop, HopKind, KeySource } from './kinds/index.ts';
import type { Decision } from './decisions.ts';

/** One section of a shared config/credentials file, keys as written (sub-sections as `s3.max_concurrent_requests`). */
export type ProfileSection = Record<string, string>;

/** The user's shared files, parsed the way the AWS SDK parses them. */
export interface AwsFiles {
  /** Paths actually read (in merge order; later files win). */
  configPaths: string[];
  credentialsPaths: string[];
  /** Profiles from the config files, `[profile x]` already normalised to `x`. */
  config: Record<string, ProfileSection>;
  /** `[sso-session x]` sections of the config files. */
  ssoSessions: Record<string, ProfileSection>;
  /** Other named sections of config files (`services x`), kept so generated files stay whole. */
  otherSections: Record<string, ProfileSection>;
  /** Profiles from the credentials files. */
  credentials: Record<string, ProfileSection>;
  /** Files that exist but could not be read (read as empty), sections left out: one warning each. */
  problems?: string[];
}

/** One step of a profile chain, from the profile a target names down to its root. */
export interface ChainHop {
  profile: string;
  /** What this profile is. */
  kind: HopKind;
  roleArn?: string;
  mfaSerial?: string;
}

/** The long-term keys that call sts:GetSessionToken for one device. */
export interface LongTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
}

/** One MFA device the run needs: a serial and the source that answers for it. */
export interface MfaDevice {
  /** Stable id for (root profile, serial): `root-profile|serial`. */
  id: string;
  serial: string;
  /** The long-term profile whose keys call GetSessionToken; it is replaced by the session in the per-run files. */
  rootProfile: string;
  /** What calls GetSessionToken: keys at hand, or a credential_process that prints them. */
  source: KeySource;
  /** Region for the STS call (root profile's region, else the target's, else us-east-1). */
  region: string;
  /** The profile's `mfa_process` command (aws-vault convention): prints the code. */
  mfaProcess?: string;
  /** Names of the targets waiting for this device (for the prompt and explain). */
  targets: string[];
}

/** What tfw does for one target. */
export interface TargetPlan {
  target: AuthTarget;
  /** The profile terraform will use for it (the attribute, else AWS_PROFILE / AWS_DEFAULT_PROFILE, else "default"). */
  profile: string;
  chain: Hop[];
  /**
   * mfa: needs the session of `deviceId`;
   * none: works without MFA (static keys, sso, credential_process, …): tfw only makes sure it still works;
   * unmanaged: tfw cannot hand it credentials (static keys in the block, web identity, own shared files).
   */
  action: Decision['action'];
  /** What was decided, as a value (decisions.ts); `reason` is the presenter's words for it. */
  decision: Decision;
  deviceId?: string;
  /** The MFA device this target's chain needs, also when tfw cannot serve it (unmanaged: own shared files). */
  mfaSerial?: string;
  /** Why, in a few words, for explain and debug. */
  reason: string;
}

export interface AuthPlan {
  targets: TargetPlan[];
  devices: MfaDevice[];
  childEnvironment: ChildEnvironment;
}

/** What terraform's environment needs besides the paths of the per-run files. */
export interface ChildEnvironment {
  /**
   * Keys exported by the user stay: somebody else's session (AWS_SESSION_TOKEN),
   * or long-term keys with no MFA device named, which terraform uses as it would
   * without tfw. False when there are none, or when the run replaced them.
   */
  keepKeyVariables: boolean;
  /** AWS_PROFILE for the child: the per-run profile that replaced exported keys. */
  profile?: string;
}

/** Temporary credentials from sts:GetSessionToken. */
export interface SessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** The per-run pair, as text (written by runfiles.ts). */
export interface GeneratedFiles {
  config: string;
  credentials: string;
  environment: ChildEnvironment;
}
