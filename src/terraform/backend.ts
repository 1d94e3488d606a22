// The AuthTarget of the S3 backend. For `init` its settings are the backend
// block plus -backend-config (file or key=value, later wins); an `init`
// without -backend-config on a partial block reuses what the last init
// recorded (measured with terraform 1.11: `backend "s3" {}` + a second plain
// `terraform init` authenticates with the recorded profile). For every other
// command terraform uses what init recorded in .terraform/terraform.tfstate,
// so that wins when present.
import { join } from 'node:path';
import type { AuthTarget, BackendConfigArg, ReadProblem, SourceRef } from '../model.ts';
import type { Block } from './hcl/ast.ts';
import { parseExpression, parseHcl } from './hcl/parser.ts';
import { argumentPath, displayPath, type ReadResult } from './files.ts';
import { problem, syntaxReason } from './problems.ts';
import { emptyScope, type Scope } from './eval/scope.ts';
import { evaluateSafely } from './eval/evaluate.ts';
import { fromJson, isObject, isUnknown, type Value } from './eval/value.ts';
import {
  ASSUME_ROLE_NAMES, FieldReader, blockSettings, commonFields, layered, objectSettings, readAssumeRole,
  type PathContext, type Setting, type Settings,
} from './settings.ts';

export const BACKEND_NAME = 'backend "s3"';

export interface BackendInput {
  backend: Block | undefined;
  scope: Scope;
  command: string;
  backendConfig: BackendConfigArg[];
  /** Terraform's data dir (TF_DATA_DIR, default <dir>/.terraform). */
  dataDir: string;
  cwd: string;
  ctx: PathContext;
  /** The gathered files, by absolute path (gather.ts): nothing is read here. */
  files: ReadonlyMap<string, ReadResult>;
}

/** Backend attributes whose -backend-config=KEY=VALUE value is an HCL expression, not a string. */
const STRUCTURED_KEYS = new Set([
  'assume_role', 'assume_role_with_web_identity', 'shared_config_files', 'shared_credentials_files',
  'allowed_account_ids', 'forbidden_account_ids', 'endpoints',
]);

export function backendTarget(input: BackendInput): { target?: AuthTarget; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const fileBlock = input.backend && input.backend.labels[0] === 's3' ? input.backend : undefined;
  const blockSource = fileBlock ? { file: fileBlock.file, line: fileBlock.line } : undefined;

  if (input.command !== 'init') {
    const recorded = readRecordedBackend(input, problems);
    if (recorded) {
      if (recorded.type !== 's3') return { problems };
      const source = blockSource ?? recorded.source;
      return { target: buildTarget(objectSettings(recorded.config, recorded.source), source, input.ctx), problems };
    }
  }
  if (!fileBlock || !blockSource) return { problems };
  let get = blockSettings(fileBlock.body, input.scope);
  if (input.command === 'init') {
    if (input.backendConfig.length > 0) {
      const overlay = backendConfigOverlay(input, problems);
      get = layered((name) => overlay.get(name), get);
    } else {
      // The block's own attributes win; what it leaves out comes from the last init.
      const recorded = readRecordedBackend(input, problems);
      if (recorded?.type === 's3') get = layered(get, objectSettings(recorded.config, recorded.source));
    }
  }
  const target = buildTarget(get, blockSource, input.ctx, fileBlock, input.scope);
  return { target, problems };
}

function buildTarget(get: Settings, source: SourceRef, ctx: PathContext, block?: Block, scope: Scope = emptyScope()): AuthTarget {
  const reader = new FieldReader();
  const fields = commonFields(get, reader, ctx);
  if (!fields.sharedCredentialsFiles) {
    // The legacy single-file attribute.
    const legacy = reader.paths((n) => {
      const s = get(n === 'shared_credentials_files' ? 'shared_credentials_file' : n);
      return s && typeof s.value === 'string' ? { ...s, value: [s.value] } : s;
    }, 'shared_credentials_files', ctx);
    if (legacy) fields.sharedCredentialsFiles = legacy;
  }
  const assumeRoles = [];
  const obj = get('assume_role');
  if (obj && obj.value !== null) {
    // Terraform 1.6+: assume_role = { role_arn = … }
    const hop = readAssumeRole(objectOrUnknown(obj, reader), obj.source, reader.child('assume_role.'));
    if (hop) assumeRoles.push(hop);
  } else if (block?.body.blocks.some((b) => b.type === 'assume_role')) {
    // Tolerated block form (as the provider writes it).
    for (const b of block.body.blocks.filter((x) => x.type === 'assume_role')) {
      const hop = readAssumeRole(blockSettings(b.body, scope), { file: b.file, line: b.line }, reader.child('assume_role.'));
      if (hop) assumeRoles.push(hop);
    }
  } else {
    // Legacy top-level attributes (removed in Terraform 1.10, still accepted by OpenTofu).
    const role = get('role_arn');
    const hop = readAssumeRole(get, role?.source ?? source, reader, { ...ASSUME_ROLE_NAMES, duration: 'assume_role_duration_seconds', durationSeconds: undefined });
    if (hop) assumeRoles.push(hop);
  }
  const web = get('assume_role_with_web_identity');
  const webIdentity = !!web && web.value !== null && isObject(web.value);
  return { kind: 'backend', name: BACKEND_NAME, source, ...fields, assumeRoles, webIdentity, unknowns: reader.unknowns, ...(reader.sensitive.length > 0 ? { sensitiveValues: reader.sensitive } : {}) };
}

/** The settings of an object-valued attribute; an unknown or non-object value is reported once. */
function objectOrUnknown(s: Setting, reader: FieldReader): Settings {
  if (isObject(s.value)) return objectSettings(s.value, s.source, s.sensitive);
  const reason = isUnknown(s.value) ? s.value.reason : 'expected an object';
  reader.unknown('assume_role', s.source, reason);
  return () => undefined;
}

/** -backend-config arguments in command-line order; later ones win. */
function backendConfigOverlay(input: BackendInput, problems: ReadProblem[]): Map<string, Setting> {
  const overlay = new Map<string, Setting>();
  for (const arg of input.backendConfig) {
    if (arg.kind === 'kv') {
      const eq = arg.value.indexOf('=');
      if (eq <= 0) {
        problems.push(problem({ file: '-backend-config', line: 1 }, { kind: 'bad-backend-config', arg: arg.value }));
        continue;
      }
      const key = arg.value.slice(0, eq).trim();
      const raw = arg.value.slice(eq + 1);
      const source = { file: '-backend-config', line: 1 };
      overlay.set(key, { value: STRUCTURED_KEYS.has(key) ? structuredValue(raw) : raw, source });
      continue;
    }
    const path = argumentPath(input.ctx.dir, arg.value);
    const label = displayPath(path, input.cwd);
    const r = gathered(input, path);
    if (!r.ok) {
      problems.push(problem({ file: label, line: 1 }, { kind: 'file', path: label, failure: r.failure }));
      continue;
    }
    const parsed = parseHcl(r.text, label);
    if (!parsed.ok) {
      problems.push(problem({ file: label, line: parsed.error.line }, syntaxReason(label, parsed.error)));
      continue;
    }
    for (const a of parsed.value.attributes) {
      overlay.set(a.name, { value: evaluateSafely(a.expr, emptyScope()), source: { file: label, line: a.line } });
    }
  }
  return overlay;
}

function structuredValue(raw: string): Value {
  const parsed = parseExpression(raw, '-backend-config');
  return parsed.ok ? evaluateSafely(parsed.value, emptyScope()) : raw;
}

interface Recorded {
  type: string;
  config: Value;
  source: SourceRef;
}

function readRecordedBackend(input: BackendInput, problems: ReadProblem[]): Recorded | undefined {
  const path = join(input.dataDir, 'terraform.tfstate');
  const label = displayPath(path, input.cwd);
  const r = gathered(input, path);
  if (!r.ok) {
    // No recorded backend (never initialised) is not a problem.
    if (r.failure.reason !== 'missing' && r.failure.reason !== 'not-a-directory') problems.push(problem({ file: label, line: 1 }, { kind: 'file', path: label, failure: r.failure }));
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(r.text);
  } catch (e) {
    problems.push(problem({ file: label, line: 1 }, { kind: 'invalid-state', path: label, message: (e as Error).message }));
    return undefined;
  }
  const backend = (json as { backend?: { type?: unknown; config?: unknown } } | null)?.backend;
  if (!backend || typeof backend.type !== 'string') return undefined;
  return { type: backend.type, config: fromJson(backend.config ?? {}), source: { file: label, line: 1 } };
}

function gathered(input: BackendInput, path: string): ReadResult {
  const r = input.files.get(path);
  if (!r) throw new Error(`${path} was not gathered`);
  return r;
}
