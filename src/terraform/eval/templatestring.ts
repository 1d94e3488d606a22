// templatestring(ref, vars) as terraform 1.11 has it
// (internal/lang/funcs/string.go, MakeTemplateStringFunc): the first argument
// must be a direct reference to a string from elsewhere (`local.t`,
// `var.m["k"]`, a splat of one), never a template or any other expression;
// its value is parsed as a template and rendered with only `vars`, as
// templatefile() renders, without the file functions and without
// templatefile/templatestring themselves; the result must not be null and
// is converted to a string.
import type { Expr } from '../hcl/ast.ts';
import { renderTemplate } from './filefns.ts';
import type { Scope } from './scope.ts';
import { EvalError, Unknown, findUnknown, isCollection, toStr, type Value } from './value.ts';

/** isValidTemplateStringExpr: a scope traversal, an index or a splat of one. */
function isReference(e: Expr): boolean {
  switch (e.kind) {
    case 'scope': return true;
    case 'getattr': case 'index': case 'splat': return isReference(e.object);
    default: return false;
  }
}

export function templatestring(
  e: Extract<Expr, { kind: 'call' }>,
  scope: Scope,
  evaluate: (x: Expr) => Value,
  render: (expr: Expr, scope: Scope) => Value,
): Value {
  if (e.args.length !== 2 || e.expandLast) throw new EvalError('templatestring() takes two arguments', true);
  if (scope.templateVars) throw new EvalError('cannot recursively call templatestring from inside another template function');
  const varsVal = evaluate(e.args[1]!);
  // cty calls no function with an unknown argument: the result is unknown, whatever the first argument is
  const u = findUnknown(varsVal);
  if (u) return u;
  const tpl = e.args[0]!;
  if (!isReference(tpl)) throw new EvalError('templatestring(): invalid template expression: must be a direct reference to a single string from elsewhere');
  const t = evaluate(tpl);
  if (t instanceof Unknown) return t;
  if (typeof t !== 'string') throw new EvalError('templatestring(): invalid template value: a string is required');
  if (varsVal === null) throw new EvalError('templatestring(): vars must not be null');
  const out = renderTemplate('templatestring', '<templatestring argument>', t, varsVal, scope, render, false);
  if (out instanceof Unknown) return out;
  if (out === null) throw new EvalError('templatestring(): the template result is null');
  if (isCollection(out)) throw new EvalError('templatestring(): invalid template result: string required');
  return toStr(out);
}
