// `tfw auth explain`: the auth plan of a root module, as a stable JSON shape
// for scripts and as text for people. Pure: the plan and cache states in,
// a value or text out.
import type { AuthPlan, TargetPlan } from '../aws/types.ts';
import type { ModuleAuth } from '../model.ts';
import { formatLeft } from '../prepare.ts';
import { printable } from '../log.ts';
import { terraformStopsOn } from '../terraform/problems.ts';

export type CacheState =
  | { state: 'valid'; expiresAt: Date }
  | { state: 'expiring'; expiresAt: Date }
  | { state: 'expired'; expiresAt: Date }
  | { state: 'missing' }
  | { state: 'disabled' };

/** The documented JSON shape (docs/explain-json.md); `version` changes on any incompatible change. */
export interface ExplainJson {
  version: 1;
  module: string;
  /** pass-through: terraform runs untouched; materialize: per-run files, sessions from the cache or a prompt. */
  action: 'pass-through' | 'materialize';
  /** Devices whose code tfw would ask for (no valid cached session). */
  prompts: string[];
  targets: Array<{
    name: string;
    kind: 'backend' | 'provider';
    source: string;
    profile: string;
    chain: Array<{ profile: string; kind: string; roleArn?: string; mfaSerial?: string }>;
    /** null: an ARN known only during the plan (its file:line and why are in `unknowns`). */
    assumeRoles: Array<string | null>;
    action: TargetPlan['action'];
    /** Why a target is `none` or `unmanaged`, as a stable word (the decision's cause); absent for `mfa`. */
    cause?: string;
    device: string | null;
    reason: string;
    unknowns: Array<{ attribute: string; source: string; reason: string }>;
  }>;
  devices: Array<{
    serial: string;
    profile: string;
    region: string;
    codeSource: 'TFW_MFA_CODE' | 'mfa_process' | 'prompt';
    /** What calls GetSessionToken: the profile's keys, the exported keys, or the profile's credential_process. */
    keys: 'profile' | 'environment' | 'credential_process';
    targets: string[];
    cache: { state: CacheState['state']; expiresAt: string | null };
  }>;
  /** `kind`: the reason's kind (model.ts ReadReason); `terraformStops`: terraform stops on it too (a run asks no code). */
  problems: Array<{ source: string; kind: ModuleAuth['problems'][number]['reason']['kind']; terraformStops: boolean; message: string }>;
  /** Only with --find-device: the devices iam:ListMFADevices names for each identity without one. */
  deviceLookup?: DeviceLookup[];
}

export interface DeviceLookup {
  /** A profile, or "(environment keys)". */
  identity: string;
  devices: string[];
  problem?: string;
}

export interface ExplainInput {
  moduleDir: string;
  module: ModuleAuth;
  plan: AuthPlan;
  cache: Map<string, CacheState>;
  /** TFW_MFA_CODE is set. */
  envCode: boolean;
  deviceLookup?: DeviceLookup[];
}

export function explainJson(input: ExplainInput): ExplainJson {
  return hideSensitive(planJson(input), input.plan.targets.map((t) => t.target));
}

export const SENSITIVE_TEXT = '(sensitive value)';

/**
 * Every string in `value` equal to a value terraform marks sensitive (a
 * profile or role from a `sensitive = true` variable…) becomes "(sensitive
 * value)", as terraform shows it; inside a longer string, where it stands as a word.
 */
export function hideSensitive<T>(value: T, targets: readonly { sensitiveValues?: string[] }[]): T {
  const secret = new Set(targets.flatMap((t) => t.sensitiveValues ?? []).filter((s) => s !== ''));
  if (secret.size === 0) return value;
  const words = [...secret].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const inside = new RegExp(`(?<![\\w-])(?:${words.join('|')})(?![\\w-])`, 'g');
  return JSON.parse(JSON.stringify(value), (_k, v: unknown) =>
    typeof v !== 'string' ? v : secret.has(v) ? SENSITIVE_TEXT : v.replace(inside, SENSITIVE_TEXT)) as T;
}

function planJson({ moduleDir, module, plan, cache, envCode, deviceLookup }: ExplainInput): ExplainJson {
  const serialOf = new Map(plan.devices.map((d) => [d.id, d.serial]));
  const devices = plan.devices.map((d, index) => {
    const c = cache.get(d.id) ?? { state: 'missing' as const };
    return {
      serial: d.serial,
      profile: d.rootProfile,
      region: d.region,
      keys: d.source.type === 'process' ? ('credential_process' as const) : d.source.from === 'environment' ? ('environment' as const) : ('profile' as const),
      // TFW_MFA_CODE belongs to the plan's first device (codes.ts: EnvCodeSource).
      codeSource: envCode && index === 0 ? ('TFW_MFA_CODE' as const) : d.mfaProcess ? ('mfa_process' as const) : ('prompt' as const),
      targets: [...d.targets],
      cache: { state: c.state, expiresAt: 'expiresAt' in c ? c.expiresAt.toISOString() : null },
    };
  });
  return {
    version: 1,
    module: moduleDir,
    action: plan.devices.length > 0 ? 'materialize' : 'pass-through',
    prompts: devices.filter((d) => d.cache.state !== 'valid').map((d) => d.serial),
    targets: plan.targets.map((t) => ({
      name: t.target.name,
      kind: t.target.kind,
      source: `${t.target.source.file}:${t.target.source.line}`,
      profile: t.profile,
      chain: t.chain.map((h) => ({
        profile: h.profile,
        kind: h.kind,
        ...('roleArn' in h ? { roleArn: h.roleArn } : {}),
        ...(h.mfaSerial ? { mfaSerial: h.mfaSerial } : {}),
      })),
      assumeRoles: t.target.assumeRoles.map((r) => r.roleArn ?? null),
      action: t.action,
      ...(t.decision.action !== 'mfa' ? { cause: t.decision.cause.cause } : {}),
      device: t.deviceId ? (serialOf.get(t.deviceId) ?? null) : null,
      reason: t.reason,
      unknowns: t.target.unknowns.map((u) => ({ attribute: u.attribute, source: `${u.source.file}:${u.source.line}`, reason: u.reason })),
    })),
    devices,
    problems: module.problems.map((p) => ({ source: `${p.source.file}:${p.source.line}`, kind: p.reason.kind, terraformStops: terraformStopsOn(p.reason), message: p.message })),
    ...(deviceLookup ? { deviceLookup } : {}),
  };
}

/** How to name a found device for one identity. */
function nameItHint(identity: string, serial: string): string {
  return identity === '(environment keys)'
    ? `export TFW_MFA_SERIAL=${serial}`
    : `add "mfa_serial = ${serial}" to [${identity === 'default' ? 'default' : `profile ${identity}`}] in the AWS config, or export TFW_MFA_SERIAL=${serial}`;
}

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  warn(s: string): string;
}

export const plainStyle: Style = { bold: (s) => s, dim: (s) => s, warn: (s) => s };

function cacheText(c: ExplainJson['devices'][number]['cache'], now: Date): string {
  const at = c.expiresAt ? new Date(c.expiresAt) : undefined;
  const left = at ? formatLeft(at.getTime() - now.getTime()) : '';
  switch (c.state) {
    case 'valid':
      return `cached session valid until ${at!.toISOString()} (${left} left)`;
    case 'expiring':
      return `cached session expires soon (${left} left): would be renewed before the run`;
    case 'expired':
      return 'cached session expired';
    case 'missing':
      return 'no cached session';
    case 'disabled':
      return 'cache disabled (TFW_NO_CACHE)';
  }
}

export function explainText(raw: ExplainJson, now: Date, style: Style = plainStyle): string {
  // Names, paths and reasons come from the module and the AWS files (a cloned
  // repository): their control characters must not reach the terminal.
  const json = JSON.parse(JSON.stringify(raw), (_k, v: unknown) => (typeof v === 'string' ? printable(v) : v)) as ExplainJson;
  const lines: string[] = [];
  lines.push(`${style.bold('Root module')} ${json.module}`);
  if (json.targets.length === 0) lines.push('  no provider "aws" block and no backend "s3"');
  for (const t of json.targets) {
    lines.push('');
    lines.push(`  ${style.bold(t.name)}  ${style.dim(t.source)}`);
    lines.push(`    profile   ${t.chain.map((h) => h.profile).join(' → ') || t.profile}`);
    const roles = [...t.chain.filter((h) => h.roleArn).map((h) => h.roleArn!).reverse(), ...t.assumeRoles.map((r) => r ?? '(known only during the plan)')];
    if (roles.length > 0) lines.push(`    role${roles.length > 1 ? 's ' : '  '}    ${roles.join(' → ')}`);
    if (t.device) lines.push(`    MFA       ${t.device}`);
    lines.push(`    tfw       ${t.action === 'unmanaged' ? style.warn(`cannot help: ${t.reason}`) : t.reason}`);
    for (const u of t.unknowns) lines.push(`    ${style.warn('unknown')}   ${u.attribute} at ${u.source}: ${u.reason}`);
  }
  if (json.devices.length > 0) {
    lines.push('');
    lines.push(style.bold('MFA devices'));
    for (const d of json.devices) {
      lines.push(`  ${d.serial}  via profile ${d.profile}${d.keys === 'credential_process' ? ' (keys from its credential_process)' : d.keys === 'environment' ? ' (exported keys)' : ''}, for ${d.targets.join(', ')}`);
      lines.push(`    ${cacheText(d.cache, now)}; code from ${d.codeSource}`);
    }
  }
  for (const p of json.problems) lines.push(style.warn(`  could not read ${p.source}: ${p.message}`));
  if (json.deviceLookup) {
    lines.push('');
    lines.push(style.bold('MFA devices found (iam:ListMFADevices)'));
    for (const l of json.deviceLookup) {
      if (l.problem) lines.push(`  ${l.identity}: ${style.warn(l.problem)}`);
      else if (l.devices.length === 0) lines.push(`  ${l.identity}: no MFA device`);
      for (const serial of l.devices) {
        lines.push(`  ${l.identity}: ${serial}`);
        lines.push(`    ${style.dim(nameItHint(l.identity, serial))}`);
      }
    }
  }
  lines.push('');
  if (json.action === 'pass-through') {
    lines.push('Run: terraform runs untouched (nothing needs MFA).');
  } else if (json.prompts.length === 0) {
    lines.push('Run: per-run AWS files from the cached session(s); no code needed.');
  } else {
    const how = json.devices
      .filter((d) => json.prompts.includes(d.serial))
      .map((d) => `${d.serial} (code from ${d.codeSource === 'prompt' ? 'a prompt' : d.codeSource})`);
    lines.push(`Run: gets an MFA session for ${how.join(', ')}, then runs terraform with per-run AWS files.`);
  }
  return `${lines.join('\n')}\n`;
}
