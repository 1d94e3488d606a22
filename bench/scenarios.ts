// The AWS setups the bench runs against: one IAM user with one MFA device and
// N MFA-only roles, as ~/.aws files, a root module with one aliased
// `provider "aws"` per role, and the STS stand-in that knows them.
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startStsStandIn, type StsStandIn } from '../test/support/sts-standin.ts';
import { box } from './lib.ts';

export const ALICE = {
  userName: 'alice',
  account: '111111111111',
  accessKeyId: 'AKIABENCHEXAMPLE0001',
  secretAccessKey: 'alice/bench/secret/not/real/000000000001',
  mfaSerial: 'arn:aws:iam::111111111111:mfa/alice',
};

export const roleArn = (i: number): string => `arn:aws:iam::${String(200000000000 + i)}:role/deploy${i}`;

export function awsConfig(roles: number, mfaProcess?: string): string {
  let text = `[profile source]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n`;
  if (mfaProcess) text += `mfa_process = ${mfaProcess}\n`;
  for (let i = 1; i <= roles; i++) {
    text += `\n[profile account${i}]\nsource_profile = source\nrole_arn = ${roleArn(i)}\nmfa_serial = ${ALICE.mfaSerial}\nregion = us-east-1\n`;
  }
  return text;
}

export const AWS_CREDENTIALS = `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`;

export function moduleText(roles: number): string {
  let text = 'terraform {\n  required_version = ">= 1.0"\n}\n';
  for (let i = 1; i <= roles; i++) {
    text += `\nprovider "aws" {\n  alias   = "account${i}"\n  region  = "us-east-1"\n  profile = "account${i}"\n}\n`;
  }
  return text;
}

export type Box = Awaited<ReturnType<typeof box>>;

export interface Setup {
  b: Box;
  sts: StsStandIn;
  dir: string;
  cleanup(): Promise<void>;
}

/** A private HOME with `roles` role profiles behind Alice's device, a module using them all, and a stand-in. */
export async function mfaSetup(roles: number, opts: { latencyMs?: number; mfaProcess?: string } = {}): Promise<Setup> {
  const sts = await startStsStandIn({
    users: [ALICE],
    roles: Array.from({ length: roles }, (_, k) => ({ arn: roleArn(k + 1), requireMfa: true })),
    ...(opts.latencyMs !== undefined ? { latencyMs: opts.latencyMs } : {}),
  });
  const b = await box();
  await b.writeAws(awsConfig(roles, opts.mfaProcess), AWS_CREDENTIALS);
  const dir = join(b.root, 'module');
  await mkdir(dir);
  await writeFile(join(dir, 'main.tf'), moduleText(roles));
  return {
    b,
    sts,
    dir,
    async cleanup() {
      await sts.stop();
      await b.cleanup();
    },
  };
}

/** An executable script `name` in `dir` with `body`. */
export async function script(dir: string, name: string, body: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await writeFile(path, body);
  await chmod(path, 0o755);
  return path;
}
