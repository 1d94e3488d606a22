// Anything that looks like an AWS secret, session token or access key id is
// cut out of text before it is printed or logged.

const PATTERNS: RegExp[] = [
  // access key ids: long-term (AKIA) and temporary (ASIA)
  /\b(A[KS]IA)[0-9A-Z]{12,}\b/g,
  // key = value forms in INI, env and JSON
  /((?:aws_)?(?:secret_access_key|session_token|security_token|secretaccesskey|sessiontoken)["']?\s*[=:]\s*["']?)[^\s"',}]+/gi,
  /((?:AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|TFW_MFA_CODE)=)\S+/g,
];

export function redact(text: string): string {
  let out = text;
  out = out.replace(PATTERNS[0]!, '$1****');
  out = out.replace(PATTERNS[1]!, '$1****');
  out = out.replace(PATTERNS[2]!, '$1****');
  return out;
}
