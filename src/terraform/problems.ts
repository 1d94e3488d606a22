// Why the reader could not read something, as values: the gather stage
// (gather.ts) and the interpretation return these, one presenter turns them
// into the words users see, and one function says which of them terraform
// stops on before it needs credentials. Nothing here looks at message text.
import type { FileFailure, ReadProblem, ReadReason, SourceRef } from '../model.ts';

export type { FileFailure, ReadReason } from '../model.ts';
import type { SyntaxProblem } from './hcl/parser.ts';

/** What a failed read means, in words, with the code. */
const CODE_MEANING: Record<string, string> = {
  ENOENT: 'no such file (or a dangling symlink)',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a symlink loop',
  EISDIR: 'a directory',
  ENOTDIR: 'not a directory',
};

function withCode(code: string): string {
  return CODE_MEANING[code] ? `${CODE_MEANING[code]} (${code})` : code;
}

/** The system call's failure in words, with its code; undefined for what is not a failed call. */
function callFailure(f: FileFailure): string | undefined {
  switch (f.reason) {
    case 'missing': return withCode('ENOENT');
    case 'not-a-directory': return withCode('ENOTDIR');
    case 'permission-denied': return withCode(f.code);
    case 'symlink-loop': return withCode('ELOOP');
    case 'a-directory': return f.code ? withCode(f.code) : undefined;
    case 'io-error': return withCode(f.code);
    default: return undefined;
  }
}

/** The words for a FileFailure, as tfw has always said them. */
export function failureMessage(f: FileFailure): string {
  const call = callFailure(f);
  if (call !== undefined) return `cannot read: ${call}`;
  switch (f.reason) {
    case 'a-directory': return 'a directory, not a file';
    case 'special-file':
      // Reading a pipe (`-var-file=<(sops -d x)`) would block, or take its content from terraform.
      return f.what === 'pipe' ? 'a pipe, not read by tfw (terraform gets its content)' : f.what === 'other' ? 'not a regular file' : `a ${f.what}, not a file`;
    case 'too-large': return `file too large to read (${f.bytes} bytes)`;
    case 'binary': return 'binary file (contains NUL bytes), not text';
    case 'not-utf8': return 'not UTF-8 text';
    default: return `cannot read: ${f.reason}`;
  }
}

/** The sentence a user reads for a ReadReason (after `file:line: `). */
export function reasonMessage(r: ReadReason): string {
  switch (r.kind) {
    case 'file': return failureMessage(r.failure);
    case 'module-dir': {
      const what = `cannot read the module directory: ${callFailure(r.failure) ?? failureMessage(r.failure)}`;
      return r.module ? `${r.module}: ${r.path}: ${what}` : what;
    }
    case 'syntax':
    case 'too-deep':
      return r.message;
    case 'invalid-state': return `not valid JSON: ${r.message}`;
    case 'module-cycle': return `${r.module} calls a module that is already being read (a cycle through ${r.path})`;
    case 'modules-too-deep': return `${r.module}: modules nested more than ${r.limit} deep are not read`;
    case 'bad-var': return `-var "${r.arg}" is not NAME=VALUE`;
    case 'bad-backend-config': return `-backend-config "${r.arg}" is neither a file nor KEY=VALUE`;
    case 'override-without-original': return `override for provider "${r.provider}"${r.alias ? ` (alias ${r.alias})` : ''} has no original block`;
    case 'internal': return `tfw could not read the configuration: ${r.message}`;
    default: return unhandled(r);
  }
}

/** A parse error as a reason: tfw's own nesting cap (the parser says `limit`), or a syntax error terraform reports too. */
export function syntaxReason(path: string, error: SyntaxProblem): ReadReason {
  return { kind: error.limit ? 'too-deep' : 'syntax', path, line: error.line, message: error.message };
}

/** A ReadProblem: where, why, and the words for it. */
export function problem(source: SourceRef, reason: ReadReason): ReadProblem {
  return { source, reason, message: reasonMessage(reason) };
}

/**
 * Whether terraform stops on this problem itself, before it needs any
 * credential (so a code asked for the run is wasted, and terraform says why).
 * The one place that decides it; run.ts's terraformWillRefuse asks it.
 */
export function terraformStopsOn(r: ReadReason): boolean {
  switch (r.kind) {
    case 'file':
    case 'module-dir':
      return terraformCannotRead(r.failure);
    // Terraform's parser reports these too; a state it cannot parse: "Failed to load state".
    case 'syntax':
    case 'invalid-state':
    case 'bad-var':
      return true;
    // tfw's own limits, tfw's own bugs, and what terraform accepts or reports only later.
    case 'too-deep':
    case 'module-cycle':
    case 'modules-too-deep':
    case 'bad-backend-config':
    case 'override-without-original':
    case 'internal':
      return false;
    default:
      return unhandled(r);
  }
}

/** A read terraform fails too: missing, unreadable, a directory, binary, not UTF-8. A pipe or device it reads; a file only too large for tfw it reads. */
function terraformCannotRead(f: FileFailure): boolean {
  switch (f.reason) {
    case 'missing':
    case 'not-a-directory':
    case 'permission-denied':
    case 'symlink-loop':
    case 'a-directory':
    case 'binary':
    case 'not-utf8':
    case 'io-error':
      return true;
    case 'special-file':
    case 'too-large':
      return false;
    default:
      return unhandled(f);
  }
}

function unhandled(x: never): never {
  throw new Error(`unhandled read reason ${JSON.stringify(x)}`);
}
