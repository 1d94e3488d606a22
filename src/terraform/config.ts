// A module's configuration: the parsed files merged the way terraform merges
// them (primary files in name order, then override files replacing
// attributes and same-type nested blocks). Pure: file texts in, config out.
import type { Attribute, Block, Body, Expr } from './hcl/ast.ts';
import { parseTfJson } from './hcl/json.ts';
import { parseHcl, type ParseResult } from './hcl/parser.ts';
import { isOverrideFile } from './files.ts';
import type { ReadProblem } from '../model.ts';
import { problem, syntaxReason } from './problems.ts';

export interface ConfigFile {
  /** File name, decides the syntax and whether it is an override file. */
  name: string;
  /** How the file is shown to the user (labels every node). */
  label: string;
  text: string;
}

export interface ModuleConfig {
  providers: Block[];
  /** The `backend` block inside `terraform {}`, whatever its type. */
  backend?: Block;
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  moduleCalls: Map<string, Block>;
  /** Local provider names bound to hashicorp/aws (always includes `aws`). */
  awsNames: Set<string>;
}

export function parseConfigFile(name: string, label: string, text: string): ParseResult<Body> {
  return name.endsWith('.json') ? parseTfJson(text, label) : parseHcl(text, label);
}

export function assembleModule(files: ConfigFile[]): { config: ModuleConfig; problems: ReadProblem[] } {
  const problems: ReadProblem[] = [];
  const config: ModuleConfig = { providers: [], variables: new Map(), locals: new Map(), moduleCalls: new Map(), awsNames: new Set(['aws']) };
  const primary = files.filter((f) => !isOverrideFile(f.name));
  const overrides = files.filter((f) => isOverrideFile(f.name));
  for (const f of primary) {
    const body = parse(f, problems);
    if (body) for (const b of body.blocks) addBlock(config, b);
  }
  for (const f of overrides) {
    const body = parse(f, problems);
    if (body) for (const b of body.blocks) overrideBlock(config, b, problems);
  }
  return { config, problems };
}

function parse(f: ConfigFile, problems: ReadProblem[]): Body | undefined {
  const r = parseConfigFile(f.name, f.label, f.text);
  if (r.ok) return r.value;
  problems.push(problem({ file: f.label, line: r.error.line }, syntaxReason(f.label, r.error)));
  return undefined;
}

function addBlock(config: ModuleConfig, b: Block): void {
  switch (b.type) {
    case 'provider':
      if (b.labels.length === 1) config.providers.push(b);
      break;
    case 'terraform':
      for (const inner of b.body.blocks) {
        if (inner.type === 'backend' && !config.backend) config.backend = inner;
        if (inner.type === 'required_providers') addRequiredProviders(config, inner);
      }
      break;
    case 'variable':
      if (b.labels[0] !== undefined && !config.variables.has(b.labels[0])) config.variables.set(b.labels[0], b);
      break;
    case 'locals':
      for (const a of b.body.attributes) if (!config.locals.has(a.name)) config.locals.set(a.name, a);
      break;
    case 'module':
      if (b.labels[0] !== undefined && !config.moduleCalls.has(b.labels[0])) config.moduleCalls.set(b.labels[0], b);
      break;
    default:
      break;
  }
}

function overrideBlock(config: ModuleConfig, b: Block, problems: ReadProblem[]): void {
  const label = b.labels[0];
  switch (b.type) {
    case 'provider': {
      const alias = aliasOf(b);
      const i = config.providers.findIndex((p) => p.labels[0] === label && aliasOf(p) === alias);
      if (i < 0) {
        problems.push(problem({ file: b.file, line: b.line }, { kind: 'override-without-original', provider: label ?? '', ...(alias ? { alias } : {}) }));
        return;
      }
      config.providers[i] = mergeBlocks(config.providers[i]!, b);
      return;
    }
    case 'terraform':
      for (const inner of b.body.blocks) {
        // An override backend (or cloud) replaces the original backend entirely.
        if (inner.type === 'backend') config.backend = inner;
        if (inner.type === 'cloud') delete config.backend;
        if (inner.type === 'required_providers') addRequiredProviders(config, inner);
      }
      return;
    case 'variable':
    case 'module': {
      const map = b.type === 'variable' ? config.variables : config.moduleCalls;
      const orig = label === undefined ? undefined : map.get(label);
      if (orig && label !== undefined) map.set(label, mergeBlocks(orig, b));
      return;
    }
    case 'locals':
      for (const a of b.body.attributes) config.locals.set(a.name, a);
      return;
    default:
      return;
  }
}

/** Terraform's override merge: attributes replace by name; nested blocks of a type present in the override replace all originals of that type. */
export function mergeBlocks(base: Block, over: Block): Block {
  const attrs = new Map(base.body.attributes.map((a) => [a.name, a]));
  for (const a of over.body.attributes) attrs.set(a.name, a);
  const overTypes = new Set(over.body.blocks.map((x) => x.type));
  const blocks = [...base.body.blocks.filter((x) => !overTypes.has(x.type)), ...over.body.blocks];
  return { ...base, body: { attributes: [...attrs.values()], blocks } };
}

/** The alias as written (aliases must be literal in terraform). */
export function aliasOf(b: Block): string | undefined {
  const a = b.body.attributes.find((x) => x.name === 'alias');
  return a ? literalString(a.expr) : undefined;
}

export function literalString(e: Expr): string | undefined {
  if (e.kind === 'literal' && typeof e.value === 'string') return e.value;
  return undefined;
}

/** `aws = { source = "hashicorp/aws" }` — also catches another local name bound to the AWS provider. */
function addRequiredProviders(config: ModuleConfig, b: Block): void {
  for (const a of b.body.attributes) {
    if (a.expr.kind !== 'object') continue;
    const source = a.expr.items.find((i) => i.key.kind === 'literal' && i.key.value === 'source');
    const s = source ? literalString(source.value) : undefined;
    if (s && /^((registry\.terraform\.io|registry\.opentofu\.org)\/)?hashicorp\/aws$/i.test(s)) config.awsNames.add(a.name);
  }
}
