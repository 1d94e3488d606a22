// Input variable values of the root module, in terraform's precedence (each
// later source wins): TF_VAR_name, terraform.tfvars, terraform.tfvars.json,
// *.auto.tfvars(.json) in name order, then -var and -var-file in command-line
// order. Defaults come last of all, from the module's own variable blocks.
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { Env, ReadProblem, VarArg } from '../model.ts';
import type { Expr } from './hcl/ast.ts';
import { parseTfvarsJson } from './hcl/json.ts';
import { parseHcl } from './hcl/parser.ts';
import { compareNames, displayPath, readTextFile, terraformCannotRead } from './files.ts';
import type { Scope } from './eval/scope.ts';
import { readdirSync } from 'node:fs';

/** Where a variable's value comes from; evaluated only when the variable is used. */
export type Assignment =
  /** From the environment or -var: a string, or an HCL expression for complex types. */
  | { kind: 'raw'; raw: string }
  /** From a tfvars file (evaluated with no references) or a module call (in the parent's scope). */
  | { kind: 'expr'; expr: Expr; scope?: Scope };

export interface RootVariablesInput {
  dir: string;
  cwd: string;
  env: Env;
  vars: VarArg[];
}

export function rootAssignments(input: RootVariablesInput): { assignments: Map<string, Assignment>; problems: ReadProblem[] } {
  const assignments = new Map<string, Assignment>();
  const problems: ReadProblem[] = [];
  for (const [k, v] of Object.entries(input.env)) {
    if (k.startsWith('TF_VAR_') && v !== undefined) assignments.set(k.slice('TF_VAR_'.length), { kind: 'raw', raw: v });
  }
  const readVarFile = (path: string, mustExist: boolean): void => {
    const label = displayPath(path, input.cwd);
    const r = readTextFile(path);
    if (!r.ok) {
      // What terraform cannot read either stops it before it needs credentials (so no code is spent).
      const rejects = terraformCannotRead(r.message);
      if (mustExist || !/ENOENT|ENOTDIR/.test(r.message)) problems.push({ source: { file: label, line: 1 }, message: r.message, ...(rejects ? { terraformRejects: true } : {}) });
      return;
    }
    const parsed = path.endsWith('.json') ? parseTfvarsJson(r.text, label) : parseHcl(r.text, label);
    if (!parsed.ok) {
      problems.push({ source: { file: label, line: parsed.error.line }, message: parsed.error.message, terraformRejects: !/nesting/.test(parsed.error.message) });
      return;
    }
    for (const a of parsed.value.attributes) assignments.set(a.name, { kind: 'expr', expr: a.expr });
  };
  readVarFile(join(input.dir, 'terraform.tfvars'), false);
  readVarFile(join(input.dir, 'terraform.tfvars.json'), false);
  for (const f of autoVarFiles(input.dir)) readVarFile(f, true);
  for (const v of input.vars) {
    if (v.kind === 'var-file') {
      // Paths on the command line are relative to the module dir (terraform has already applied -chdir).
      readVarFile(isAbsolute(v.value) ? v.value : resolve(input.dir, v.value), true);
      continue;
    }
    const eq = v.value.indexOf('=');
    if (eq <= 0) {
      problems.push({ source: { file: '-var', line: 1 }, message: `-var "${v.value}" is not NAME=VALUE`, terraformRejects: true });
      continue;
    }
    assignments.set(v.value.slice(0, eq).trim(), { kind: 'raw', raw: v.value.slice(eq + 1) });
  }
  return { assignments, problems };
}

function autoVarFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json'))
    .sort(compareNames)
    .map((n) => join(dir, basename(n)));
}
