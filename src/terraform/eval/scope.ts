// What an expression can refer to. The module reader implements it (lazily,
// so only the variables and locals a setting needs are ever evaluated).
import { EvalError, type Value } from './value.ts';
import type { FileAccess } from './fileaccess.ts';
import type { Type } from './types.ts';
import type { MarkSource } from './marks.ts';

export interface Scope {
  /** `var.NAME`; throws EvalError for an undeclared variable. */
  variable(name: string): Value;
  /** `local.NAME`; throws EvalError for an undefined or cyclic local. */
  local(name: string): Value;
  readonly workspace: string;
  /** `path.module`, `path.root`, `path.cwd`. */
  readonly path: { module: string; root: string; cwd: string };
  /** `each.key` / `each.value` in a provider with for_each. */
  readonly each?: { key: Value; value: Value };
  /** Iterators of `dynamic` blocks (`assume_role.value`), by name. */
  readonly iterators?: ReadonlyMap<string, Value>;
  /**
   * Shared by every scope of one read, so chains of locals across modules
   * cannot overflow the stack, and nested `for`s over big lists cannot run
   * for hours (`steps`, counted by the evaluator).
   */
  readonly guard: { depth: number; steps?: number };
  /** Where function calls are not allowed (a .tfvars file, a -var value): why. */
  readonly noCalls?: string;
  /** For file(), fileexists(), templatefile()…; without it they are unknown. */
  readonly files?: FileAccess;
  /** The declared type of `var.NAME` (`any` when it has none), for what a conversion makes of its null; undefined: unknown. */
  variableType?(name: string): Type | undefined;
  /** templatefile(): only the given variables (and for-directive names) may be referred to. */
  readonly templateVars?: ReadonlySet<string>;
  /** Sensitivity of the module's variables and locals (issensitive(), explain); without it, unknown. */
  readonly marks?: MarkSource;
}

/** Recursion budget for nested evaluation (expressions within locals within locals…). */
export const MAX_EVAL_DEPTH = 400;

/**
 * Work budget of one read: an evaluated node is a step, a produced string or
 * list one more step per 64 characters or 256 items. Real provider and
 * backend settings take hundreds; this is about a second of work.
 */
export const MAX_EVAL_STEPS = 2_000_000;

/** A scope with nothing in it: tfvars files and -var values are evaluated here. */
export function emptyScope(guard = { depth: 0 }, constantsOnly?: string): Scope {
  const none = (kind: string) => (name: string): never => {
    throw new EvalError(`${kind}.${name} cannot be used here`, true);
  };
  return { variable: none('var'), local: none('local'), workspace: 'default', path: { module: '.', root: '.', cwd: '.' }, guard, ...(constantsOnly ? { noCalls: constantsOnly } : {}) };
}
