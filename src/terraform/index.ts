// The terraform configuration reader: every `provider "aws"` and the
// `backend "s3"` of the root module (and of local child modules), with their
// auth settings evaluated as far as tfw can. Bad input never throws: it
// becomes a ReadProblem and the rest is still read.
import { realpathSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { AuthTarget, ModuleAuth, ReadModuleOptions, ReadProblem } from '../model.ts';
import { backendTarget } from './backend.ts';
import type { ModuleConfig } from './config.ts';
import { displayPath, readTextFile } from './files.ts';
import { loadModule } from './load.ts';
import { providerTargets, type ProviderScope } from './providers.ts';
import { moduleScope } from './scope.ts';
import { nodeFileAccess } from './eval/fileaccess.ts';
import type { PathContext } from './settings.ts';
import { rootAssignments, type Assignment } from './variables.ts';
import { parseExpression } from './hcl/parser.ts';
import { evaluateSafely } from './eval/evaluate.ts';
import { Unknown, type Value } from './eval/value.ts';

export type { ModuleAuth, ReadModuleOptions } from '../model.ts';

/** Child modules deeper than this are not followed (real trees are a few levels deep). */
const MAX_MODULE_DEPTH = 16;
/** Arguments of a module call that are not input variables. */
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

export async function readModuleAuth(opts: ReadModuleOptions): Promise<ModuleAuth> {
  try {
    return readSync(opts);
  } catch (e) {
    // A bug in tfw must not stop terraform from running: report it as a problem.
    return { targets: [], problems: [{ source: { file: displayPath(resolve(opts.cwd, opts.dir), opts.cwd), line: 1 }, message: `tfw could not read the configuration: ${(e as Error).message}` }] };
  }
}

interface ReadContext {
  rootDir: string;
  cwd: string;
  workspace: string;
  guard: { depth: number; steps?: number };
  paths: PathContext;
  targets: AuthTarget[];
  problems: ReadProblem[];
}

function readSync(opts: ReadModuleOptions): ModuleAuth {
  const rootDir = resolve(opts.cwd, opts.dir);
  const dataDir = opts.env.TF_DATA_DIR ? resolve(rootDir, opts.env.TF_DATA_DIR) : join(rootDir, '.terraform');
  const ctx: ReadContext = {
    rootDir,
    cwd: opts.cwd,
    workspace: currentWorkspace(opts.env, dataDir),
    guard: { depth: 0 },
    paths: { home: opts.env.HOME ?? opts.env.USERPROFILE, dir: rootDir },
    targets: [],
    problems: [],
  };
  const { config, problems } = loadModule(rootDir, opts.cwd);
  ctx.problems.push(...problems);
  const vars = rootAssignments({ dir: rootDir, cwd: opts.cwd, env: opts.env, vars: opts.vars });
  ctx.problems.push(...vars.problems);
  const scope = scopeFor(config, vars.assignments, '.', ctx);

  const backend = backendTarget({
    backend: config.backend,
    scope,
    command: opts.command,
    backendConfig: opts.backendConfig,
    dataDir,
    cwd: opts.cwd,
    ctx: ctx.paths,
  });
  ctx.problems.push(...backend.problems);
  if (backend.target) ctx.targets.push(backend.target);
  for (const t of providerTargets(config, scope, '', ctx.paths)) ctx.targets.push(t); // a spread push overflows past ~100k
  readChildModules(config, scope, rootDir, '', [realpathOr(rootDir)], ctx);
  return { targets: ctx.targets, problems: ctx.problems };
}

function scopeFor(config: ModuleConfig, assignments: Map<string, Assignment>, modulePath: string, ctx: ReadContext): ProviderScope {
  return moduleScope({
    variables: config.variables,
    locals: config.locals,
    assignments,
    workspace: ctx.workspace,
    path: { module: modulePath, root: '.', cwd: ctx.rootDir },
    guard: ctx.guard,
    files: nodeFileAccess(ctx.rootDir, ctx.paths.home), // terraform's file functions resolve against its working directory
  });
}

/** Local module sources (`./`, `../`) are read for their provider blocks; registry and git sources are not. */
function readChildModules(config: ModuleConfig, scope: ProviderScope, dir: string, modulePath: string, stack: string[], ctx: ReadContext): void {
  for (const [name, call] of config.moduleCalls) {
    const sourceAttr = call.body.attributes.find((a) => a.name === 'source');
    const source = sourceAttr?.expr.kind === 'literal' && typeof sourceAttr.expr.value === 'string' ? sourceAttr.expr.value : undefined;
    if (!source || !isLocalSource(source)) continue;
    const childDir = resolve(dir, source);
    const childPath = `${modulePath ? `${modulePath}.` : ''}module.${name}`;
    const real = realpathOr(childDir);
    const at = { file: call.file, line: call.line };
    if (stack.includes(real)) {
      ctx.problems.push({ source: at, message: `${childPath} calls a module that is already being read (a cycle through ${displayPath(childDir, ctx.cwd)})` });
      continue;
    }
    if (stack.length > MAX_MODULE_DEPTH) {
      ctx.problems.push({ source: at, message: `${childPath}: modules nested more than ${MAX_MODULE_DEPTH} deep are not read` });
      continue;
    }
    const loaded = loadModule(childDir, ctx.cwd, { ...at, name: childPath });
    ctx.problems.push(...loaded.problems);
    const assignments = new Map<string, Assignment>();
    for (const a of call.body.attributes) {
      if (!MODULE_META.has(a.name)) assignments.set(a.name, { kind: 'expr', expr: a.expr, scope });
    }
    const childScope = scopeFor(loaded.config, assignments, relative(ctx.rootDir, childDir) || '.', ctx);
    for (const t of providerTargets(loaded.config, childScope, `${childPath}: `, ctx.paths)) ctx.targets.push(t);
    readChildModules(loaded.config, childScope, childDir, childPath, [...stack, real], ctx);
  }
}

function isLocalSource(s: string): boolean {
  return s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../') || s.startsWith('.\\') || s.startsWith('..\\');
}

function realpathOr(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** TF_WORKSPACE, else what `terraform workspace select` recorded, else "default". */
function currentWorkspace(env: ReadModuleOptions['env'], dataDir: string): string {
  if (env.TF_WORKSPACE) return env.TF_WORKSPACE;
  const r = readTextFile(join(dataDir, 'environment'));
  if (r.ok && r.text.trim() !== '') return r.text.trim();
  return 'default';
}

/**
 * Evaluates expressions in the root module's scope, as `terraform console`
 * would before any plan (variables from every input source, locals,
 * terraform.workspace). Used by the differential tests against the real
 * terraform; an EvalError comes back as an Unknown with terraform's reason.
 */
export function rootEvaluator(opts: { dir: string; cwd: string; env: ReadModuleOptions['env']; vars: ReadModuleOptions['vars'] }): { evaluate(text: string): Value; problems: ReadProblem[] } {
  const rootDir = resolve(opts.cwd, opts.dir);
  const dataDir = opts.env.TF_DATA_DIR ? resolve(rootDir, opts.env.TF_DATA_DIR) : join(rootDir, '.terraform');
  const ctx: ReadContext = {
    rootDir, cwd: opts.cwd, workspace: currentWorkspace(opts.env, dataDir), guard: { depth: 0 },
    paths: { home: opts.env.HOME ?? opts.env.USERPROFILE, dir: rootDir }, targets: [], problems: [],
  };
  const { config, problems } = loadModule(rootDir, opts.cwd);
  const vars = rootAssignments({ dir: rootDir, cwd: opts.cwd, env: opts.env, vars: opts.vars });
  const scope = scopeFor(config, vars.assignments, '.', ctx);
  return {
    problems: [...problems, ...vars.problems],
    evaluate(text: string): Value {
      const parsed = parseExpression(text, '<expr>');
      if (!parsed.ok) return new Unknown(`syntax: ${parsed.error.message}`);
      ctx.guard.steps = 0;
      return evaluateSafely(parsed.value, scope);
    },
  };
}
