// The reader's edge: everything a module's interpretation needs is read here,
// first, and nothing after. The root directory's configuration files, its
// terraform.tfvars(.json) and *.auto.tfvars(.json), the -var-file and
// -backend-config files, what init recorded under .terraform (the backend
// state, the selected workspace), and the directories of local child modules
// (found by parsing their callers: parsing is pure). Failures are typed values
// (problems.ts); interpreting the result (index.ts) touches no file.
import { join, resolve } from 'node:path';
import type { ReadModuleOptions, ReadProblem, SourceRef } from '../model.ts';
import { assembleModule, type ConfigFile, type ModuleConfig } from './config.ts';
import { argumentPath, compareNames, displayPath, listDirectory, readTextFile, realpathOr, type ListResult, type ReadResult } from './files.ts';
import { problem } from './problems.ts';

/** Child modules deeper than this are not followed (real trees are a few levels deep). */
export const MAX_MODULE_DEPTH = 16;

/** One module directory, read and parsed. */
export interface GatheredModule {
  dir: string;
  config: ModuleConfig;
  /** Listing, reading and parsing problems, in the order met. */
  problems: ReadProblem[];
  /** The text of every configuration file read (to look for references such as `aws.west`). */
  texts: string[];
  /** Whether every configuration file of the directory could be read. */
  complete: boolean;
  /** The local child modules it calls, by call name (registry and git sources are not read). */
  children: Map<string, GatheredCall>;
}

/** A `module` block with a local source: the directory it names, read, or why not (a cycle, too deep). */
export interface GatheredCall {
  dir: string;
  problems: ReadProblem[];
  module?: GatheredModule;
}

/** What one run's interpretation reads, gathered. */
export interface Gathered {
  opts: ReadModuleOptions;
  rootDir: string;
  /** Terraform's data dir (TF_DATA_DIR, default <dir>/.terraform). */
  dataDir: string;
  root: GatheredModule;
  /** The root directory's *.auto.tfvars(.json), in terraform's order. */
  autoVarFiles: string[];
  /** Every other file the interpretation may use, by absolute path: tfvars, -var-file and -backend-config files, .terraform/terraform.tfstate and environment. */
  files: Map<string, ReadResult>;
}

export function dataDirOf(rootDir: string, env: ReadModuleOptions['env']): string {
  return env.TF_DATA_DIR ? resolve(rootDir, env.TF_DATA_DIR) : join(rootDir, '.terraform');
}

export function gatherModule(opts: ReadModuleOptions): Gathered {
  const rootDir = resolve(opts.cwd, opts.dir);
  const dataDir = dataDirOf(rootDir, opts.env);
  const listing = listDirectory(rootDir);
  const root = gatherDirectory(rootDir, listing, opts.cwd);
  gatherChildren(root, '', [realpathOr(rootDir)], opts.cwd);

  const files = new Map<string, ReadResult>();
  const read = (path: string): void => {
    if (!files.has(path)) files.set(path, readTextFile(path));
  };
  read(join(rootDir, 'terraform.tfvars'));
  read(join(rootDir, 'terraform.tfvars.json'));
  const autoVarFiles = listing.ok
    ? listing.names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')).sort(compareNames).map((n) => join(rootDir, n))
    : [];
  for (const f of autoVarFiles) read(f);
  for (const v of opts.vars) if (v.kind === 'var-file') read(argumentPath(rootDir, v.value));
  if (opts.command === 'init') {
    for (const b of opts.backendConfig) if (b.kind === 'file') read(argumentPath(rootDir, b.value));
  }
  // init reads the recorded backend only when no -backend-config replaces it (backend.ts).
  if (opts.command !== 'init' || opts.backendConfig.length === 0) read(join(dataDir, 'terraform.tfstate'));
  if (!opts.env.TF_WORKSPACE) read(join(dataDir, 'environment'));
  return { opts, rootDir, dataDir, root, autoVarFiles, files };
}

const isConfigFile = (n: string): boolean => (n.endsWith('.tf') || n.endsWith('.tf.json')) && !n.startsWith('.');

/** `calledAt`: the `module` block that calls this directory, named instead of the directory when it cannot be listed. */
function gatherDirectory(dir: string, listing: ListResult, cwd: string, calledAt?: SourceRef & { name: string }): GatheredModule {
  const problems: ReadProblem[] = [];
  if (!listing.ok) {
    // Terraform cannot read it either (-chdir to a file, a missing or looping local module): it stops before credentials.
    const path = displayPath(dir, cwd);
    const source = calledAt ? { file: calledAt.file, line: calledAt.line } : { file: path, line: 1 };
    problems.push(problem(source, { kind: 'module-dir', path, ...(calledAt ? { module: calledAt.name } : {}), failure: listing.failure }));
    return { dir, config: assembleModule([]).config, problems, texts: [], complete: false, children: new Map() };
  }
  const files: ConfigFile[] = [];
  let complete = true;
  for (const name of listing.names.filter(isConfigFile).sort(compareNames)) {
    const path = join(dir, name);
    const label = displayPath(path, cwd);
    const r = readTextFile(path);
    if (r.ok) {
      files.push({ name, label, text: r.text });
      continue;
    }
    complete = false;
    // A directory (or a pipe) named x.tf is not a file terraform reads either: skip it quietly.
    const notAFile = (r.failure.reason === 'a-directory' && r.failure.code === undefined) || r.failure.reason === 'special-file';
    if (!notAFile) problems.push(problem({ file: label, line: 1 }, { kind: 'file', path: label, failure: r.failure }));
  }
  const assembled = assembleModule(files);
  for (const p of assembled.problems) problems.push(p);
  return { dir, config: assembled.config, problems, texts: files.map((f) => f.text), complete, children: new Map() };
}

function gatherChildren(mod: GatheredModule, modulePath: string, stack: string[], cwd: string): void {
  for (const [name, call] of mod.config.moduleCalls) {
    const sourceAttr = call.body.attributes.find((a) => a.name === 'source');
    const source = sourceAttr?.expr.kind === 'literal' && typeof sourceAttr.expr.value === 'string' ? sourceAttr.expr.value : undefined;
    if (!source || !isLocalSource(source)) continue;
    const dir = resolve(mod.dir, source);
    const childPath = `${modulePath ? `${modulePath}.` : ''}module.${name}`;
    const real = realpathOr(dir);
    const at = { file: call.file, line: call.line };
    if (stack.includes(real)) {
      mod.children.set(name, { dir, problems: [problem(at, { kind: 'module-cycle', module: childPath, path: displayPath(dir, cwd) })] });
      continue;
    }
    if (stack.length > MAX_MODULE_DEPTH) {
      mod.children.set(name, { dir, problems: [problem(at, { kind: 'modules-too-deep', module: childPath, limit: MAX_MODULE_DEPTH })] });
      continue;
    }
    const child = gatherDirectory(dir, listDirectory(dir), cwd, { ...at, name: childPath });
    mod.children.set(name, { dir, problems: [], module: child });
    gatherChildren(child, childPath, [...stack, real], cwd);
  }
}

function isLocalSource(s: string): boolean {
  return s === '.' || s === '..' || s.startsWith('./') || s.startsWith('../') || s.startsWith('.\\') || s.startsWith('..\\');
}
