// Planning returns decisions as values: each target's (mfa with root, serial
// and how the device was found; none and unmanaged with a cause) and the
// plans tfw cannot carry out. Words are the presenter's; these tests assert
// on the values, and on the presenter only where it is the subject.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideAuth } from '../../src/aws/plan.ts';
import { describeImpossible } from '../../src/aws/decisions.ts';
import { generateFiles } from '../../src/aws/materialize.ts';
import type { AuthTarget } from '../../src/model.ts';
import type { AwsFiles } from '../../src/aws/types.ts';

const ALICE = 'arn:aws:iam::111111111111:mfa/alice';
const BACKUP = 'arn:aws:iam::111111111111:mfa/alice-backup';
const files = (config: AwsFiles['config'], credentials: AwsFiles['credentials'] = {}): AwsFiles => ({ configPaths: ['/h/.aws/config'], credentialsPaths: ['/h/.aws/credentials'], config, credentials, ssoSessions: {}, otherSections: {} });
const target = (name: string, over: Partial<AuthTarget> = {}): AuthTarget => ({ kind: 'provider', name, source: { file: 'main.tf', line: 1 }, assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [], ...over });
const KEYS = { aws_access_key_id: 'AKIAEXAMPLE000000001', aws_secret_access_key: 'secret' };

const F = files(
  {
    source: { region: 'eu-west-1' },
    vault: { mfa_serial: ALICE },
    role: { source_profile: 'source', role_arn: 'arn:aws:iam::2:role/r', mfa_serial: ALICE },
    plain: {},
    sso: { sso_session: 's', sso_account_id: '1', sso_role_name: 'r' },
    a: { source_profile: 'b', role_arn: 'arn:aws:iam::2:role/a' },
    b: { source_profile: 'a', role_arn: 'arn:aws:iam::2:role/b' },
    top: { source_profile: 'mid', role_arn: 'arn:aws:iam::2:role/top', mfa_serial: ALICE },
    r: { source_profile: 'source', role_arn: 'arn:aws:iam::2:role/r' },
    mid: { source_profile: 'source', role_arn: 'arn:aws:iam::2:role/mid', mfa_serial: BACKUP },
    'sso-mfa': { source_profile: 'sso', role_arn: 'arn:aws:iam::2:role/x', mfa_serial: ALICE },
    other: { source_profile: 'source', role_arn: 'arn:aws:iam::2:role/o', mfa_serial: BACKUP },
  },
  { source: KEYS, vault: { ...KEYS, aws_access_key_id: 'AKIAEXAMPLE000000003' }, plain: { ...KEYS, aws_access_key_id: 'AKIAEXAMPLE000000002' } },
);

test('a decision per target, as a value', () => {
  const { plan, impossible } = decideAuth(
    [
      target('aws.role', { profile: 'role' }),
      target('aws.vault', { profile: 'vault' }),
      target('aws.plain', { profile: 'plain' }),
      target('aws.sso', { profile: 'sso' }),
      target('aws.gone', { profile: 'gone' }),
      target('aws.keys', { profile: 'role', staticCredentials: true }),
      target('aws.own', { profile: 'role', sharedConfigFiles: ['/elsewhere'] }),
      target('aws.assume', { profile: 'plain', assumeRoles: [{ roleArn: 'arn:aws:iam::3:role/x', source: { file: 'main.tf', line: 3 } }] }),
    ],
    (t) => (t.sharedConfigFiles ? F : F),
    {},
  );
  assert.deepEqual(impossible, []);
  assert.deepEqual(
    plan.targets.map((t) => [t.target.name, t.decision.action === 'none' && t.decision.cause.cause === 'no-mfa' ? { ...t.decision, cause: { cause: 'no-mfa', root: t.decision.cause.root.kind } } : t.decision]),
    [
      ['aws.role', { action: 'mfa', root: 'source', serial: ALICE, found: { from: 'chain', on: ['role'] } }],
      ['aws.vault', { action: 'mfa', root: 'vault', serial: ALICE, found: { from: 'chain', on: ['vault'] } }],
      ['aws.plain', { action: 'none', cause: { cause: 'no-mfa', root: 'static' } }],
      ['aws.sso', { action: 'none', cause: { cause: 'no-mfa', root: 'sso' } }],
      ['aws.gone', { action: 'none', cause: { cause: 'profile-not-found', profile: 'gone', searched: ['/h/.aws/config', '/h/.aws/credentials'] } }],
      ['aws.keys', { action: 'unmanaged', cause: { cause: 'keys-in-block' } }],
      ['aws.own', { action: 'unmanaged', cause: { cause: 'own-files-need-mfa', serials: [ALICE], root: 'source' }, serial: ALICE }],
      ['aws.assume', { action: 'none', cause: { cause: 'no-device-for-role' } }],
    ],
  );
});

test('TFW_MFA_SERIAL and exported keys: how the device was found is part of the decision', () => {
  const d = decideAuth([target('aws')], () => files({ default: {} }, { default: KEYS }), { TFW_MFA_SERIAL: ALICE });
  assert.deepEqual(d.plan.targets[0]!.decision, { action: 'mfa', root: 'default', serial: ALICE, found: { from: 'TFW_MFA_SERIAL' } });
  const session = decideAuth([target('aws')], () => files({}), { AWS_ACCESS_KEY_ID: 'AKIAX', AWS_SECRET_ACCESS_KEY: 's', AWS_SESSION_TOKEN: 't' });
  assert.deepEqual(session.plan.targets[0]!.decision, { action: 'none', cause: { cause: 'exported-session' } });
});

test('a target whose chain ends in a root the run replaces shares its session', () => {
  const { plan } = decideAuth([target('aws.a', { profile: 'role' }), target('aws.b', { profile: 'r' })], () => F, {});
  assert.deepEqual(plan.targets[1]!.decision, { action: 'mfa', root: 'source', serial: ALICE, found: { from: 'shared-root' } });
  assert.deepEqual(plan.devices[0]!.targets, ['aws.a', 'aws.b']);
});

test('plans tfw cannot carry out are values, in target order; the presenter says each in one line', () => {
  const { plan, impossible } = decideAuth(
    [target('aws.loop', { profile: 'a' }), target('aws.two', { profile: 'top' }), target('aws.sso', { profile: 'sso-mfa' }), target('aws.ok', { profile: 'role' }), target('aws.other', { profile: 'other' })],
    () => F,
    {},
  );
  assert.deepEqual(impossible.map((i) => i.cause), ['broken-chain', 'two-devices-in-chain', 'no-long-term-root', 'two-devices-one-root']);
  assert.deepEqual(impossible[0]!.cause === 'broken-chain' && impossible[0]!.broken, { cause: 'loop', profiles: ['a', 'b', 'a'] });
  assert.deepEqual(impossible[1]!.cause === 'two-devices-in-chain' && impossible[1]!.serials, [ALICE, BACKUP]);
  assert.deepEqual(impossible[2]!.cause === 'no-long-term-root' && impossible[2]!.why, { cause: 'sso' });
  assert.deepEqual(impossible[3], { cause: 'two-devices-one-root', root: 'source', first: { serial: ALICE, targets: ['aws.ok'] }, second: { serial: BACKUP, target: 'aws.other' } });
  // What can be planned still is; the conflicting target is not in the plan.
  assert.deepEqual(plan.targets.map((t) => t.target.name), ['aws.ok']);
  assert.deepEqual(impossible.map(describeImpossible), [
    'aws.loop (main.tf:1): profile loop in the AWS config: a → b → a (/h/.aws/config, /h/.aws/credentials)',
    `aws.two (main.tf:1): profile "top" (top → mid → source) names two MFA devices (${ALICE}, ${BACKUP}); tfw can answer one per chain`,
    `aws.sso (main.tf:1): profile "sso-mfa" needs MFA (${ALICE}) but its chain sso-mfa → sso ends in profile "sso", which uses AWS SSO (IAM Identity Center); tfw needs long-term keys there to call sts:GetSessionToken`,
    `profile "source" is used with two MFA devices (${ALICE} by aws.ok; ${BACKUP} by aws.other); tfw can hold one session per profile: use one mfa_serial`,
  ]);
});

test('a block with its own shared_credentials_files only: served on a role profile, unmanaged where those files would get in the way, saying why', () => {
  const own = (credentials: AwsFiles['credentials']): AwsFiles => ({ ...F, credentialsPaths: ['/own/credentials'], credentials });
  const decide = (over: Partial<AuthTarget>, ownCredentials: AwsFiles['credentials']) =>
    decideAuth([target('aws.own', { sharedCredentialsFiles: ['/own/credentials'], ...over }), target('aws.plain', { profile: 'role' })], (t) => (t.sharedCredentialsFiles ? own(ownCredentials) : F), {}).plan;
  const served = decide({ profile: 'role' }, { source: KEYS });
  assert.deepEqual(served.targets[0]!.decision, { action: 'mfa', root: 'source', serial: ALICE, found: { from: 'chain', on: ['role'] } });
  assert.deepEqual(served.devices.map((d) => d.targets), [['aws.own', 'aws.plain']], 'one device, one code for both');
  const causes = (p: ReturnType<typeof decide>) => [p.targets[0]!.decision, p.targets[0]!.reason];
  const [root, rootWhy] = causes(decide({ profile: 'vault' }, { vault: { ...KEYS, aws_access_key_id: 'AKIAEXAMPLE000000003' } }));
  assert.deepEqual(root, { action: 'unmanaged', cause: { cause: 'own-credentials-root', root: 'vault' }, serial: ALICE });
  assert.match(rootWhy as string, /hold the keys of "vault"/);
  assert.deepEqual(causes(decide({ profile: 'role' }, { source: KEYS, role: { region: 'us-east-1' } }))[0], { action: 'unmanaged', cause: { cause: 'own-credentials-shadow', profile: 'role' }, serial: ALICE });
  assert.deepEqual(causes(decide({ profile: 'role' }, { source: { ...KEYS, aws_access_key_id: 'AKIAEXAMPLE000000009' } }))[0], { action: 'unmanaged', cause: { cause: 'own-credentials-other-keys', root: 'source' }, serial: ALICE });
  assert.deepEqual(causes(decide({ profile: 'role' }, { source: KEYS, 'tfw-session-source': KEYS }))[0], { action: 'unmanaged', cause: { cause: 'own-credentials-shadow', profile: 'tfw-session-source' }, serial: ALICE });
  // Own config files too: the per-run config cannot reach it either (unchanged).
  assert.equal(decide({ profile: 'role', sharedConfigFiles: ['/own/config'] }, { source: KEYS }).targets[0]!.decision.action, 'unmanaged');
});

test('the per-run files of a served block with its own credentials files: the session in the config under its own profile, the role sourced from it', () => {
  const own: AwsFiles = { ...F, credentialsPaths: ['/own/credentials'], credentials: { source: KEYS } };
  const { plan } = decideAuth([target('aws.own', { profile: 'role', sharedCredentialsFiles: ['/own/credentials'] })], (t) => (t.sharedCredentialsFiles ? own : F), {});
  const session = { accessKeyId: 'ASIASESSION000000001', secretAccessKey: 'session-secret', sessionToken: 'session-token', expiration: new Date(Date.now() + 3600_000) };
  const out = generateFiles(plan, F, new Map([[plan.devices[0]!.id, session]]));
  assert.match(out.config, /\[profile role\]\nsource_profile = tfw-session-source\nrole_arn = arn:aws:iam::2:role\/r\n\n/, 'no mfa_serial left on the served role');
  assert.match(out.config, /\[profile tfw-session-source\]\naws_access_key_id = ASIASESSION000000001\naws_secret_access_key = session-secret\naws_session_token = session-token\n/);
  assert.doesNotMatch(out.config + out.credentials, new RegExp(`= ${KEYS.aws_secret_access_key}\n`), 'the long-term secret is not copied');
});
