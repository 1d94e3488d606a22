import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { redactForms as redact, Secrets } from '../src/redact.ts';

test('key ids, secrets, tokens and the MFA code variable are cut out of text', () => {
  const text = [
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'aws_session_token=IQoJb3JpZ2luX2VjEXAMPLE',
    '{"SecretAccessKey":"abc/def","SessionToken":"tok"}',
    'AWS_SECRET_ACCESS_KEY=shh TFW_MFA_CODE=123456',
    'ASIAQWERTYUIOPASDFGH in the middle',
  ].join('\n');
  const out = redact(text);
  for (const secret of ['IOSFODNN7EXAMPLE', 'wJalrXUtnFEMI', 'IQoJb3JpZ2luX2VjEXAMPLE', 'abc/def', '"tok"', 'shh', '123456', 'QWERTYUIOPASDFGH']) {
    assert.ok(!out.includes(secret), `${secret} leaked: ${out}`);
  }
  assert.match(out, /aws_access_key_id = AKIA\*\*\*\*/);
});

test('property: a secret written as an INI, env or JSON setting never survives redaction', () => {
  const secret = fc.stringMatching(/^[A-Za-z0-9/+]{16,40}$/);
  const form = fc.constantFrom(
    (s: string) => `aws_secret_access_key = ${s}`,
    (s: string) => `aws_session_token=${s}`,
    (s: string) => `AWS_SESSION_TOKEN=${s}`,
    (s: string) => `{"SecretAccessKey": "${s}"}`,
  );
  fc.assert(fc.property(secret, form, fc.string(), (s, f, noise) => !redact(`${noise}\n${f(s)}\n${noise}`).includes(s) || noise.includes(s)));
});

test('ordinary text is left alone', () => {
  const line = 'tfw: MFA session arn:aws:iam::111111111111:mfa/alice (11h59m left)';
  assert.equal(redact(line), line);
});

test('a secret tfw holds is cut out by value, in any form; a remembered code only as a whole number', async () => {
  const secrets = new Secrets();
  const raw = 'k9Zr/raw+Secret0With1No2Key3Form4xx';
  secrets.remember(raw);
  secrets.remember('271828');
  const out = secrets.redact(`STS said: ${raw}. code 271828 refused; account 9271828123 and 2718281 stay`);
  assert.ok(!out.includes(raw), out);
  assert.equal(out, 'STS said: ****. code **** refused; account 9271828123 and 2718281 stay');
});
