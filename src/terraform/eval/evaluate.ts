// Evaluates an expression tree to a Value. Terraform's semantics where tfw
// needs them; anything that depends on resources, data sources or other
// modules' outputs becomes an Unknown with a reason, never an exception.
import type { Expr, TemplatePart } from '../hcl/ast.ts';
import { callFunction, goClean } from './functions.ts';
import { MarkAnalysis } from './marks.ts';
import { FILE_FUNCTIONS, callFileFunction } from './filefns.ts';
import { templatestring } from './templatestring.ts';
import { typeOfValue, unifyTypes } from './unify.ts';
import { add, cmp, formatNumber, isInteger, mod, mul, neg, numEqual, parseNumber, quo, sub, toBigInt } from './numbers.ts';
import { convert, kindOf, primitiveToString, shape, tag, type Type } from './types.ts';
import { MAX_EVAL_DEPTH, MAX_EVAL_STEPS, type Scope } from './scope.ts';
import {
  EvalError, Unknown, checkItems, checkString, equal, hasKey, isCollection, isObject, isUnknown, makeObject,
  primitiveType, toBool, toNumber, toStr, typeName, type ObjectValue, type Value,
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

const ASCII = /^[\x00-\x7f]*$/;

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
      const v = this.evalInner(e);
      // cty keeps every string in Unicode normal form C.
      return typeof v === 'string' && !ASCII.test(v) ? v.normalize('NFC') : v;
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
      case 'literal':
        if (e.num !== undefined) return parseNumber(e.num, 'number literal');
        return e.value;
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
      case 'tuple': return tag(checkItems(e.items.map((i) => this.eval(i))), 'tuple');
      case 'object': {
        const out = tag(makeObject(), 'object');
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
        if (e.op === '!') return !toBool(v, 'operand of "!"');
        return neg(toNumber(v, 'operand of "-"')); // -0 stays -0, as in cty
      }
      case 'binary': return this.binary(e.op, e.left, e.right);
      case 'conditional': return this.conditional(e);
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
        // path.cwd is terraform's os.Getwd() before its -chdir (filepath.Abs, so cleaned), as the reader worked it out
        if (e.name === 'cwd') {
          const wd = this.scope.files?.wd?.start;
          return wd === undefined ? new Unknown('path.cwd: terraform\'s working directory is not known here') : goClean(wd);
        }
        if (e.name === 'module' || e.name === 'root') return this.scope.path[e.name];
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
    if (obj === null) {
      // HCL: a null of a sequence type is an error, any other null an empty tuple
      const t = this.nullType(objectExpr);
      if (t === undefined) return new Unknown('a splat of a null whose type tfw does not know (a list\'s null is an error, another an empty tuple)');
      if (t.t === 'list' || t.t === 'set' || t.t === 'tuple') throw new EvalError('splat expressions cannot be applied to null sequences');
      return tag([], 'tuple');
    }
    const items = Array.isArray(obj) ? obj : [obj];
    const kind = Array.isArray(obj) ? kindOf(obj) : 'tuple';
    const out = items.map((item) => {
      this.splatItems.push(item);
      try {
        return this.eval(each);
      } finally {
        this.splatItems.pop();
      }
    });
    return kind === 'list' || kind === 'tuple' ? tag(out, kind) : out;
  }

  /**
   * HCL evaluates both results (errors only from the chosen one) and converts
   * the chosen one to the type both unify to: `true ? 1 : "a"` is "1",
   * `true ? 1 : true` and `true ? "a" : []` are errors.
   */
  private conditional(e: Extract<Expr, { kind: 'conditional' }>): Value {
    const c = this.eval(e.condition);
    if (isUnknown(c)) return c;
    const cond = toBool(c, 'condition');
    const chosen = this.eval(cond ? e.then : e.else);
    if (isUnknown(chosen)) return chosen;
    const otherExpr = cond ? e.else : e.then;
    let other: Value;
    try {
      other = this.eval(otherExpr);
    } catch (err) {
      if (!(err instanceof EvalError) || err.isStatic) throw err;
      // Terraform ignores the other result's error, not its type: an operator's result is typed even when it fails.
      const t = staticType(otherExpr);
      if (t === undefined) return chosen;
      if (t === 'unknown') return new Unknown(`the other result of the conditional (line ${otherExpr.line}) fails, and tfw does not know the type it would have had`);
      other = t === 'string' ? '' : t === 'number' ? 0 : false;
    }
    if (isUnknown(other)) return new Unknown(`the other result of the conditional (line ${otherExpr.line}) is unknown to tfw, and its type decides the result's: ${other.reason}`);
    if (chosen === null) return chosen;
    if (other === null) {
      // A literal null has no type; any other null (a variable's) has one, which can make a number a string.
      const literalNull = otherExpr.kind === 'literal' && otherExpr.value === null;
      return literalNull || typeof chosen === 'string' ? chosen : new Unknown('the other result of the conditional is a null whose type tfw does not know');
    }
    const tc = primitiveType(chosen);
    const to = primitiveType(other);
    const pc = tc !== undefined;
    const po = to !== undefined;
    if (pc && po) {
      if (tc === to) return chosen;
      if (tc === 'string' || to === 'string') return primitiveToString(chosen as string | number | boolean);
      throw new EvalError('the true and false results of a conditional must have consistent types');
    }
    if (pc !== po) throw new EvalError('the true and false results of a conditional must have consistent types');
    const sc = shape(chosen);
    if (sc !== undefined && sc === shape(other)) return chosen;
    return unifyResults(chosen, other);
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Value {
    if (this.scope.noCalls) throw new EvalError(`function calls are not allowed in ${this.scope.noCalls}`, true);
    if (e.name === 'try') {
      if (e.args.length === 0) throw new EvalError('try() needs at least one argument', true);
      for (const arg of e.args) {
        try {
          return this.eval(arg);
        } catch (err) {
          if (!(err instanceof EvalError) || err.isStatic) throw err;
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
        if (err instanceof EvalError && !err.isStatic) return false;
        throw err;
      }
    }
    if (this.scope.noCalls) throw new EvalError(`function calls are not allowed in ${this.scope.noCalls}`, true);
    if (e.name === 'issensitive') return this.issensitive(e);
    if (e.name === 'templatestring') return this.sized(templatestring(e, this.scope, (x) => this.eval(x), (x, s) => new Evaluator(s).eval(x)));
    const args = e.args.map((a) => this.eval(a));
    if (e.expandLast) {
      const last = args.pop()!;
      if (isUnknown(last)) return last;
      if (!Array.isArray(last)) throw new EvalError(`the "..." argument of ${e.name}() must be a list`);
      for (const v of last) args.push(v); // not a spread push: a 100k-item list would overflow the stack
    }
    if (FILE_FUNCTIONS.has(e.name)) return this.sized(callFileFunction(e.name, args, this.scope, (x, s) => new Evaluator(s).eval(x)));
    const nullTypes = e.args.map((x, i) => (args[i] === null ? this.nullType(x) : undefined));
    return this.sized(callFunction(e.name, args, nullTypes));
  }

  /** issensitive(x): whether x's whole value is marked, by the expression (eval/marks.ts). */
  private issensitive(e: Extract<Expr, { kind: 'call' }>): Value {
    if (e.args.length !== 1 || e.expandLast) throw new EvalError('issensitive() takes one argument', true);
    const v = this.eval(e.args[0]!);
    if (isUnknown(v)) return v;
    const iteration = new Set(this.locals.flatMap((f) => [...f.keys()]));
    const evaluates = (x: Expr): boolean => {
      try {
        return !isUnknown(this.eval(x));
      } catch (err) {
        if (err instanceof EvalError && !err.isStatic) return false;
        throw err;
      }
    };
    const m = new MarkAnalysis(this.scope.marks, iteration, undefined, evaluates).mark(e.args[0]!);
    return m ?? new Unknown('issensitive(): whether terraform marks this value sensitive is beyond what tfw models of marks');
  }

  /** The type of a null an expression gave, where tfw knows it: a literal null has none (any), a variable's is declared. */
  private nullType(x: Expr, depth = 0): Type | undefined {
    if (isLiteralNull(x)) return { t: 'any' };
    if (x.kind === 'paren') return this.nullType(x.expr, depth);
    if (x.kind === 'getattr' && x.object.kind === 'scope' && x.object.name === 'var' && !this.isIterationVar('var')) return this.scope.variableType?.(x.name);
    // a conversion function's null has its target type (tolist(null) is a list(any)'s null)
    if (x.kind === 'call' && !x.expandLast && x.args.length === 1) {
      const to: Record<string, Type> = { tostring: { t: 'string' }, tonumber: { t: 'number' }, tobool: { t: 'bool' }, tolist: { t: 'list', elem: { t: 'any' } }, toset: { t: 'set', elem: { t: 'any' } }, tomap: { t: 'map', elem: { t: 'any' } } };
      if (Object.prototype.hasOwnProperty.call(to, x.name)) return to[x.name];
    }
    // a local's null has the type of its expression's null (same module: its var and local refer alike)
    if (x.kind === 'getattr' && x.object.kind === 'scope' && x.object.name === 'local' && !this.isIterationVar('local') && depth < 64) {
      const le = this.scope.marks?.local(x.name);
      return le ? this.nullType(le, depth + 1) : undefined;
    }
    return undefined;
  }

  private binary(op: string, le: Expr, re: Expr): Value {
    const l = this.eval(le);
    const r = this.eval(re);
    if (isUnknown(l)) return l;
    if (isUnknown(r)) return r;
    switch (op) {
      case '==': case '!=': {
        const eq = typedEqual(l, r);
        return eq instanceof Unknown || op === '==' ? eq : !eq;
      }
      case '&&': case '||': {
        const a = toBool(l, `operand of "${op}"`);
        const b = toBool(r, `operand of "${op}"`);
        return op === '&&' ? a && b : a || b;
      }
    }
    const a = toNumber(l, `operand of "${op}"`);
    const b = toNumber(r, `operand of "${op}"`);
    switch (op) {
      case '+': return add(a, b);
      case '-': return sub(a, b);
      case '*': return mul(a, b);
      case '/': return quo(a, b);
      case '%': return mod(a, b);
      case '<': return cmp(a, b) < 0;
      case '>': return cmp(a, b) > 0;
      // cty: LessThan or Equals (equality by text, so these can differ from the exact comparison)
      case '<=': return cmp(a, b) < 0 || numEqual(a, b);
      default: return cmp(a, b) > 0 || numEqual(a, b);
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
    if (!e.keyExpr) return tag(this.sized(list), 'tuple');
    if (e.grouping) for (const [k, g] of groups) obj[k] = tag(g, 'tuple');
    return tag(obj, 'object');
  }
}

/** `null` written as such (also in parentheses): a null of no type, unlike a variable's. */
function isLiteralNull(e: Expr): boolean {
  if (e.kind === 'paren') return isLiteralNull(e.expr);
  return e.kind === 'literal' && e.value === null;
}

/** The type HCL gives an expression's result even when evaluating it fails (operators and templates); undefined: dynamic. */
function staticType(e: Expr): 'bool' | 'number' | 'string' | 'unknown' | undefined {
  switch (e.kind) {
    case 'paren': return staticType(e.expr);
    case 'literal': return e.value === null ? undefined : typeof e.value === 'boolean' ? 'bool' : typeof e.value === 'number' ? 'number' : 'string';
    case 'conditional': {
      // a failing conditional still has the type its two results unify to
      const a = staticType(e.then);
      const b = staticType(e.else);
      if (a === undefined || b === undefined || a === 'unknown' || b === 'unknown') return 'unknown';
      return a === b ? a : a === 'string' || b === 'string' ? 'string' : 'unknown';
    }
    case 'unary': return e.op === '!' ? 'bool' : 'number';
    case 'binary': return ['+', '-', '*', '/', '%'].includes(e.op) ? 'number' : 'bool';
    case 'template': return e.parts.length === 1 && e.parts[0]!.kind === 'interp' ? undefined : 'string';
    default: return undefined;
  }
}

/**
 * Two collection results of different types: cty unifies two tuples (or lists)
 * to a list, two objects (or maps) to a map, when all their elements unify
 * (`c ? [] : [var.x]`, `c ? { a = 1 } : {}`).
 */
function unifyResults(chosen: Value, other: Value): Value {
  const differ = new Unknown('the results of the conditional have types tfw does not unify');
  // HCL: convert.UnifyUnsafe of the two results' types, the chosen one converted to it
  const tyc = typeOfValue(chosen);
  const tyo = typeOfValue(other);
  if (tyc && tyo) {
    const u = unifyTypes([tyc, tyo]);
    if (u === 'nil') throw new EvalError('the true and false results of a conditional must have consistent types');
    if (u) return convert(chosen, u, 'the result of the conditional');
  }
  const kc = kindOf(chosen);
  const ko = kindOf(other);
  // tuples of one length stay tuples, objects with the same attributes objects: tfw cannot type them here
  if (kc === 'tuple' && ko === 'tuple' && Array.isArray(chosen) && Array.isArray(other) && chosen.length === other.length) return differ;
  if (kc === 'object' && ko === 'object' && isObject(chosen) && isObject(other)) {
    const a = Object.keys(chosen).sort().join('\0');
    if (a === Object.keys(other).sort().join('\0')) return differ;
  }
  const seq = (k: string | undefined) => k === 'tuple' || k === 'list';
  const rec = (k: string | undefined) => k === 'object' || k === 'map';
  let items: Value[];
  let others: Value[];
  if (seq(kc) && seq(ko) && Array.isArray(chosen) && Array.isArray(other)) {
    items = chosen;
    others = other;
  } else if (rec(kc) && rec(ko) && isObject(chosen) && isObject(other)) {
    items = Object.keys(chosen).map((k) => chosen[k]!);
    others = Object.keys(other).map((k) => other[k]!);
  } else if ((seq(kc) && rec(ko)) || (rec(kc) && seq(ko))) {
    throw new EvalError('the true and false results of a conditional must have consistent types');
  } else {
    return differ;
  }
  const all = [...items, ...others].filter((x) => x !== null);
  if (all.length === 0) return differ;
  if (all.every((x) => !isCollection(x))) {
    const types = new Set(all.map((x) => primitiveType(x)));
    if (types.size > 1 && !types.has('string')) throw new EvalError('the true and false results of a conditional must have consistent types');
    const conv = (x: Value) => (x === null || types.size === 1 ? x : primitiveToString(x as string | number | boolean));
    if (Array.isArray(chosen)) return tag(chosen.map(conv), 'list');
    return tag(makeObject(Object.keys(chosen as ObjectValue).map((k) => [k, conv((chosen as ObjectValue)[k]!)])), 'map');
  }
  const first = shape(all[0]!);
  if (first === undefined || !all.every((x) => shape(x) === first)) return differ;
  return Array.isArray(chosen) ? tag([...chosen], 'list') : tag(makeObject(Object.entries(chosen as ObjectValue)), 'map');
}

/**
 * `==` as cty's Equals: values of different types are unequal (a list is never
 * equal to a tuple, a map never to an object). Unknown where tfw cannot tell
 * the types apart.
 */
function typedEqual(l: Value, r: Value): boolean | Unknown {
  if (l === null || r === null) return l === r;
  if (!isCollection(l) || !isCollection(r)) return equal(l, r);
  const kl = kindOf(l);
  const kr = kindOf(r);
  if (kl === undefined || kr === undefined) return new Unknown('== on a collection whose type tfw does not track');
  if (kl !== kr) return false;
  if (kl === 'tuple' || kl === 'object') {
    const sl = shape(l);
    if (sl === undefined || sl !== shape(r)) return sl === undefined ? new Unknown('== on collections tfw cannot type') : false;
    return equal(l, r);
  }
  // Lists, sets and maps: equal elements are equal only with the same element type.
  const sl = shape(l);
  const sr = shape(r);
  if (sl === undefined || sr === undefined) return new Unknown('== on collections whose element type tfw cannot tell');
  return sl === sr && equal(l, r);
}

/** Indexing and attribute access on a known value. */
function index(obj: Value, key: Value): Value {
  if (obj === null) throw new EvalError('cannot index a null value');
  if (kindOf(obj) === 'set') throw new EvalError('elements of a set cannot be accessed by index');
  if (Array.isArray(obj)) {
    // cty's HasIndex: a whole number in range, anything else "does not identify an element" (an ordinary error)
    const n = toNumber(key, 'list index');
    const i = isInteger(n) ? toBigInt(n) : -1n;
    if (i < 0n || i >= BigInt(obj.length)) throw new EvalError(`list index ${formatNumber(n)} out of range`);
    return obj[Number(i)]!;
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
  if (Array.isArray(coll)) return kindOf(coll) === 'set' ? coll.map((v) => [v, v]) : coll.map((v, i) => [i, v]);
  if (isObject(coll)) return Object.keys(coll).sort().map((k) => [k, (coll as ObjectValue)[k]!]);
  if (coll === null) throw new EvalError('cannot iterate over null');
  throw new EvalError(`cannot iterate over a ${typeName(coll)}`);
}
