// `tfw auth explain --find-device`: the caller's own MFA devices, from
// iam:ListMFADevices with the long-term keys of the identity that has none
// named. The only IAM call tfw makes, and only when asked: explain stays
// offline otherwise. The SDK loads on that path alone.
import type { Env } from '../model.ts';
import type { LongTermKeys } from './types.ts';
import { quietly } from './sts.ts';

export interface FoundDevices {
  serials: string[];
  /** Set when IAM could not be asked or refused: in the user's terms, never a secret. */
  problem?: string;
}

/** AWS_ENDPOINT_URL_IAM, else AWS_ENDPOINT_URL, as every SDK reads them ('' for AWS itself). */
export function iamEndpoint(env: Env): string {
  return env.AWS_ENDPOINT_URL_IAM || env.AWS_ENDPOINT_URL || '';
}

export async function listOwnMfaDevices(keys: LongTermKeys, env: Env): Promise<FoundDevices> {
  const endpoint = iamEndpoint(env);
  const where = endpoint || 'https://iam.amazonaws.com';
  const { IAMClient, ListMFADevicesCommand } = await import('@aws-sdk/client-iam');
  const client = quietly(() => new IAMClient({
    region: 'us-east-1', // IAM is global; its one endpoint signs in us-east-1
    credentials: { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey },
    ...(endpoint ? { endpoint } : {}),
    ignoreConfiguredEndpointUrls: true,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 3_000, requestTimeout: 10_000, throwOnRequestTimeout: true },
  }));
  try {
    const serials: string[] = [];
    let marker: string | undefined;
    // Without UserName IAM lists the caller's own devices; a user has at most eight.
    for (let page = 0; page < 10; page++) {
      const out = await client.send(new ListMFADevicesCommand(marker ? { Marker: marker } : {}));
      for (const d of out.MFADevices ?? []) if (d.SerialNumber) serials.push(d.SerialNumber);
      if (!out.IsTruncated || !out.Marker) break;
      marker = out.Marker;
    }
    return { serials };
  } catch (error) {
    const e = error as { name?: string; message?: string };
    if (e.name === 'AccessDenied' || e.name === 'AccessDeniedException') {
      return { serials: [], problem: `iam:ListMFADevices is not allowed for these keys (${where}): name the device yourself` };
    }
    return { serials: [], problem: `cannot ask IAM at ${where}: ${(e.message ?? String(error)).replace(/^@smithy\/[\w-]+ - \[ERROR\] /, '')}` };
  } finally {
    client.destroy();
  }
}
