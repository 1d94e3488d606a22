// Anything that looks like an AWS secret, session token or access key id is
// cut out of text before it is printed or logged.

const PATTERNS: RegExp[] = [
  // access key ids: long-term (AKIA) and temporary (ASIA)
  /\b(A[KS]IA)[0-9A-Z]{12,}\b/g,
  // key = value forms in INI, env and JSON
  /((?:aws_|x-amz-)?(?:secret_access_key|session_token|security_token|security-token|secretaccesskey|sessiontoken)["']?\s*[=:]\s*["']?)[^\s"',}]+/gi,
  /((?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|TFW_MFA_CODE)=)\S+/g,
];

/** What looks like a secret by its form (key ids, `secret_access_key = …`, `AWS_SESSION_TOKEN=…`): pure, no state. */
export function redactForms(text: string): string {
  let out = text;
  out = out.replace(PATTERNS[0]!, '$1****');
  out = out.replace(PATTERNS[1]!, '$1****');
  out = out.replace(PATTERNS[2]!, '$1****');
  return out;
}

/** Where the secrets of a run are remembered (the long-term secrets it read, its sessions, the codes it sent). */
export interface SecretSink {
  remember(value: string | undefined): void;
}

/**
 * The secrets one run holds, cut out by value too, in whatever text they
 * turn up. One per run, in the run context (context.ts): whoever learns a
 * secret remembers it here, and every line tfw prints goes through `redact`.
 */
export class Secrets implements SecretSink {
  private readonly known = new Set<string>();

  readonly remember = (value: string | undefined): void => {
    if (value !== undefined && value.trim().length >= 6) this.known.add(value);
  };

  /** `text` without anything that looks like a secret, nor any secret remembered here. */
  readonly redact = (text: string): string => {
    let out = redactForms(text);
    for (const secret of this.known) {
      // A code is digits: only a whole number is one (not the middle of an account id).
      out = /^\d+$/.test(secret) ? out.replace(new RegExp(`(?<!\\d)${secret}(?!\\d)`, 'g'), '****') : out.split(secret).join('****');
    }
    return out;
  };
}
