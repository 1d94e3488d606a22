// Bad input for the AWS config/credentials reading path (issue 8): arbitrary
// text, odd sections and keys, prototype names, and source_profile graphs of
// any shape. Reading never throws and never touches a shared object; planning
// either succeeds or fails with one ConfigError naming the profiles.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { configSections, parseIni } from '../../src/aws/ini.ts';
import { loadAwsFiles, profileNames } from '../../src/aws/files.ts';
import { resolveChain } from '../../src/aws/chains.ts';
import { planAuth } from '../../src/aws/plan.ts';
import { generateFiles } from '../../src/aws/materialize.ts';
import { ConfigError, isTfwError } from '../../src/errors.ts';
import type { AuthTarget } from '../../src/model.ts';
import type { AwsFiles, SessionCredentials } from '../../src/aws/types.ts';

const PROTO_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__', 'prototype', 'polluted'];
const NAMES = ['default', 'a', 'b', 'dev-admin', 'x.y', 'x y', 'p@q', 'é', '', ' ', ...PROTO_NAMES];
const KEYS = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'role_arn', 'source_profile', 'mfa_serial', 'region', 'credential_source', 'sso_session', 's3', 'x', ...PROTO_NAMES];

/** Lines of a shared file, the odd ones included: `[profile ]`, `[ profile x ]`, keys without `=`, duplicates, sub-sections, comments. */
const line = fc.oneof(
  fc.constantFrom(...NAMES).map((n) => `[${n}]`),
  fc.tuple(fc.constantFrom('profile', 'sso-session', 'services', 'Profile', 'profile\t'), fc.constantFrom(...NAMES), fc.constantFrom('', '"', "'")).map(([p, n, q]) => `[${p} ${q}${n}${q}]`),
  fc.constantFrom('[profile ]', '[ profile x ]', '[profile  x]', '[]', '[', ']', '[[x]]', '[profile x] # c', '[profile x', 'profile x]'),
  fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom('=', ' = ', '=\t', ' '), fc.oneof(fc.constantFrom('v', 'arn:aws:iam::1:mfa/u', 'a', 'b', '', '# c', 'x ; y', '=', 'AKIAX'), fc.constantFrom(...NAMES))).map(([k, eq, v]) => `${k}${eq}${v}`),
  fc.tuple(fc.constantFrom('  ', '\t'), fc.constantFrom(...KEYS), fc.constantFrom('v', 'w')).map(([ind, k, v]) => `${ind}${k} = ${v}`),
  fc.constantFrom('', '# comment', '; comment', 'key-without-equals', '= value-without-key', '\ufeff[default]', '\u0000', '\ufffd\ufffd'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
);
const iniText = fc.tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n')).map(([ls, nl]) => ls.join(nl));

/** Own properties of the shared built-ins a `map[name] ||= {}` on a plain object can reach. */
function builtinsSnapshot(): string {
  const targets: Array<[string, object]> = [['Object', Object], ['Object.prototype', Object.prototype], ['Function.prototype', Function.prototype]];
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const v = (Object.prototype as Record<string, unknown>)[name];
    if (typeof v === 'function') targets.push([`Object.prototype.${name}`, v]);
  }
  return JSON.stringify(targets.map(([n, o]) => [n, Object.getOwnPropertyNames(o).sort()]));
}

function assertNoPollution(before: string): void {
  assert.equal(builtinsSnapshot(), before, 'a shared built-in gained a property');
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
  assert.equal((({}) as Record<string, unknown>).aws_access_key_id, undefined);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
}

const plain = (x: unknown): unknown => JSON.parse(JSON.stringify(x));

test('property: tfw reads a shared file exactly as the AWS SDK does (differential, prototype names aside)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-ini-'));
  const file = join(dir, 'f');
  try {
    await fc.assert(
      fc.asyncProperty(iniText, async (text) => {
        // The SDK writes [constructor] & co. onto built-ins and refuses __proto__: those differ by design.
        fc.pre(!PROTO_NAMES.some((n) => text.includes(n)));
        writeFileSync(file, text);
        const sdk = await loadSharedConfigFiles({ configFilepath: file, filepath: file, ignoreCache: true });
        const ours = parseIni(text);
        assert.deepEqual(plain(ours.sections), plain(sdk.credentialsFile), 'credentials');
        assert.deepEqual(plain(configSections(ours.sections)), plain(sdk.configFile), 'config');
      }),
      { numRuns: 1500 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('property: any config and credentials text (__proto__, constructor, duplicates, junk) loads without an exception or a polluted prototype', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-ini-'));
  const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  const before = builtinsSnapshot();
  try {
    await fc.assert(
      fc.asyncProperty(iniText, iniText, async (config, credentials) => {
        writeFileSync(env.AWS_CONFIG_FILE, config);
        writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, credentials);
        const files = await loadAwsFiles({ env });
        assertNoPollution(before);
        for (const sections of [files.config, files.credentials, files.ssoSessions, files.otherSections]) {
          assert.equal(Object.getPrototypeOf(sections), Object.prototype);
          for (const [name, section] of Object.entries(sections)) {
            assert.notEqual(name, '__proto__');
            for (const v of Object.values(section)) assert.equal(typeof v, 'string', `${name}: a string value`);
          }
        }
        for (const p of files.problems ?? []) assert.match(p, new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(config|credentials):\\d+: `));
        planEveryProfile(files);
        assertNoPollution(before);
      }),
      { numRuns: 1000 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('[constructor] in ~/.aws/config no longer lends its keys to [constructor] in ~/.aws/credentials, nor to the global Object', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-ini-'));
  const env = { HOME: dir, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  const before = builtinsSnapshot();
  try {
    writeFileSync(env.AWS_CONFIG_FILE, '[constructor]\naws_access_key_id = AKIAFROMCONFIG000001\n[profile toString]\nregion = eu-west-1\n[profile __proto__]\nregion = evil\n');
    writeFileSync(env.AWS_SHARED_CREDENTIALS_FILE, '[constructor]\naws_secret_access_key = secret\n[valueOf]\nx = 1\n');
    const files = await loadAwsFiles({ env });
    assertNoPollution(before);
    assert.deepEqual(plain(files.credentials), { constructor: { aws_secret_access_key: 'secret' }, valueOf: { x: '1' } });
    assert.deepEqual(plain(files.config), { toString: { region: 'eu-west-1' } });
    assert.deepEqual(files.problems, [`${env.AWS_CONFIG_FILE}:5: section [profile __proto__] ignored: "__proto__" cannot be a profile name for the AWS SDK`]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const target = (profile: string): AuthTarget => ({
  kind: 'provider', name: `aws.${profile || 'empty'}`, source: { file: 'main.tf', line: 1 }, profile,
  assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [],
});

/** Plans (and, when it works, writes the per-run files for) every profile of the files: a result or a TfwError, nothing else. */
function planEveryProfile(files: AwsFiles): void {
  for (const name of [...profileNames(files), 'default', 'missing']) {
    try {
      const plan = planAuth([target(name)], () => files, {});
      const now = Date.now();
      const sessions = new Map<string, SessionCredentials>(plan.devices.map((d) => [d.id, { accessKeyId: 'ASIAX', secretAccessKey: 's', sessionToken: 't', expiration: new Date(now + 3600_000) }]));
      const out = generateFiles(plan, files, sessions);
      assert.equal(typeof out.config, 'string');
    } catch (e) {
      assert.ok(isTfwError(e), `not a TfwError: ${(e as Error).stack}`);
    }
  }
}

test('property: chains over any source_profile graph end, or fail with one ConfigError naming a real loop', () => {
  const N = 6;
  const names = ['a', 'b', 'c', 'constructor', '__proto__x', 'toString'];
  const profile = fc.record({
    source: fc.option(fc.nat({ max: N - 1 }), { nil: undefined }),
    role: fc.boolean(),
    keys: fc.boolean(),
    credentialSource: fc.boolean(),
    mfa: fc.option(fc.constantFrom('arn:aws:iam::1:mfa/a', 'arn:aws:iam::1:mfa/b'), { nil: undefined }),
    inCredentials: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(profile, { minLength: N, maxLength: N }), fc.nat({ max: N - 1 }), (graph, start) => {
      const config: Record<string, Record<string, string>> = {};
      const credentials: Record<string, Record<string, string>> = {};
      graph.forEach((p, i) => {
        const s: Record<string, string> = {};
        if (p.role) s.role_arn = `arn:aws:iam::1:role/${names[i]}`;
        if (p.source !== undefined) s.source_profile = names[p.source]!;
        if (p.credentialSource) s.credential_source = 'Environment';
        if (p.mfa) s.mfa_serial = p.mfa;
        config[names[i]!] = s;
        if (p.keys) (p.inCredentials ? credentials : config)[names[i]!] = { ...(p.inCredentials ? {} : s), aws_access_key_id: 'AKIAX', aws_secret_access_key: 'k' };
      });
      const files: AwsFiles = { configPaths: ['/c'], credentialsPaths: ['/k'], config, credentials, ssoSessions: {}, otherSections: {} };
      let chain;
      try {
        chain = resolveChain(files, names[start]!);
      } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        const m = /^profile loop in the AWS config: (.+)$/.exec(e.message);
        assert.ok(m, e.message);
        const loop = m[1]!.split(' → ');
        assert.equal(loop[0], names[start]);
        assert.ok(loop.slice(0, -1).includes(loop[loop.length - 1]!), 'the last name closes a loop');
        for (let i = 0; i + 1 < loop.length; i++) assert.equal(config[loop[i]!]?.source_profile, loop[i + 1], 'each step follows source_profile');
        // Planned for a provider, the same loop names the provider, the profiles and the files.
        assert.throws(() => planAuth([target(names[start]!)], () => files, {}), (err: Error) => err instanceof ConfigError && err.message.includes(m[1]!) && err.message.includes('/c'));
        return;
      }
      assert.ok(chain.length >= 1 && chain.length <= 2 * N, `${chain.length} hops`);
      assert.equal(chain[0]!.profile, names[start]);
    }),
    { numRuns: 3000 },
  );
});

test('a source_profile chain longer than 64 profiles is one ConfigError naming its start, not minutes of walking', () => {
  const config: Record<string, Record<string, string>> = {};
  for (let i = 0; i < 100_000; i++) config[`p${i}`] = { role_arn: 'arn:aws:iam::1:role/r', source_profile: `p${i + 1}` };
  config.p100000 = { aws_access_key_id: 'AKIAX', aws_secret_access_key: 'k' };
  const files: AwsFiles = { configPaths: ['/c'], credentialsPaths: [], config, credentials: {}, ssoSessions: {}, otherSections: {} };
  assert.throws(() => resolveChain(files, 'p0'), (e: Error) => e instanceof ConfigError && /longer than 64 profiles.*p0 → p1/.test(e.message));
  assert.equal(resolveChain(files, 'p99940').length, 61);
  assert.throws(() => planAuth([target('p0')], () => files, {}), (e: Error) => e instanceof ConfigError && e.message.includes('/c'));
});
