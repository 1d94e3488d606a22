// Turning evaluated attributes into the fields of an AuthTarget. Both the
// provider and the backend describe themselves as "settings" (a lookup by
// attribute name), whether the values come from HCL, an object attribute or
// the JSON that `terraform init` recorded.
import { isAbsolute, resolve } from 'node:path';
import type { AssumeRoleSetting, AuthTarget, SourceRef, UnknownSetting } from '../model.ts';
import type { Body } from './hcl/ast.ts';
import type { Scope } from './eval/scope.ts';
import { evaluateSafely } from './eval/evaluate.ts';
import { MarkAnalysis } from './eval/marks.ts';
import { hasKey, isObject, isUnknown, toStr, typeName, type Value } from './eval/value.ts';
import { parseDuration } from './duration.ts';

export interface Setting {
  value: Value;
  source: SourceRef;
  /** Terraform may mark the value sensitive (eval/marks.ts): it is not to be shown. */
  sensitive?: boolean;
}
export type Settings = (name: string) => Setting | undefined;

/** Attributes of a block, evaluated on demand. */
export function blockSettings(body: Body, scope: Scope): Settings {
  return (name) => {
    const a = body.attributes.find((x) => x.name === name);
    if (!a) return undefined;
    const setting: Setting = { value: evaluateSafely(a.expr, scope), source: { file: a.file, line: a.line } };
    if (new MarkAnalysis(scope.marks, new Set(scope.iterators?.keys())).mark(a.expr) !== false) setting.sensitive = true;
    return setting;
  };
}

/** Keys of an object value (the backend's `assume_role = {…}`, recorded JSON). */
export function objectSettings(value: Value, source: SourceRef, sensitive?: boolean): Settings {
  return (name) => (isObject(value) && hasKey(value, name) ? { value: value[name]!, source, ...(sensitive ? { sensitive } : {}) } : undefined);
}

/** The first source that has the attribute wins (overlays before the block). */
export function layered(...layers: Settings[]): Settings {
  return (name) => {
    for (const l of layers) {
      const s = l(name);
      if (s) return s;
    }
    return undefined;
  };
}

export interface PathContext {
  /** $HOME of the environment terraform gets, for `~`. */
  home: string | undefined;
  /** Terraform's working directory: relative paths in settings are relative to it. */
  dir: string;
}

/** Collects the UnknownSettings of one target while its fields are read. */
export class FieldReader {
  readonly unknowns: UnknownSetting[] = [];
  /** Values read from settings terraform may mark sensitive. */
  readonly sensitive: string[] = [];

  constructor(private readonly prefix = '') {}

  child(prefix: string): FieldReader {
    const r = new FieldReader(this.prefix + prefix);
    // Share the lists so nested readers report into the target.
    (r as { unknowns: UnknownSetting[] }).unknowns = this.unknowns;
    (r as { sensitive: string[] }).sensitive = this.sensitive;
    return r;
  }

  unknown(attribute: string, source: SourceRef, reason: string): void {
    this.unknowns.push({ attribute: this.prefix + attribute, source, reason });
  }

  string(get: Settings, name: string): string | undefined {
    const s = get(name);
    if (!s || s.value === null) return undefined;
    if (isUnknown(s.value)) return this.unknown(name, s.source, s.value.reason), undefined;
    try {
      const text = toStr(s.value, name);
      if (s.sensitive) this.sensitive.push(text);
      return text;
    } catch {
      return this.unknown(name, s.source, `expected a string, found a ${typeName(s.value)}`), undefined;
    }
  }

  stringList(get: Settings, name: string): string[] | undefined {
    const s = get(name);
    if (!s || s.value === null) return undefined;
    const v = s.value;
    if (isUnknown(v)) return this.unknown(name, s.source, v.reason), undefined;
    if (!Array.isArray(v)) return this.unknown(name, s.source, `expected a list of strings, found a ${typeName(v)}`), undefined;
    const out: string[] = [];
    for (const item of v) {
      if (isUnknown(item)) return this.unknown(name, s.source, item.reason), undefined;
      if (typeof item !== 'string') return this.unknown(name, s.source, `expected a list of strings, found a ${typeName(item)} in it`), undefined;
      out.push(item);
    }
    if (s.sensitive) this.sensitive.push(...out);
    return out;
  }

  /** Set to something other than null / "" (unknown counts as unset, and is reported). */
  present(get: Settings, name: string): boolean {
    const s = get(name);
    if (!s || s.value === null || s.value === '') return false;
    if (isUnknown(s.value)) return this.unknown(name, s.source, s.value.reason), false;
    return true;
  }

  /** A duration string ("1h") or, for legacy attributes, a number of seconds. */
  seconds(get: Settings, name: string): number | undefined {
    const s = get(name);
    if (!s || s.value === null || s.value === '') return undefined;
    const v = s.value;
    if (isUnknown(v)) return this.unknown(name, s.source, v.reason), undefined;
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      const d = /^\d+$/.test(v) ? Number(v) : parseDuration(v);
      if (d !== undefined) return d;
      return this.unknown(name, s.source, `"${v}" is not a duration such as "1h" or "15m"`), undefined;
    }
    return this.unknown(name, s.source, `expected a duration, found a ${typeName(v)}`), undefined;
  }

  paths(get: Settings, name: string, ctx: PathContext): string[] | undefined {
    return this.stringList(get, name)?.map((p) => expandPath(p, ctx));
  }
}

/** `~` is $HOME; relative paths are relative to terraform's working directory. */
export function expandPath(p: string, ctx: PathContext): string {
  let out = p;
  if (ctx.home && (out === '~' || out.startsWith('~/'))) out = ctx.home + out.slice(1);
  return isAbsolute(out) ? out : resolve(ctx.dir, out);
}

/**
 * One assume_role hop; undefined when role_arn is unset (null or "": terraform
 * then assumes nothing). A role_arn known only during the plan still makes a
 * hop: what tfw needs is the identity that assumes it, not the role.
 */
export function readAssumeRole(get: Settings, source: SourceRef, reader: FieldReader, names = ASSUME_ROLE_NAMES): AssumeRoleSetting | undefined {
  const raw = get(names.roleArn);
  if (raw && isUnknown(raw.value)) {
    reader.unknown(names.roleArn, raw.source, raw.value.reason);
    return { roleArnUnknown: raw.value.reason, source: raw.source };
  }
  const roleArn = reader.string(get, names.roleArn);
  if (!roleArn) return undefined;
  const hop: AssumeRoleSetting = { roleArn, source };
  const sessionName = reader.string(get, names.sessionName);
  if (sessionName !== undefined) hop.sessionName = sessionName;
  const externalId = reader.string(get, names.externalId);
  if (externalId !== undefined) hop.externalId = externalId;
  const duration = reader.seconds(get, names.duration) ?? (names.durationSeconds ? reader.seconds(get, names.durationSeconds) : undefined);
  if (duration !== undefined) hop.durationSeconds = duration;
  return hop;
}

export const ASSUME_ROLE_NAMES = {
  roleArn: 'role_arn',
  sessionName: 'session_name',
  externalId: 'external_id',
  duration: 'duration',
  durationSeconds: 'duration_seconds' as string | undefined,
};

/** The fields every target shares: profile, region, files, static keys. */
export function commonFields(get: Settings, reader: FieldReader, ctx: PathContext): Omit<AuthTarget, 'kind' | 'name' | 'source' | 'assumeRoles' | 'webIdentity' | 'unknowns'> {
  const t: Omit<AuthTarget, 'kind' | 'name' | 'source' | 'assumeRoles' | 'webIdentity' | 'unknowns'> = { staticCredentials: false };
  const profile = reader.string(get, 'profile');
  if (profile !== undefined && profile !== '') t.profile = profile;
  const region = reader.string(get, 'region');
  if (region !== undefined && region !== '') t.region = region;
  const configFiles = reader.paths(get, 'shared_config_files', ctx);
  if (configFiles) t.sharedConfigFiles = configFiles;
  const credFiles = reader.paths(get, 'shared_credentials_files', ctx);
  if (credFiles) t.sharedCredentialsFiles = credFiles;
  t.staticCredentials = reader.present(get, 'access_key') && reader.present(get, 'secret_key');
  return t;
}
