// Input variable values of the root module, in terraform's precedence (each
// later source wins): TF_VAR_name, terraform.tfvars, terraform.tfvars.json,
// *.auto.tfvars(.json) in name order, then -var and -var-file in command-line
// order. Defaults come last of all, from the module's own variable blocks.
import { namesWithPrefix } from '../inputs.ts';
import { join } from 'node:path';
import type { Env, ReadProblem, VarArg } from '../model.ts';
import type { Expr } from './hcl/ast.ts';
import { parseTfvarsJson } from './hcl/json.ts';
import { parseHcl } from './hcl/parser.ts';
import { argumentPath, displayPath, type ReadResult } from './files.ts';
import { problem, syntaxReason } from './problems.ts';
import type { Scope } from './eval/scope.ts';

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
  /** The root directory's *.auto.tfvars(.json), in order (gathered). */
  autoVarFiles: string[];
  /** The gathered files, by absolute path (gather.ts): nothing is read here. */
  files: ReadonlyMap<string, ReadResult>;
}

export function rootAssignments(input: RootVariablesInput): { assignments: Map<string, Assignment>; problems: ReadProblem[] } {
  const assignments = new Map<string, Assignment>();
  const problems: ReadProblem[] = [];
  for (const k of namesWithPrefix(input.env, 'TF_VAR_')) assignments.set(k.slice('TF_VAR_'.length), { kind: 'raw', raw: input.env[k]! });
  const useVarFile = (path: string, mustExist: boolean): void => {
    const label = displayPath(path, input.cwd);
    const r = input.files.get(path);
    if (!r) throw new Error(`${path} was not gathered`);
    if (!r.ok) {
      // terraform.tfvars and terraform.tfvars.json are optional; anything else terraform must read.
      const absent = r.failure.reason === 'missing' || r.failure.reason === 'not-a-directory';
      if (mustExist || !absent) problems.push(problem({ file: label, line: 1 }, { kind: 'file', path: label, failure: r.failure }));
      return;
    }
    const parsed = path.endsWith('.json') ? parseTfvarsJson(r.text, label) : parseHcl(r.text, label);
    if (!parsed.ok) {
      problems.push(problem({ file: label, line: parsed.error.line }, syntaxReason(label, parsed.error)));
      return;
    }
    for (const a of parsed.value.attributes) assignments.set(a.name, { kind: 'expr', expr: a.expr });
  };
  useVarFile(join(input.dir, 'terraform.tfvars'), false);
  useVarFile(join(input.dir, 'terraform.tfvars.json'), false);
  for (const f of input.autoVarFiles) useVarFile(f, true);
  for (const v of input.vars) {
    if (v.kind === 'var-file') {
      useVarFile(argumentPath(input.dir, v.value), true);
      continue;
    }
    const eq = v.value.indexOf('=');
    if (eq <= 0) {
      problems.push(problem({ file: '-var', line: 1 }, { kind: 'bad-var', arg: v.value }));
      continue;
    }
    assignments.set(v.value.slice(0, eq).trim(), { kind: 'raw', raw: v.value.slice(eq + 1) });
  }
  return { assignments, problems };
}
