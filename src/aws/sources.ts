// The sources that answer for MFA devices (kinds/kind.ts: KeySource): keys at
// hand, or a credential_process printing long-term keys. A process runs at
// most once per run, whatever the number of devices or providers behind it,
// and only when a device has no cached session. Its keys are held in memory
// for the run: never written (per-run files, cache), never printed.
import { TfwError } from '../errors.ts';
import type { SecretSink } from '../redact.ts';
import type { ProcessRunner } from './codes.ts';
import type { KeySource } from './kinds/index.ts';
import type { LongTermKeys, MfaDevice } from './types.ts';

export type KeysFor = (device: MfaDevice) => Promise<LongTermKeys>;

/**
 * What the session cache keys a device's session on: never a secret tfw does
 * not already hold. Keys at hand: the key pair (a rotated secret is another
 * session; the same parts as before sources existed, so caches stay valid).
 * A process: its command (the keys are known only by running it).
 */
export function sourceIdentity(source: KeySource): string[] {
  switch (source.type) {
    case 'keys':
      return [source.keys.accessKeyId, source.keys.secretAccessKey];
    case 'process':
      return ['credential_process', source.command];
    default:
      return unhandled(source);
  }
}

function unhandled(value: never): never {
  throw new Error(`unhandled key source ${JSON.stringify(value)}`);
}

/**
 * The AWS SDK's credential_process contract: JSON with Version 1,
 * AccessKeyId, SecretAccessKey, and for temporary credentials SessionToken
 * and Expiration. Only long-term keys (no SessionToken) can call
 * GetSessionToken. Messages name the profile, never the output.
 */
export function parseProcessOutput(stdout: string, profile: string, serial: string, secrets: SecretSink): LongTermKeys {
  const bad = (what: string) => new TfwError(`credential_process of profile ${profile} ${what}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw bad('did not print JSON (the AWS credential_process format: Version 1, AccessKeyId, SecretAccessKey)');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('did not print a JSON object (Version 1, AccessKeyId, SecretAccessKey)');
  const p = parsed as Record<string, unknown>;
  if (p.Version !== 1) throw bad(`printed Version ${JSON.stringify(p.Version) ?? '(none)'}; the AWS credential_process format is Version 1`);
  if (typeof p.AccessKeyId !== 'string' || p.AccessKeyId === '' || typeof p.SecretAccessKey !== 'string' || p.SecretAccessKey === '') {
    throw bad('printed no AccessKeyId/SecretAccessKey');
  }
  secrets.remember(p.SecretAccessKey);
  if (typeof p.SessionToken === 'string' && p.SessionToken !== '') {
    secrets.remember(p.SessionToken);
    throw bad(
      `returned temporary credentials (SessionToken): tfw needs long-term keys there to call sts:GetSessionToken for ${serial} (aws-vault: \`export --no-session\`)`,
    );
  }
  if (p.Expiration !== undefined) {
    const at = typeof p.Expiration === 'string' ? Date.parse(p.Expiration) : NaN;
    if (Number.isNaN(at)) throw bad('printed an Expiration that is not a date');
  }
  return { accessKeyId: p.AccessKeyId, secretAccessKey: p.SecretAccessKey };
}

/** Keys for each device's source: at hand, or from its process, run once per command for the whole run. */
export function keySources(runProcess: ProcessRunner, secrets: SecretSink): KeysFor {
  const runs = new Map<string, Promise<LongTermKeys>>();
  return async (device) => {
    const source = device.source;
    switch (source.type) {
      case 'keys':
        return source.keys;
      case 'process': {
        let run = runs.get(source.command);
        if (!run) {
          run = (async () => {
            const { exitCode, stdout } = await runProcess(source.command);
            if (exitCode !== 0) throw new TfwError(`credential_process of profile ${device.rootProfile} failed (exit ${exitCode})`);
            return parseProcessOutput(stdout, device.rootProfile, device.serial, secrets);
          })();
          runs.set(source.command, run);
        }
        return run;
      }
      default:
        return unhandled(source);
    }
  };
}
