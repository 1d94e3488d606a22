// The Scope of one module: variables and locals evaluated lazily and once,
// with cycles between locals reported instead of recursing forever.
import type { Attribute, Block, Expr } from './hcl/ast.ts';
import { parseExpression } from './hcl/parser.ts';
import { emptyScope, type Scope } from './eval/scope.ts';
import { evaluate } from './eval/evaluate.ts';
import { EvalError, Unknown, type Value } from './eval/value.ts';
import { convert, parseType, type Type } from './eval/types.ts';
import type { Assignment } from './variables.ts';
import type { FileAccess } from './eval/fileaccess.ts';
import { MarkAnalysis, type Mark, type MarkSource } from './eval/marks.ts';

export interface ModuleScopeInput {
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  assignments: Map<string, Assignment>;
  workspace: string;
  path: { module: string; root: string; cwd: string };
  guard: { depth: number };
  /** For the file functions (file(), templatefile()…). */
  files?: FileAccess;
}

type Memo = { value: Value } | { error: Error } | 'pending';

export function moduleScope(input: ModuleScopeInput): Scope & { withEach(key: Value, value: Value): Scope } {
  const varMemo = new Map<string, Memo>();
  const localMemo = new Map<string, Memo>();

  const memoized = (memo: Map<string, Memo>, name: string, what: string, compute: () => Value): Value => {
    const m = memo.get(name);
    if (m === 'pending') throw new EvalError(`${what} refers to itself`);
    if (m) {
      if ('error' in m) throw m.error;
      return m.value;
    }
    memo.set(name, 'pending');
    try {
      const value = compute();
      memo.set(name, { value });
      return value;
    } catch (e) {
      if (e instanceof EvalError) {
        // Terraform reports a failing variable or local before evaluating anything: try() cannot catch it.
        const err = e.isStatic ? e : new EvalError(`${what}: ${e.message}`, true);
        memo.set(name, { error: err });
        throw err;
      }
      memo.delete(name);
      throw e;
    }
  };

  const base = {
    workspace: input.workspace,
    path: input.path,
    guard: input.guard,
    ...(input.files ? { files: input.files } : {}),
    variable(name: string): Value {
      return memoized(varMemo, name, `var.${name}`, () => variableValue(name, input));
    },
    variableType(name: string): Type | undefined {
      const typeExpr = input.variables.get(name)?.body.attributes.find((a) => a.name === 'type')?.expr;
      if (!typeExpr) return { t: 'any' };
      try {
        return parseType(typeExpr, (e: Expr) => evaluate(e, emptyScope(input.guard, 'a variable declaration')));
      } catch (e) {
        if (e instanceof EvalError) return undefined;
        throw e;
      }
    },
    local(name: string): Value {
      return memoized(localMemo, name, `local.${name}`, () => {
        const a = input.locals.get(name);
        if (!a) throw new EvalError(`no local value "${name}"`);
        return evaluate(a.expr, scope);
      });
    },
  };
  const marks = moduleMarks(input, () => scope);
  const scope: Scope = { ...base, marks };
  return {
    ...base,
    marks,
    // Terraform refuses sensitive values in a provider's for_each: each.* carries no mark.
    withEach: (key: Value, value: Value): Scope => ({ ...base, marks, each: { key, value } }),
  };
}

/** Marks of the module's variables (declared sensitive, or given a marked value by the module call) and its locals. */
function moduleMarks(input: ModuleScopeInput, scope: () => Scope): MarkSource {
  const declared = (name: string): Mark => {
    const e = input.variables.get(name)?.body.attributes.find((a) => a.name === 'sensitive')?.expr;
    if (!e) return false;
    return e.kind === 'literal' && typeof e.value === 'boolean' ? e.value : undefined;
  };
  const given = (name: string): { expr: Expr; analysis: MarkAnalysis } | undefined => {
    const a = input.assignments.get(name);
    return a?.kind === 'expr' && a.scope ? { expr: a.expr, analysis: new MarkAnalysis(a.scope.marks) } : undefined;
  };
  return {
    variable(name) {
      const d = declared(name);
      if (d !== false) return d;
      const g = given(name);
      return g ? g.analysis.mark(g.expr) : false;
    },
    variableMay(name) {
      if (declared(name) !== false) return true;
      const g = given(name);
      return g ? g.analysis.may(g.expr) : false;
    },
    local: (name) => input.locals.get(name)?.expr,
    evaluates(e) {
      try {
        return !(evaluate(e, scope()) instanceof Unknown);
      } catch (err) {
        if (err instanceof EvalError && !err.isStatic) return false;
        throw err;
      }
    },
  };
}

function variableValue(name: string, input: ModuleScopeInput): Value {
  const decl = input.variables.get(name);
  if (!decl) throw new EvalError(`no variable "${name}" is declared`, true);
  const attr = (n: string) => decl.body.attributes.find((a) => a.name === n)?.expr;
  const constant = (e: Expr): Value => evaluate(e, emptyScope(input.guard, 'a variable declaration'));
  const typeExpr = attr('type');
  let ty: Type = { t: 'any' };
  if (typeExpr) {
    try {
      ty = parseType(typeExpr, constant);
    } catch (e) {
      if (e instanceof EvalError) return new Unknown(`the type of var.${name} is not one tfw reads: ${e.message}`);
      throw e;
    }
  }
  const nullableExpr = attr('nullable');
  const nullable = nullableExpr ? constant(nullableExpr) : true;
  if (typeof nullable !== 'boolean') return new Unknown(`nullable of var.${name} is not a literal bool`);
  const defExpr = attr('default');
  const def = defExpr ? convert(constant(defExpr), ty, `the default of var.${name}`) : undefined;
  const assigned = input.assignments.get(name);
  let v: Value;
  if (!assigned) {
    if (def === undefined) return new Unknown(`no value given for the required variable var.${name}`);
    v = def;
  } else if (assigned.kind === 'expr') {
    // A tfvars file holds constants only (terraform refuses function calls there); a module call may use its module's scope.
    v = convert(evaluate(assigned.expr, assigned.scope ?? emptyScope(input.guard, 'a .tfvars file')), ty, `var.${name}`);
  } else if (isPrimitive(ty)) {
    // Terraform reads -var and TF_VAR_ values as strings for primitive types (and for an unconstrained variable).
    v = convert(assigned.raw, ty, `var.${name}`);
  } else {
    const parsed = parseExpression(assigned.raw, `var.${name}`);
    if (!parsed.ok) throw new EvalError(`the value given for var.${name} is not valid: ${parsed.error.message}`);
    v = convert(evaluate(parsed.value, emptyScope(input.guard, 'a -var or TF_VAR_ value')), ty, `var.${name}`);
  }
  if (v === null && !nullable) {
    if (def === undefined || def === null) throw new EvalError(`var.${name} is null but not nullable`);
    return def;
  }
  return v;
}

function isPrimitive(ty: Type): boolean {
  return ty.t === 'string' || ty.t === 'number' || ty.t === 'bool' || ty.t === 'any';
}
