import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, sessionSettings, stsEndpoint, stsTimeouts } from '../src/settings.ts';
import { ConfigError } from '../src/errors.ts';

test('durations in seconds or with units', () => {
  assert.equal(parseDuration('3600'), 3600);
  assert.equal(parseDuration('12h'), 43200);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('15m'), 900);
  assert.equal(parseDuration('abc'), undefined);
  assert.equal(parseDuration('1x'), undefined);
  assert.equal(parseDuration(''), undefined);
});

test('session defaults: 12 h, 15 min margin, 1 h margin for apply', () => {
  assert.deepEqual(sessionSettings({}, 'plan'), { durationSeconds: 43200, marginSeconds: 900, margin: { setting: 'TFW_SESSION_MARGIN', requestedSeconds: 900, capped: false }, useCache: true });
  assert.equal(sessionSettings({}, 'apply').marginSeconds, 3600);
  assert.equal(sessionSettings({}, 'destroy').marginSeconds, 3600);
});

test('the session duration is the user\'s to set, and the margin never eats the whole session', () => {
  const s = sessionSettings({ TFW_SESSION_DURATION: '1h', TFW_APPLY_MARGIN: '2h' }, 'apply');
  assert.equal(s.durationSeconds, 3600);
  assert.equal(s.marginSeconds, 1800);
  assert.deepEqual(s.margin, { setting: 'TFW_APPLY_MARGIN', requestedSeconds: 7200, capped: true });
});

test('TFW_NO_CACHE=1 disables the cache', () => {
  assert.equal(sessionSettings({ TFW_NO_CACHE: '1' }, 'plan').useCache, false);
  assert.equal(sessionSettings({ TFW_NO_CACHE: '0' }, 'plan').useCache, true);
});

test('a bad duration is one clear error naming the variable', () => {
  assert.throws(() => sessionSettings({ TFW_SESSION_DURATION: '5m' }, 'plan'), (e: unknown) => e instanceof ConfigError && /TFW_SESSION_DURATION=5m/.test(e.message));
  assert.throws(() => sessionSettings({ TFW_SESSION_DURATION: 'soon' }, 'plan'), ConfigError);
});

test('STS endpoint: the service-specific variable wins over the generic one', () => {
  assert.equal(stsEndpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_STS: 'http://b' }), 'http://b');
  assert.equal(stsEndpoint({ AWS_ENDPOINT_URL: 'http://a' }), 'http://a');
  assert.equal(stsEndpoint({}), '');
});

test('TFW_STS_TIMEOUT: how long to wait for STS (default 10 s; connecting gets at most 3 s); nonsense is one line', () => {
  assert.deepEqual(stsTimeouts({}), { connectionTimeoutMs: 3000, requestTimeoutMs: 10000 });
  assert.deepEqual(stsTimeouts({ TFW_STS_TIMEOUT: '1' }), { connectionTimeoutMs: 1000, requestTimeoutMs: 1000 });
  assert.deepEqual(stsTimeouts({ TFW_STS_TIMEOUT: '1m' }), { connectionTimeoutMs: 3000, requestTimeoutMs: 60000 });
  assert.throws(() => stsTimeouts({ TFW_STS_TIMEOUT: 'soon' }), (e: unknown) => e instanceof ConfigError && /TFW_STS_TIMEOUT=soon is not a duration/.test(e.message));
  assert.throws(() => stsTimeouts({ TFW_STS_TIMEOUT: '0' }), ConfigError);
});
