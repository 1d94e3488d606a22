// Anything that looks like an AWS secret, session token or access key id is
// cut out of text before it is printed or logged.

const PATTERNS: RegExp[] = [
  // access key ids: long-term (AKIA) and temporary (ASIA)
  /\b(A[KS]IA)[0-9A-Z]{12,}\b/g,
  // key = value forms in INI, env and JSON
  /((?:aws_|x-amz-)?(?:secret_access_key|session_token|security_token|security-token|secretaccesskey|sessiontoken)["']?\s*[=:]\s*["']?)[^\s"',}]+/gi,
  /((?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|TFW_MFA_CODE)=)\S+/g,
];

// The secrets this process holds (long-term secrets it read, its sessions,
// the codes it sent) are cut out by value too, in whatever text they turn up.
// Shared through the global registry: cli.js and the lazy bundle each hold a
// copy of this module, and cli.js prints the final error line.
const KNOWN = Symbol.for('tfw.knownSecrets');
function knownSecrets(): Set<string> {
  const g = globalThis as Record<symbol, Set<string> | undefined>;
  return (g[KNOWN] ??= new Set());
}

/** Remembers a secret of this run so `redact` cuts it out wherever it appears. */
export function rememberSecret(value: string | undefined): void {
  if (value !== undefined && value.trim().length >= 6) knownSecrets().add(value);
}

export function redact(text: string): string {
  let out = text;
  out = out.replace(PATTERNS[0]!, '$1****');
  out = out.replace(PATTERNS[1]!, '$1****');
  out = out.replace(PATTERNS[2]!, '$1****');
  for (const secret of knownSecrets()) {
    // A code is digits: only a whole number is one (not the middle of an account id).
    out = /^\d+$/.test(secret) ? out.replace(new RegExp(`(?<!\\d)${secret}(?!\\d)`, 'g'), '****') : out.split(secret).join('****');
  }
  return out;
}
