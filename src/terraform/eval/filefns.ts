// Terraform's file functions (internal/lang/funcs/filesystem.go): paths
// relative to terraform's working directory (its BaseDir is always "."),
// `~/` from HOME, contents as terraform reads them. The file system is
// reached only through the Scope's FileAccess; without one, or where tfw
// cannot read what terraform would (a pipe, a huge file), the value is
// unknown. A missing file or a directory is terraform's error too.
import type { Expr, TemplatePart } from '../hcl/ast.ts';
import { parseTemplate } from '../hcl/parser.ts';
import { createRequire } from 'node:module';
import type { FileAccess } from './fileaccess.ts';
import type { Scope } from './scope.ts';
import { EvalError, Unknown, findUnknown, isObject, toStr, type ObjectValue, type Value } from './value.ts';
import { goClean } from './functions.ts';
import { fileset } from './fileset.ts';

export const FILE_FUNCTIONS = new Set([
  'abspath', 'file', 'fileexists', 'fileset', 'pathexpand', 'filebase64', 'filemd5', 'filesha1', 'filesha256', 'filesha512', 'filebase64sha256', 'filebase64sha512', 'templatefile',
]);

const HASHES: Record<string, [string, 'hex' | 'base64']> = {
  filemd5: ['md5', 'hex'], filesha1: ['sha1', 'hex'], filesha256: ['sha256', 'hex'], filesha512: ['sha512', 'hex'],
  filebase64sha256: ['sha256', 'base64'], filebase64sha512: ['sha512', 'base64'],
};

let crypto: typeof import('node:crypto') | undefined;

/** homedir.Expand then filepath.Join(baseDir, path) for a relative path. */
function resolvePath(p: string, files: FileAccess): string | Unknown {
  if (p.startsWith('~')) {
    if (p.length > 1 && p[1] !== '/' && p[1] !== '\\') throw new EvalError('cannot expand user-specific home dir');
    if (files.home === undefined) return new Unknown('a path under ~ with no HOME known');
    p = goClean(`${files.home}/${p.slice(1)}`);
  }
  // relative: not cleaned against the base, so `..` after a symlink is resolved by the kernel, as terraform's is
  return p.startsWith('/') ? p : `${files.base}/${goClean(p)}`;
}

function readBytes(name: string, p: string, files: FileAccess): Buffer | Unknown {
  const path = resolvePath(p, files);
  if (path instanceof Unknown) return path;
  const r = files.read(path);
  if (r.ok) return r.bytes;
  if (r.reason === 'missing') throw new EvalError(`${name}(): no file exists at ${p}`);
  if (r.reason === 'directory') throw new EvalError(`${name}(): ${p} is a directory`);
  return new Unknown(`${name}(): ${p} is not a regular file tfw reads (terraform will read it)`);
}

function utf8(name: string, p: string, bytes: Buffer): string {
  try {
    // ignoreBOM: Go's string(bytes) keeps a byte order mark
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new EvalError(`${name}(): contents of ${p} are not valid UTF-8`);
  }
}

/**
 * Calls a file function; `render` evaluates a template with a scope (the
 * evaluator's, so templates get the whole function library).
 */
export function callFileFunction(name: string, args: Value[], scope: Scope, render: (expr: Expr, scope: Scope) => Value): Value {
  const u = findUnknown(args);
  if (u) return u;
  const files = scope.files;
  if (!files) return new Unknown(`${name}() reads files, which tfw does not do here`);
  const want = name === 'templatefile' || name === 'fileset' ? 2 : 1;
  if (args.length !== want) throw new EvalError(`wrong number of arguments to ${name}()`, true);
  if (args[0] === null) throw new EvalError(`argument 1 of ${name}() must not be null`);
  const p = toStr(args[0]!, `${name}() path`);
  // filepath.Abs: an absolute path cleaned; a relative one joined to Go's os.Getwd() after -chdir ($PWD when it
  // names the directory, else the real path), worked out by the reader (fileAccessFor)
  if (name === 'abspath') {
    if (p.startsWith('/')) return goClean(p);
    const wd = files.wd?.now;
    return wd === undefined ? new Unknown('abspath() of a relative path: terraform\'s working directory is not known') : goClean(`${wd}/${p}`);
  }
  // homedir.Expand: `~` or `~/…` joined to HOME (cleaned), any other path as it is
  if (name === 'pathexpand') {
    if (!p.startsWith('~')) return p;
    if (p.length > 1 && p[1] !== '/' && p[1] !== '\\') throw new EvalError('pathexpand(): cannot expand user-specific home dir');
    if (files.home === undefined) return new Unknown('pathexpand() of ~ with no HOME known');
    return goClean(`${files.home}/${p.slice(1)}`);
  }
  if (name === 'fileset') {
    if (args[1] === null) throw new EvalError('argument 2 of fileset() must not be null');
    return fileset(p, toStr(args[1]!, 'fileset() pattern'), files);
  }
  if (name === 'fileexists') {
    const path = resolvePath(p, files);
    if (path instanceof Unknown) return path;
    const k = files.kind(path);
    if (k === 'file') return true;
    if (k === 'missing') return false;
    if (k === 'directory') throw new EvalError(`fileexists(): ${p} is a directory, not a file`);
    return new Unknown(`fileexists(): ${p} is not a regular file`);
  }
  if (name === 'templatefile' && scope.templateVars) throw new EvalError('cannot recursively call templatefile from inside templatefile call');
  const bytes = readBytes(name, p, files);
  if (bytes instanceof Unknown) return bytes;
  if (name === 'file') return utf8(name, p, bytes);
  if (name === 'filebase64') return bytes.toString('base64');
  const hash = HASHES[name];
  if (hash) {
    crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
    return crypto.createHash(hash[0]).update(bytes).digest(hash[1]);
  }
  return templatefile(p, utf8(name, p, bytes), args[1]!, scope, render);
}

const IDENT = /^[\p{ID_Start}_][\p{ID_Continue}-]*$/u;

function templatefile(p: string, text: string, varsVal: Value, scope: Scope, render: (expr: Expr, scope: Scope) => Value): Value {
  return renderTemplate('templatefile', p, text, varsVal, scope, render, true);
}

/**
 * terraform's makeRenderTemplateFunc: `text` parsed as a template and
 * rendered with only the given variables (a map or object whose keys are
 * identifiers, holding every name the template refers to), and the whole
 * function library but templatefile and templatestring (and, without
 * `allowFiles`, the file functions: unknown here, an error in terraform).
 */
export function renderTemplate(fn: string, label: string, text: string, varsVal: Value, scope: Scope, render: (expr: Expr, scope: Scope) => Value, allowFiles: boolean): Value {
  if (!isObject(varsVal)) throw new EvalError(`${fn}(): invalid vars value: must be a map`);
  const vars = varsVal as ObjectValue;
  for (const k of Object.keys(vars)) if (!IDENT.test(k)) throw new EvalError(`${fn}(): invalid template variable name ${JSON.stringify(k)}`);
  const parsed = parseTemplate(text, label, 1);
  if (!parsed.ok) throw new EvalError(`${fn}(): ${label}:${parsed.error.line}: ${parsed.error.message}`);
  const names = new Set(Object.keys(vars));
  for (const root of freeNames(parsed.value)) {
    if (!names.has(root)) throw new EvalError(`${fn}(): vars map does not contain key "${root}"`);
  }
  const tscope: Scope = {
    variable: (n) => { throw new EvalError(`var.${n} cannot be used in a template`, true); },
    local: (n) => { throw new EvalError(`local.${n} cannot be used in a template`, true); },
    workspace: scope.workspace,
    path: scope.path,
    guard: scope.guard,
    iterators: new Map(Object.keys(vars).map((k) => [k, vars[k]!])),
    ...(scope.files && allowFiles ? { files: scope.files } : {}),
    templateVars: names,
  };
  return render(parsed.value, tscope);
}

/** The root names an expression refers to that no for-expression or for-directive binds (HCL's Variables()). */
function freeNames(e: Expr): Set<string> {
  const out = new Set<string>();
  const walk = (x: Expr, bound: ReadonlySet<string>): void => {
    switch (x.kind) {
      case 'scope': if (!bound.has(x.name)) out.add(x.name); return;
      case 'literal': case 'splatItem': return;
      case 'template': parts(x.parts, bound); return;
      case 'getattr': walk(x.object, bound); return;
      case 'index': walk(x.object, bound); walk(x.key, bound); return;
      case 'splat': walk(x.object, bound); walk(x.each, bound); return;
      case 'call': for (const a of x.args) walk(a, bound); return;
      case 'tuple': for (const a of x.items) walk(a, bound); return;
      case 'object': for (const it of x.items) { walk(it.key, bound); walk(it.value, bound); } return;
      case 'unary': walk(x.operand, bound); return;
      case 'binary': walk(x.left, bound); walk(x.right, bound); return;
      case 'conditional': walk(x.condition, bound); walk(x.then, bound); walk(x.else, bound); return;
      case 'paren': walk(x.expr, bound); return;
      case 'for': {
        walk(x.collection, bound);
        const inner = new Set(bound);
        inner.add(x.valueVar);
        if (x.keyVar) inner.add(x.keyVar);
        if (x.keyExpr) walk(x.keyExpr, inner);
        walk(x.valueExpr, inner);
        if (x.condition) walk(x.condition, inner);
        return;
      }
    }
  };
  const parts = (ps: TemplatePart[], bound: ReadonlySet<string>): void => {
    for (const p of ps) {
      if (p.kind === 'interp') walk(p.expr, bound);
      else if (p.kind === 'if') { walk(p.condition, bound); parts(p.then, bound); parts(p.else, bound); }
      else if (p.kind === 'forDirective') {
        walk(p.collection, bound);
        const inner = new Set(bound);
        inner.add(p.valueVar);
        if (p.keyVar) inner.add(p.keyVar);
        parts(p.body, inner);
      }
    }
  };
  walk(e, new Set());
  return out;
}
