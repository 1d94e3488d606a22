// The world most tests run in: one IAM user with long-term keys and an MFA
// device, role profiles behind that device, the STS stand-in on loopback for
// the test file, and (for the end-to-end tests) the real AWS provider from
// the local plugin mirror. One place, so each test file says only what is
// particular to it.
import { before, after } from 'node:test';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { which } from './harness.ts';
import { startMoto, type S3Server } from './moto.ts';
import { startStsStandIn, type StandInOptions, type StandInUser, type StsStandIn } from './sts-standin.ts';

/**
 * A user whose long-term keys end in `tag`, so each test file's secrets are
 * its own (a test greps output and files for them) and a key id is never
 * shared by two files running at once.
 */
export function mfaUser(tag: string, name = 'alice', account = '111111111111'): Required<StandInUser> {
  const digits = tag.padStart(4, '0');
  return {
    userName: name,
    account,
    accessKeyId: `AKIA${name.toUpperCase().padEnd(5, 'X').slice(0, 5)}EXAMPLE${digits}`,
    secretAccessKey: `${name}/secret/EXAMPLEKEY${digits.padStart(13, '0')}`,
    mfaSerial: `arn:aws:iam::${account}:mfa/${name}`,
  };
}

/** The STS stand-in of one test file, and MFA codes it has never seen (it refuses a code used before). */
export interface StandInForFile {
  readonly sts: StsStandIn;
  readonly url: string;
  fresh(): string;
}

/**
 * Starts the stand-in before the file's tests and stops it after them.
 * `firstCode` keeps each file's codes apart; `when` (a skip reason) leaves it
 * unstarted for a file whose tests all skip.
 */
export function useStsStandIn(options: StandInOptions, firstCode: number, when: { skip?: string } = {}): StandInForFile {
  let sts: StsStandIn | undefined;
  let code = firstCode;
  before(async () => {
    if (!when.skip) sts = await startStsStandIn(options);
  });
  after(() => sts?.stop());
  return {
    get sts() {
      if (!sts) throw new Error('the STS stand-in is not running (used outside a test, or the file skips)');
      return sts;
    },
    get url() {
      return this.sts.url;
    },
    fresh: () => String(code++),
  };
}

/**
 * ~/.aws for `user`: `[profile source]` holds the device (its keys in the
 * credentials file), and each `name → role ARN` is a role profile behind it.
 * `region` goes on every profile when given.
 */
export function roleProfiles(user: Required<StandInUser>, roles: Record<string, string>, region?: string): { config: string; credentials: string } {
  const regionLine = region ? `region = ${region}\n` : '';
  const config = [
    `[profile source]\n${regionLine}mfa_serial = ${user.mfaSerial}\n`,
    ...Object.entries(roles).map(([name, arn]) => `[profile ${name}]\nsource_profile = source\nrole_arn = ${arn}\nmfa_serial = ${user.mfaSerial}\n${regionLine}`),
  ].join('\n');
  const credentials = `[source]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`;
  return { config, credentials };
}

/** moto_server's S3 for one test file, with `bucket` made: started before its tests, stopped after (not when `when.skip`). */
export function useS3Bucket(motoServer: string | undefined, bucket: string, when: { skip?: string } = {}): { readonly url: string } {
  let s3: S3Server | undefined;
  before(async () => {
    if (when.skip || !motoServer) return;
    s3 = await startMoto(motoServer);
    await s3.createBucket(bucket);
  });
  after(() => s3?.stop());
  return {
    get url() {
      if (!s3) throw new Error('moto_server is not running (used outside a test, or the file skips)');
      return s3.url;
    },
  };
}

/** Where the real hashicorp/aws provider is (this machine cannot download providers). */
export const PLUGIN_DIR = process.env.TFW_TEST_PLUGIN_DIR ?? '/opt/tf-plugins';

/** Why end-to-end tests with the real terraform and AWS provider cannot run here, or undefined; printed once by the caller's file. */
export function realProviderSkip(what: string): string | undefined {
  const reason = !which('terraform')
    ? 'terraform is not on PATH'
    : !existsSync(join(PLUGIN_DIR, 'registry.terraform.io', 'hashicorp', 'aws'))
      ? `no hashicorp/aws provider in ${PLUGIN_DIR} (set TFW_TEST_PLUGIN_DIR)`
      : undefined;
  if (reason) console.log(`# skipping ${what}: ${reason}`);
  return reason;
}

/**
 * A root module with one aliased `provider "aws"` per profile name, each with
 * an aws_caller_identity data source and an output of its ARN: which role
 * each alias really ran as.
 */
export function callerIdentityModule(names: readonly string[]): string {
  const blocks = names.map(
    (n) => `
provider "aws" {
  alias                   = "${n}"
  profile                 = "${n}"
  region                  = "us-east-1"
  skip_metadata_api_check = true
  skip_region_validation  = true
}

data "aws_caller_identity" "${n}" {
  provider = aws.${n}
}

output "${n}" {
  value = data.aws_caller_identity.${n}.arn
}
`,
  );
  return `terraform {\n  required_providers {\n    aws = { source = "hashicorp/aws" }\n  }\n}\n${blocks.join('')}`;
}
