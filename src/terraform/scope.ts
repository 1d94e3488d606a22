// The Scope of one module: variables and locals evaluated lazily and once,
// with cycles between locals reported instead of recursing forever.
import type { Attribute, Block, Expr } from './hcl/ast.ts';
import { parseExpression } from './hcl/parser.ts';
import { emptyScope, type Scope } from './eval/scope.ts';
import { evaluate } from './eval/evaluate.ts';
import { EvalError, Unknown, type Value } from './eval/value.ts';
import type { Assignment } from './variables.ts';

export interface ModuleScopeInput {
  variables: Map<string, Block>;
  locals: Map<string, Attribute>;
  assignments: Map<string, Assignment>;
  workspace: string;
  path: { module: string; root: string; cwd: string };
  guard: { depth: number };
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
      if (e instanceof EvalError) memo.set(name, { error: e });
      else memo.delete(name);
      throw e;
    }
  };

  const base = {
    workspace: input.workspace,
    path: input.path,
    guard: input.guard,
    variable(name: string): Value {
      return memoized(varMemo, name, `var.${name}`, () => variableValue(name, input));
    },
    local(name: string): Value {
      return memoized(localMemo, name, `local.${name}`, () => {
        const a = input.locals.get(name);
        if (!a) throw new EvalError(`no local value "${name}"`);
        return evaluate(a.expr, scope);
      });
    },
  };
  const scope: Scope = base;
  return {
    ...base,
    withEach: (key: Value, value: Value): Scope => ({ ...base, each: { key, value } }),
  };
}

function variableValue(name: string, input: ModuleScopeInput): Value {
  const decl = input.variables.get(name);
  if (!decl) throw new EvalError(`no variable "${name}" is declared`);
  const assigned = input.assignments.get(name);
  if (assigned) {
    if (assigned.kind === 'expr') return evaluate(assigned.expr, assigned.scope ?? emptyScope(input.guard));
    if (!isComplexType(typeOf(decl))) return assigned.raw;
    const parsed = parseExpression(assigned.raw, `var.${name}`);
    if (!parsed.ok) throw new EvalError(`the value given for var.${name} is not valid: ${parsed.error.message}`);
    return evaluate(parsed.value, emptyScope(input.guard));
  }
  const def = decl.body.attributes.find((a) => a.name === 'default');
  if (def) return evaluate(def.expr, emptyScope(input.guard));
  return new Unknown(`no value given for the required variable var.${name}`);
}

function typeOf(decl: Block): Expr | undefined {
  return decl.body.attributes.find((a) => a.name === 'type')?.expr;
}

/** Terraform parses -var and TF_VAR_ values as HCL only for non-primitive types. */
function isComplexType(t: Expr | undefined): boolean {
  if (!t) return false;
  if (t.kind === 'scope') return !['string', 'number', 'bool', 'any'].includes(t.name);
  return true;
}
