// tfw's own settings, from the environment. Pure: env in, values out.
import { ConfigError } from './errors.ts';
import { truthy } from './log.ts';
import type { Env } from './model.ts';


const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `3600`, `90m`, `12h`, `1h30m` → seconds; undefined when not a duration. */
export function parseDuration(text: string): number | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+)([smhd])/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(t); m !== null; m = re.exec(t)) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]!]!;
    matched = re.lastIndex;
  }
  return matched === t.length && t.length > 0 ? total : undefined;
}

function durationSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const seconds = parseDuration(raw);
  if (seconds === undefined || seconds < min || seconds > max) {
    throw new ConfigError(`${name}=${raw} is not a duration between ${min}s and ${max}s (e.g. 12h, 90m, 3600)`);
  }
  return seconds;
}

export interface SessionSettings {
  /** GetSessionToken DurationSeconds (AWS allows 15 min to 36 h for an IAM user). */
  durationSeconds: number;
  /** A cached session with less than this left is renewed before the run. */
  marginSeconds: number;
  /** The setting that gave the margin, and what it asked for before the cap at half the session. */
  margin: { setting: 'TFW_APPLY_MARGIN' | 'TFW_SESSION_MARGIN'; requestedSeconds: number; capped: boolean };
  useCache: boolean;
}

// A long apply must not outlive its session: renew earlier for these.
const LONG_COMMANDS = new Set(['apply', 'destroy', 'import', 'test']);

export function sessionSettings(env: Env, command: string | undefined): SessionSettings {
  const durationSeconds = durationSetting(env, 'TFW_SESSION_DURATION', 12 * 3600, 900, 129600);
  const long = command !== undefined && LONG_COMMANDS.has(command);
  const margin = long
    ? durationSetting(env, 'TFW_APPLY_MARGIN', 3600, 0, 129600)
    : durationSetting(env, 'TFW_SESSION_MARGIN', 15 * 60, 0, 129600);
  // A margin as long as the session would renew on every run: keep half of it usable.
  const marginSeconds = Math.min(margin, Math.floor(durationSeconds / 2));
  return {
    durationSeconds,
    marginSeconds,
    margin: { setting: long ? 'TFW_APPLY_MARGIN' : 'TFW_SESSION_MARGIN', requestedSeconds: margin, capped: marginSeconds < margin },
    useCache: !truthy(env.TFW_NO_CACHE),
  };
}

export interface StsTimeouts {
  /** ms to establish a connection. */
  connectionTimeoutMs: number;
  /** ms a request may wait for STS's answer. */
  requestTimeoutMs: number;
}

/** TFW_STS_TIMEOUT: how long tfw waits for STS's answer (default 10 s); connecting gets at most 3 s of it. */
export function stsTimeouts(env: Env): StsTimeouts {
  const seconds = durationSetting(env, 'TFW_STS_TIMEOUT', 10, 1, 600);
  return { connectionTimeoutMs: Math.min(3, seconds) * 1000, requestTimeoutMs: seconds * 1000 };
}

/** The STS endpoint the SDKs would use ('' for AWS's own). */
export function stsEndpoint(env: Env): string {
  return env.AWS_ENDPOINT_URL_STS || env.AWS_ENDPOINT_URL || '';
}
