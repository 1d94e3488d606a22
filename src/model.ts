// Shared shapes that cross stage boundaries. The terraform reader produces
// AuthTargets, the AWS planner consumes them: neither imports the other, both
// import this file (types only, so nothing is loaded at run time).

/** The environment a stage reads (never process.env directly: tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A place in the user's files, for messages: `main.tf:12`. */
export interface SourceRef {
  /** Path as the user would recognise it (relative to the working dir when inside it). */
  file: string;
  /** 1-based line. */
  line: number;
}

/** An attribute tfw could not evaluate (a resource reference, an unsupported function…). */
export interface UnknownSetting {
  attribute: string;
  source: SourceRef;
  reason: string;
}

/** One `assume_role` hop as written in a provider block or the S3 backend. */
export interface AssumeRoleSetting {
  /**
   * Undefined when the ARN is known only during the plan (a data source,
   * remote state, each.key…): terraform still assumes a role there, so the
   * hop is kept, and `roleArnUnknown` says why it cannot be shown.
   */
  roleArn?: string;
  roleArnUnknown?: string;
  sessionName?: string;
  externalId?: string;
  /** Seconds (the provider's `duration` string is converted). */
  durationSeconds?: number;
  source: SourceRef;
}

/**
 * Something terraform authenticates as: the S3 backend or one provider
 * configuration (one per alias, per for_each key, per child module).
 */
export interface AuthTarget {
  kind: 'backend' | 'provider';
  /** For people and JSON: `backend "s3"`, `aws`, `aws.west`, `module.net: aws.west`, `aws.by_region["eu-west-1"]`. */
  name: string;
  source: SourceRef;
  /** The profile attribute; undefined means terraform's default (AWS_PROFILE, else "default"). */
  profile?: string;
  region?: string;
  /** When set, terraform ignores AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE for this target. */
  sharedConfigFiles?: string[];
  sharedCredentialsFiles?: string[];
  /** Chained in order; the first one is assumed with the profile's credentials. */
  assumeRoles: AssumeRoleSetting[];
  /** access_key/secret_key written in the block: terraform uses them, tfw leaves the target alone. */
  staticCredentials: boolean;
  /** assume_role_with_web_identity: no MFA involved. */
  webIdentity: boolean;
  /** Settings that could not be evaluated; the defaults above apply in their place. */
  unknowns: UnknownSetting[];
  /**
   * Values of settings terraform marks sensitive (or that tfw cannot tell are
   * not): used as they are, never shown (explain prints "(sensitive value)").
   */
  sensitiveValues?: string[];
}

/** A file of the root module tfw could not read; terraform will say why. */
/** Why a file or directory could not be read (terraform/files.ts). */
export type FileFailure =
  /** ENOENT: no such file, or a dangling symlink. */
  | { reason: 'missing' }
  /** ENOTDIR: a path component (or the module "directory") is a file. */
  | { reason: 'not-a-directory' }
  /** EACCES, EPERM. */
  | { reason: 'permission-denied'; code: string }
  /** ELOOP. */
  | { reason: 'symlink-loop' }
  /** A directory where a file was expected. */
  | { reason: 'a-directory'; code?: 'EISDIR' }
  /** A pipe, device or socket: never read (a FIFO would block). */
  | { reason: 'special-file'; what: 'pipe' | 'device' | 'socket' | 'other' }
  /** Past tfw's own size cap (terraform reads it). */
  | { reason: 'too-large'; bytes: number }
  | { reason: 'binary' }
  | { reason: 'not-utf8' }
  /** Any other error of the system call (EIO, EMFILE…), with its code. */
  | { reason: 'io-error'; code: string };

/** What a ReadProblem is about. `path` is the display path (relative to cwd when inside it). */
export type ReadReason =
  /** A configuration file, tfvars, -var-file, -backend-config or state file that could not be read. */
  | { kind: 'file'; path: string; failure: FileFailure }
  /** A module directory that could not be listed; `module` names the calling block's module (child modules). */
  | { kind: 'module-dir'; path: string; module?: string; failure: FileFailure }
  /** A syntax error terraform reports too. */
  | { kind: 'syntax'; path: string; line: number; message: string }
  /** Nesting past tfw's own parser cap: not a terraform error. */
  | { kind: 'too-deep'; path: string; line: number; message: string }
  /** .terraform/terraform.tfstate that is not JSON (terraform: "Failed to load state"). */
  | { kind: 'invalid-state'; path: string; message: string }
  /** A local module that calls a module already being read. */
  | { kind: 'module-cycle'; module: string; path: string }
  /** Local modules nested deeper than tfw follows. */
  | { kind: 'modules-too-deep'; module: string; limit: number }
  /** `-var X` without `=`. */
  | { kind: 'bad-var'; arg: string }
  /** `-backend-config X`: neither a file nor KEY=VALUE. */
  | { kind: 'bad-backend-config'; arg: string }
  /** An override file's provider block with no original. */
  | { kind: 'override-without-original'; provider: string; alias?: string }
  /** A bug in tfw, caught so that terraform still runs. */
  | { kind: 'internal'; message: string };

export interface ReadProblem {
  source: SourceRef;
  /** Why, as a value: whether terraform stops on it too is derived from it (terraform/problems.ts terraformStopsOn). */
  reason: ReadReason;
  /** The words for the reason (terraform/problems.ts reasonMessage). */
  message: string;
}

export interface ModuleAuth {
  targets: AuthTarget[];
  problems: ReadProblem[];
  /** False for a provider configuration nothing in its module refers to (terraform prunes it); absent: every target may be used. */
  mayBeUsed?: (target: AuthTarget) => boolean;
}

/** Terraform's own arguments that change what the module means (never rewritten). */
export interface VarArg {
  kind: 'var' | 'var-file';
  /** `name=value` for -var, a path for -var-file. */
  value: string;
}

export interface BackendConfigArg {
  kind: 'file' | 'kv';
  value: string;
}

export interface ReadModuleOptions {
  /** The root module directory (after -chdir). */
  dir: string;
  /** The directory tfw was started in, to show paths relative to it. */
  cwd: string;
  env: Env;
  vars: VarArg[];
  backendConfig: BackendConfigArg[];
  /** The terraform subcommand: `init` reads backend settings from the files, later ones also from .terraform/terraform.tfstate. */
  command: string;
}
