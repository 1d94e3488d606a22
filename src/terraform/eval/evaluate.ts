// Evaluates an expression tree to a Value. Terraform's semantics where tfw
// needs them; anything that depends on resources, data sources or other
// modules' outputs becomes an Unknown with a reason, never an exception.
import type { Expr, TemplatePart } from '../hcl/ast.ts';
import { callFunction } from './functions.ts';
import { MAX_EVAL_DEPTH, MAX_EVAL_STEPS, type Scope } from './scope.ts';
import {
  EvalError, Unknown, checkItems, checkString, equal, hasKey, isObject, isUnknown, makeObject,
  toBool, toNum, toStr, typeName, type ObjectValue, type Value,
} from './value.ts';

/**
 * Evaluates `expr`. Returns Unknown for what tfw cannot know; throws EvalError
 * for what terraform itself would reject (use `evaluateSafely` to get both as a value).
 */
export function evaluate(expr: Expr, scope: Scope): Value {
  return new Evaluator(scope).eval(expr);
}

/** Like evaluate, but an EvalError (or runaway recursion) comes back as an Unknown with its message. */
export function evaluateSafely(expr: Expr, scope: Scope): Value {
  try {
    return evaluate(expr, scope);
  } catch (e) {
    if (e instanceof EvalError) return new Unknown(e.message);
    if (e instanceof RangeError) return new Unknown('expression nested too deeply');
    throw e;
  }
}

const REFERENCE_ROOTS: Record<string, string> = {
  data: 'a data source',
  module: 'a module output',
  resource: 'a resource',
  self: 'self',
  count: 'count',
};

class Evaluator {
  /** for-expression and template-for variables, innermost last. */
  private readonly locals: Map<string, Value>[] = [];
  private readonly splatItems: Value[] = [];

  constructor(private readonly scope: Scope) {
    // A dynamic block's iterator behaves like a for-expression variable.
    if (scope.iterators) this.locals.push(new Map(scope.iterators));
  }

  eval(e: Expr): Value {
    const guard = this.scope.guard;
    this.charge(1);
    if (++guard.depth > MAX_EVAL_DEPTH) {
      guard.depth--;
      throw new EvalError('expression nested too deeply');
    }
    try {
      return this.evalInner(e);
    } finally {
      guard.depth--;
    }
  }

  /** Counts work against the read's budget (see MAX_EVAL_STEPS). */
  private charge(steps: number): void {
    const guard = this.scope.guard;
    guard.steps = (guard.steps ?? 0) + steps;
    if (guard.steps > MAX_EVAL_STEPS) throw new EvalError('too much work to evaluate (tfw gives up on this setting; terraform will evaluate it)');
  }

  /** Charges for a produced value by its size, then returns it. */
  private sized<V extends Value>(v: V): V {
    if (typeof v === 'string') this.charge(v.length >> 6);
    else if (Array.isArray(v)) this.charge(v.length >> 8);
    return v;
  }

  private evalInner(e: Expr): Value {
    switch (e.kind) {
      case 'literal': return e.value;
      case 'paren': return this.eval(e.expr);
      case 'template': return this.sized(this.template(e.parts));
      case 'scope': return this.name(e.name);
      case 'splatItem': return this.splatItems[this.splatItems.length - 1] ?? null;
      case 'getattr': return this.getattr(e);
      case 'index': {
        const obj = this.eval(e.object);
        if (isUnknown(obj)) return obj;
        const key = this.eval(e.key);
        if (isUnknown(key)) return key;
        return index(obj, key);
      }
      case 'splat': return this.splat(e.object, e.each);
      case 'call': return this.call(e);
      case 'tuple': return checkItems(e.items.map((i) => this.eval(i)));
      case 'object': {
        const out = makeObject();
        for (const item of e.items) {
          const k = this.eval(item.key);
          if (isUnknown(k)) return k;
          out[toStr(k, 'object key')] = this.eval(item.value);
        }
        return out;
      }
      case 'unary': {
        const v = this.eval(e.operand);
        if (isUnknown(v)) return v;
        return e.op === '!' ? !toBool(v, 'operand of "!"') : -toNum(v, 'operand of "-"');
      }
      case 'binary': return this.binary(e.op, e.left, e.right);
      case 'conditional': {
        const c = this.eval(e.condition);
        if (isUnknown(c)) return c;
        return toBool(c, 'condition') ? this.eval(e.then) : this.eval(e.else);
      }
      case 'for': return this.forExpr(e);
    }
  }

  private name(name: string): Value {
    for (let i = this.locals.length - 1; i >= 0; i--) {
      const frame = this.locals[i]!;
      if (frame.has(name)) return frame.get(name)!;
    }
    if (name === 'var' || name === 'local' || name === 'path' || name === 'terraform' || name === 'each') {
      return new Unknown(`"${name}" used without an attribute`);
    }
    return new Unknown(`refers to ${REFERENCE_ROOTS[name] ?? `the resource type "${name}"`}, known only to terraform`);
  }

  private getattr(e: Extract<Expr, { kind: 'getattr' }>): Value {
    const root = e.object.kind === 'scope' && !this.isIterationVar(e.object.name) ? e.object.name : undefined;
    switch (root) {
      case 'var': return this.scope.variable(e.name);
      case 'local': return this.scope.local(e.name);
      case 'terraform':
        if (e.name === 'workspace') return this.scope.workspace;
        return new Unknown(`terraform.${e.name} is not known to tfw`);
      case 'path':
        if (e.name === 'module' || e.name === 'root' || e.name === 'cwd') return this.scope.path[e.name];
        throw new EvalError(`unknown attribute path.${e.name}`);
      case 'each':
        if (!this.scope.each) throw new EvalError('each.* can only be used with for_each');
        if (e.name === 'key') return this.scope.each.key;
        if (e.name === 'value') return this.scope.each.value;
        throw new EvalError(`unknown attribute each.${e.name}`);
      case 'data':
      case 'module':
        return new Unknown(`refers to ${e.object.kind === 'scope' ? e.object.name : ''}.${e.name}, known only to terraform`);
      default:
        break;
    }
    if (root !== undefined && !REFERENCE_ROOTS[root]) {
      return new Unknown(`refers to ${root}.${e.name}, known only to terraform`);
    }
    const obj = this.eval(e.object);
    if (isUnknown(obj)) return obj;
    return index(obj, e.name);
  }

  private isIterationVar(name: string): boolean {
    return this.locals.some((f) => f.has(name));
  }

  private template(parts: TemplatePart[]): Value {
    // A template that is a single interpolation yields the value itself, unconverted.
    if (parts.length === 1 && parts[0]!.kind === 'interp') return this.eval(parts[0]!.expr);
    const out = this.templateParts(parts);
    return out;
  }

  private templateParts(parts: TemplatePart[]): string | Unknown {
    let s = '';
    for (const p of parts) {
      switch (p.kind) {
        case 'text': s += p.text; break;
        case 'interp': {
          const v = this.eval(p.expr);
          if (isUnknown(v)) return v;
          s += toStr(v, 'interpolated value');
          break;
        }
        case 'if': {
          const c = this.eval(p.condition);
          if (isUnknown(c)) return c;
          const r = this.templateParts(toBool(c, 'template condition') ? p.then : p.else);
          if (isUnknown(r)) return r;
          s += r;
          break;
        }
        case 'forDirective': {
          const coll = this.eval(p.collection);
          if (isUnknown(coll)) return coll;
          for (const [k, v] of entries(coll)) {
            const frame = new Map<string, Value>([[p.valueVar, v]]);
            if (p.keyVar) frame.set(p.keyVar, k);
            this.locals.push(frame);
            try {
              const r = this.templateParts(p.body);
              if (isUnknown(r)) return r;
              s += r;
            } finally {
              this.locals.pop();
            }
          }
          break;
        }
      }
      checkString(s);
    }
    return s;
  }

  private splat(objectExpr: Expr, each: Expr): Value {
    const obj = this.eval(objectExpr);
    if (isUnknown(obj)) return obj;
    if (obj === null) return [];
    const items = Array.isArray(obj) ? obj : [obj];
    return items.map((item) => {
      this.splatItems.push(item);
      try {
        return this.eval(each);
      } finally {
        this.splatItems.pop();
      }
    });
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Value {
    if (e.name === 'try') {
      for (const arg of e.args) {
        try {
          return this.eval(arg);
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
        }
      }
      throw new EvalError('no argument of try() could be evaluated');
    }
    if (e.name === 'can') {
      if (e.args.length !== 1) throw new EvalError('can() takes one argument');
      try {
        const v = this.eval(e.args[0]!);
        return isUnknown(v) ? v : true;
      } catch (err) {
        if (err instanceof EvalError) return false;
        throw err;
      }
    }
    const args = e.args.map((a) => this.eval(a));
    if (e.expandLast) {
      const last = args.pop()!;
      if (isUnknown(last)) return last;
      if (!Array.isArray(last)) throw new EvalError(`the "..." argument of ${e.name}() must be a list`);
      for (const v of last) args.push(v); // not a spread push: a 100k-item list would overflow the stack
    }
    return this.sized(callFunction(e.name, args));
  }

  private binary(op: string, le: Expr, re: Expr): Value {
    const l = this.eval(le);
    const r = this.eval(re);
    if (isUnknown(l)) return l;
    if (isUnknown(r)) return r;
    switch (op) {
      case '==': return equal(l, r);
      case '!=': return !equal(l, r);
      case '&&': return toBool(l, 'operand of "&&"') && toBool(r, 'operand of "&&"');
      case '||': return toBool(l, 'operand of "||"') || toBool(r, 'operand of "||"');
    }
    const a = toNum(l, `operand of "${op}"`);
    const b = toNum(r, `operand of "${op}"`);
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/':
        if (b === 0) throw new EvalError('division by zero');
        return a / b;
      case '%':
        if (b === 0) throw new EvalError('modulo by zero');
        return a % b;
      case '<': return a < b;
      case '>': return a > b;
      case '<=': return a <= b;
      default: return a >= b;
    }
  }

  private forExpr(e: Extract<Expr, { kind: 'for' }>): Value {
    const coll = this.eval(e.collection);
    if (isUnknown(coll)) return coll;
    const list: Value[] = [];
    const obj = makeObject();
    const groups = new Map<string, Value[]>();
    for (const [k, v] of entries(coll)) {
      const frame = new Map<string, Value>([[e.valueVar, v]]);
      if (e.keyVar) frame.set(e.keyVar, k);
      this.locals.push(frame);
      try {
        if (e.condition) {
          const c = this.eval(e.condition);
          if (isUnknown(c)) return c;
          if (!toBool(c, 'for condition')) continue;
        }
        const value = this.eval(e.valueExpr);
        if (!e.keyExpr) {
          list.push(value);
          checkItems(list);
          continue;
        }
        const key = this.eval(e.keyExpr);
        if (isUnknown(key)) return key;
        const ks = toStr(key, 'for key');
        if (e.grouping) {
          const g = groups.get(ks) ?? [];
          g.push(value);
          groups.set(ks, g);
        } else {
          if (hasKey(obj, ks)) throw new EvalError(`duplicate key "${ks}" in a for expression (use "..." to group)`);
          obj[ks] = value;
        }
      } finally {
        this.locals.pop();
      }
    }
    if (!e.keyExpr) return this.sized(list);
    if (e.grouping) for (const [k, g] of groups) obj[k] = g;
    return obj;
  }
}

/** Indexing and attribute access on a known value. */
function index(obj: Value, key: Value): Value {
  if (obj === null) throw new EvalError('cannot index a null value');
  if (Array.isArray(obj)) {
    const n = toNum(key, 'list index');
    if (!Number.isInteger(n) || n < 0 || n >= obj.length) throw new EvalError(`list index ${n} out of range`);
    return obj[n]!;
  }
  if (isObject(obj)) {
    const k = toStr(key, 'key');
    if (!hasKey(obj, k)) throw new EvalError(`no key or attribute "${k}"`);
    return obj[k]!;
  }
  throw new EvalError(`cannot index a ${typeName(obj)}`);
}

/** Iteration order as terraform's: lists by index, maps by key in lexical order. */
function entries(coll: Value): [Value, Value][] {
  if (Array.isArray(coll)) return coll.map((v, i) => [i, v]);
  if (isObject(coll)) return Object.keys(coll).sort().map((k) => [k, (coll as ObjectValue)[k]!]);
  if (coll === null) throw new EvalError('cannot iterate over null');
  throw new EvalError(`cannot iterate over a ${typeName(coll)}`);
}
