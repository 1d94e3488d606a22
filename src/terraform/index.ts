// The terraform configuration reader: every `provider "aws"` and the
// `backend "s3"` of the root module (and of local child modules), with their
// auth settings evaluated as far as tfw can. Two stages: gather.ts reads every
// file the module needs, first; interpret() below works on what was gathered
// and touches no file. Bad input never throws: it becomes a ReadProblem with a
// typed reason (problems.ts) and the rest is still read.
import { dirname, join, relative, resolve } from 'node:path';
import type { AuthTarget, ModuleAuth, ReadModuleOptions, ReadProblem } from '../model.ts';
import { backendTarget } from './backend.ts';
import type { ModuleConfig } from './config.ts';
import { displayPath, goGetwd } from './files.ts';
import { gatherModule, type Gathered, type GatheredModule } from './gather.ts';
import { problem } from './problems.ts';
import { providerTargets, type ProviderScope } from './providers.ts';
import { moduleScope } from './scope.ts';
import { nodeFileAccess, type FileAccess } from './eval/fileaccess.ts';
import type { PathContext } from './settings.ts';
import { rootAssignments, type Assignment } from './variables.ts';
import { parseExpression } from './hcl/parser.ts';
import { evaluateSafely } from './eval/evaluate.ts';
import { Unknown, type Value } from './eval/value.ts';

export type { ModuleAuth, ReadModuleOptions } from '../model.ts';
export { gatherModule, type Gathered } from './gather.ts';

/** Arguments of a module call that are not input variables. */
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);

export async function readModuleAuth(opts: ReadModuleOptions): Promise<ModuleAuth> {
  try {
    const gathered = gatherModule(opts);
    // Terraform's file functions read paths known only by evaluating: the one capability interpretation gets.
    return interpret(gathered, fileAccessFor(gathered));
  } catch (e) {
    return internalProblem(opts, e);
  }
}

function internalProblem(opts: ReadModuleOptions, e: unknown): ModuleAuth {
  // A bug in tfw must not stop terraform from running: report it as a problem.
  return { targets: [], problems: [problem({ file: displayPath(resolve(opts.cwd, opts.dir), opts.cwd), line: 1 }, { kind: 'internal', message: (e as Error).message })] };
}

interface ReadContext {
  rootDir: string;
  cwd: string;
  workspace: string;
  guard: { depth: number; steps?: number };
  paths: PathContext;
  /** For terraform's file functions (file(), templatefile()…); absent: they are unknown. */
  files: FileAccess | undefined;
  targets: AuthTarget[];
  problems: ReadProblem[];
}

/** The file functions' window on the file system: relative paths against terraform's working directory, `~` from the run's HOME. */
export function fileAccessFor(g: Gathered): FileAccess {
  // terraform's os.Getwd() before and after its -chdir (os.Chdir leaves PWD as it was)
  const pwd = g.opts.env.PWD;
  const wd = { start: goGetwd(g.opts.cwd, pwd), now: goGetwd(g.rootDir, pwd) };
  // go-homedir on Unix: HOME when set and not empty (else getent, which tfw does not ask)
  const home = g.opts.env.HOME ? g.opts.env.HOME : undefined;
  return nodeFileAccess(g.rootDir, home, wd);
}

function contextFor(g: Gathered, files: FileAccess | undefined): ReadContext {
  return {
    rootDir: g.rootDir,
    cwd: g.opts.cwd,
    workspace: currentWorkspace(g),
    guard: { depth: 0 },
    paths: { home: g.opts.env.HOME ?? g.opts.env.USERPROFILE, dir: g.rootDir },
    files,
    targets: [],
    problems: [],
  };
}

function rootVariables(g: Gathered): ReturnType<typeof rootAssignments> {
  return rootAssignments({ dir: g.rootDir, cwd: g.opts.cwd, env: g.opts.env, vars: g.opts.vars, autoVarFiles: g.autoVarFiles, files: g.files });
}

/**
 * The module's AuthTargets and problems from what gatherModule read. No
 * file-system access of its own: only `files`, the capability terraform's file
 * functions read through (without it they are unknown).
 */
export function interpret(g: Gathered, files?: FileAccess): ModuleAuth {
  const opts = g.opts;
  try {
    const ctx = contextFor(g, files);
    for (const p of g.root.problems) ctx.problems.push(p);
    const config = g.root.config;
    const vars = rootVariables(g);
    for (const p of vars.problems) ctx.problems.push(p);
    const scope = scopeFor(config, vars.assignments, '.', ctx);

    const backend = backendTarget({
      backend: config.backend,
      scope,
      command: opts.command,
      backendConfig: opts.backendConfig,
      dataDir: g.dataDir,
      cwd: opts.cwd,
      ctx: ctx.paths,
      files: g.files,
    });
    for (const p of backend.problems) ctx.problems.push(p);
    if (backend.target) ctx.targets.push(backend.target);
    for (const t of providerTargets(config, scope, '', ctx.paths)) ctx.targets.push(t); // a spread push overflows past ~100k
    readChildModules(g.root, scope, '', ctx);
    return { targets: ctx.targets, problems: ctx.problems, mayBeUsed: mayBeUsedIn(g) };
  } catch (e) {
    return internalProblem(opts, e);
  }
}

function scopeFor(config: ModuleConfig, assignments: Map<string, Assignment>, modulePath: string, ctx: ReadContext): ProviderScope {
  return moduleScope({
    variables: config.variables,
    locals: config.locals,
    assignments,
    workspace: ctx.workspace,
    path: { module: modulePath, root: '.', cwd: ctx.rootDir },
    guard: ctx.guard,
    ...(ctx.files ? { files: ctx.files } : {}),
  });
}

/** Local module sources (`./`, `../`) are read for their provider blocks (gathered); registry and git sources are not. */
function readChildModules(mod: GatheredModule, scope: ProviderScope, modulePath: string, ctx: ReadContext): void {
  for (const [name, call] of mod.config.moduleCalls) {
    const child = mod.children.get(name);
    if (!child) continue;
    for (const p of child.problems) ctx.problems.push(p);
    const loaded = child.module;
    if (!loaded) continue;
    const childPath = `${modulePath ? `${modulePath}.` : ''}module.${name}`;
    for (const p of loaded.problems) ctx.problems.push(p);
    const assignments = new Map<string, Assignment>();
    for (const a of call.body.attributes) {
      if (!MODULE_META.has(a.name)) assignments.set(a.name, { kind: 'expr', expr: a.expr, scope });
    }
    const childScope = scopeFor(loaded.config, assignments, relative(ctx.rootDir, child.dir) || '.', ctx);
    for (const t of providerTargets(loaded.config, childScope, `${childPath}: `, ctx.paths)) ctx.targets.push(t);
    readChildModules(loaded, childScope, childPath, ctx);
  }
}

/** TF_WORKSPACE, else what `terraform workspace select` recorded, else "default". */
function currentWorkspace(g: Gathered): string {
  if (g.opts.env.TF_WORKSPACE) return g.opts.env.TF_WORKSPACE;
  const r = g.files.get(join(g.dataDir, 'environment'));
  if (r?.ok && r.text.trim() !== '') return r.text.trim();
  return 'default';
}

/** `aws.west` (also `module.net: aws.west`, `aws.by_region["x"]`, `awsalt.dr`) → `aws.west`; a default provider → undefined. */
export function providerReference(target: AuthTarget): string | undefined {
  if (target.kind !== 'provider') return undefined;
  // `module.a.module.b: ` names the module instance; the provider's own name follows.
  const own = target.name.startsWith('module.') ? target.name.slice(target.name.indexOf(': ') + 2) : target.name;
  return /^[A-Za-z_][A-Za-z0-9_-]*\.[A-Za-z_][A-Za-z0-9_-]*/.exec(own)?.[0];
}

/**
 * False only when nothing in the block's module can use it: an aliased provider
 * whose `aws.ALIAS` appears in none of that module's files (a reference to a
 * provider is always in the module that declares it), as gathered. The
 * backend, the default provider, and a module not wholly read count as used.
 */
function mayBeUsedIn(g: Gathered): (target: AuthTarget) => boolean {
  const byDir = new Map<string, GatheredModule>();
  const walk = (m: GatheredModule): void => {
    if (!byDir.has(m.dir)) byDir.set(m.dir, m);
    for (const c of m.children.values()) if (c.module) walk(c.module);
  };
  walk(g.root);
  return (target) => {
    const reference = providerReference(target);
    if (reference === undefined) return true;
    const mod = byDir.get(dirname(resolve(g.opts.cwd, target.source.file)));
    if (!mod || !mod.complete) return true;
    const pattern = new RegExp(`\\b${reference.replace('.', '\\.')}\\b`);
    return mod.texts.some((text) => pattern.test(text));
  };
}

/**
 * Evaluates expressions in the root module's scope, as `terraform console`
 * would before any plan (variables from every input source, locals,
 * terraform.workspace). Used by the differential tests against the real
 * terraform; an EvalError comes back as an Unknown with terraform's reason.
 */
export function rootEvaluator(opts: { dir: string; cwd: string; env: ReadModuleOptions['env']; vars: ReadModuleOptions['vars'] }): { evaluate(text: string): Value; problems: ReadProblem[] } {
  const g = gatherModule({ ...opts, backendConfig: [], command: 'console' });
  const ctx = contextFor(g, fileAccessFor(g));
  const vars = rootVariables(g);
  const scope = scopeFor(g.root.config, vars.assignments, '.', ctx);
  return {
    problems: [...g.root.problems, ...vars.problems],
    evaluate(text: string): Value {
      const parsed = parseExpression(text, '<expr>');
      if (!parsed.ok) return new Unknown(`syntax: ${parsed.error.message}`);
      ctx.guard.steps = 0;
      return evaluateSafely(parsed.value, scope);
    },
  };
}
