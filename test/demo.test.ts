// `npm run demo` end to end, without a terminal (so TFW_MFA_CODE stands in for
// the prompt): the README's "see it work" must keep working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/harness.ts';

function runDemo(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end();
  });
}

test('npm run demo: one code, three accounts, the cached session, nothing left behind', { timeout: 90_000 }, async () => {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    const built = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(built.status, 0, 'node scripts/build.mjs');
  }
  const r = await runDemo();
  const all = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.code, 0, `demo exited ${r.code ?? r.signal}:\n${all}`);

  // No terminal: the code comes from TFW_MFA_CODE, and the demo says so.
  assert.match(r.stdout, /stdin is not a terminal, so the demo sets TFW_MFA_CODE=123456/);

  // tfw auth explain: every block, its profile (var.* evaluated), role and the one device.
  assert.match(r.stdout, /\$ tfw auth explain\nRoot module .*fixtures[/\\]demo\n/);
  for (const [block, profile, role] of [
    ['backend "s3"', 'demo-state', 'arn:aws:iam::111111111111:role/terraform-state'],
    ['aws.network', 'demo-network', 'arn:aws:iam::222222222222:role/terraform-network'],
    ['aws.apps', 'demo-apps', 'arn:aws:iam::333333333333:role/terraform-apps'],
    ['aws.shared', 'demo-state', 'arn:aws:iam::111111111111:role/terraform-state'],
  ] as const) {
    const at = r.stdout.indexOf(`\n  ${block}  main.tf:`);
    assert.ok(at >= 0, `explain shows ${block}:\n${r.stdout}`);
    const section = r.stdout.slice(at, r.stdout.indexOf('\n\n', at + 1));
    assert.match(section, new RegExp(`profile   ${profile} → demo-user`));
    assert.ok(section.includes(`role      ${role}`), section);
    assert.ok(section.includes('MFA       arn:aws:iam::123456789012:mfa/demo'), section);
  }
  assert.match(r.stdout, /MFA devices\n {2}arn:aws:iam::123456789012:mfa\/demo {2}via profile demo-user, for backend "s3", aws\.network, aws\.apps, aws\.shared\n {4}no cached session; code from TFW_MFA_CODE/);

  // Both plans: the fake terraform's SDK resolved each block to the role in its account.
  const plans = r.stdout.split('$ tfw plan').slice(1);
  assert.equal(plans.length, 2, r.stdout);
  for (const plan of plans) {
    assert.match(plan, /✓ mfa_serial is gone from the per-run files/);
    assert.match(plan, /✓ no AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY \/ AWS_SESSION_TOKEN in my environment/);
    assert.match(plan, /backend "s3" +profile demo-state +→ arn:aws:sts::111111111111:assumed-role\/terraform-state\/\S+ \(account 111111111111\)/);
    assert.match(plan, /aws\.network +profile demo-network +→ arn:aws:sts::222222222222:assumed-role\/terraform-network\/\S+ \(account 222222222222\)/);
    assert.match(plan, /aws\.apps +profile demo-apps +→ arn:aws:sts::333333333333:assumed-role\/terraform-apps\/\S+ \(account 333333333333\)/);
    assert.match(plan, /aws\.shared +profile demo-state +→ arn:aws:sts::111111111111:assumed-role\/terraform-state\/\S+ \(account 111111111111\)/);
  }

  // One code, one session for both plans; status shows it.
  assert.match(r.stdout, /GetSessionToken: +1 /);
  assert.match(r.stdout, /\$ tfw auth status\narn:aws:iam::123456789012:mfa\/demo .*valid until/);
  assert.doesNotMatch(r.stderr, /MFA code for/, 'no prompt without a terminal');

  // No long-term or session secret printed; the throw-away HOME is gone.
  assert.ok(!all.includes('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'), 'the long-term secret is never printed');
  assert.doesNotMatch(all, /aws_session_token = (?!\*\*\*\*)/);
  const home = /HOME=(\S+?),/.exec(r.stdout)?.[1];
  assert.ok(home, 'the demo names its HOME');
  assert.equal(existsSync(home), false, `${home} is removed`);
});
