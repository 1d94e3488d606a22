// Sensitivity marks, the smallest model that is exact where it answers.
//
// Terraform (cty) marks a value `sensitive` when it comes from a variable
// declared `sensitive = true` or from `sensitive()`, and carries the mark
// through operators, templates, conditionals (all three operands), indexing
// and most functions; a tuple or object constructor is not marked by what it
// holds (only its elements are), `nonsensitive()`, `issensitive()` and `can()`
// drop it. tfw keeps no marks on its values: it answers "is the *whole*
// result marked?" from the expression itself, after it evaluated fine:
//   - false when no sensitive source is reachable from the expression (through
//     locals too): then nothing in the value can carry a mark;
//   - true/false by the rules above, checked one by one against
//     `terraform console` (test/terraform/corpus-e15b.ts);
//   - undefined (unknown) anywhere else: a mark deep inside a collection, a
//     function whose marks tfw has not checked, try() with several arguments…
import type { Expr, TemplatePart } from '../hcl/ast.ts';

/** Whether the whole value is marked sensitive; undefined: tfw cannot tell. */
export type Mark = boolean | undefined;

/** What the module knows of its variables' and locals' marks (src/terraform/scope.ts). */
export interface MarkSource {
  /** `var.NAME`: declared sensitive → true; undefined when tfw cannot tell. */
  variable(name: string): Mark;
  /** Whether anything in `var.NAME` may carry a mark (false: certainly nothing). */
  variableMay(name: string): boolean;
  /** The expression of `local.NAME` in the same module. */
  local(name: string): Expr | undefined;
  /** Whether an expression of the module (a local's) evaluates without an error. */
  evaluates?(e: Expr): boolean;
}

/**
 * Functions whose result is marked when an argument at one of these positions is
 * (checked with terraform 1.11: `lookup`'s default is not such an argument).
 * 'all': every argument (functions of plain strings and numbers).
 */
const PROPAGATES: Record<string, number[] | 'all'> = {
  upper: 'all', lower: 'all', title: 'all', trimspace: 'all', trim: 'all', format: 'all', formatlist: 'all',
  join: 'all', replace: 'all', substr: 'all', split: 'all', regex: 'all', startswith: 'all', endswith: 'all',
  tonumber: 'all', tostring: 'all', tobool: 'all', base64encode: 'all', base64decode: 'all', md5: 'all',
  sha1: 'all', sha256: 'all', sha512: 'all', abs: 'all', max: 'all', min: 'all', jsonencode: 'all',
  yamlencode: 'all', strrev: 'all', length: [0], concat: [0], contains: [0, 1], element: [0], keys: [0],
  values: [0], merge: 'all', flatten: [0], toset: [0], tolist: [0], tomap: [0], distinct: [0], reverse: [0],
  slice: [0], coalesce: 'all', coalescelist: [0], compact: [0], setunion: [0], zipmap: [0], index: [0],
  sort: [0], one: [0], sum: [0],
};

/** Functions whose result is marked when a mark sits anywhere inside an argument (`join(",", [var.secret])`). */
const DEEP = new Set(['contains', 'yamlencode', 'jsonencode', 'join', 'distinct', 'toset', 'formatlist', 'sort', 'index', 'coalescelist', 'compact', 'one', 'sum']);

/** Functions whose result carries only their arguments' own marks, those inside staying inside (`tolist([var.secret])`). */
const SHALLOW = new Set(['length', 'concat', 'flatten', 'merge', 'values', 'tomap', 'tolist', 'reverse', 'slice', 'keys']);

/** Calls whose result never carries the mark of their argument. */
const DROPS = new Set(['nonsensitive', 'issensitive', 'can']);

export class MarkAnalysis {
  constructor(
    private readonly src: MarkSource | undefined,
    private readonly iterationVars: ReadonlySet<string> = new Set(),
    private readonly shared = { visiting: new Set<string>(), mayMemo: new Map<string, boolean>() },
    /** Whether an expression evaluates without an error, in the caller's scope (to know which argument of try() is the result). */
    private readonly evaluates?: (e: Expr) => boolean,
  ) {}

  /** The analysis of a local's own expression (no iteration variables there). */
  private forLocal(): MarkAnalysis {
    return new MarkAnalysis(this.src, new Set(), this.shared, this.src?.evaluates?.bind(this.src));
  }

  /** Whether the whole value of `e` is marked (see the file comment). */
  mark(e: Expr): Mark {
    if (!this.may(e)) return false;
    switch (e.kind) {
      case 'literal': case 'splatItem': return false;
      case 'paren': return this.mark(e.expr);
      case 'scope': return undefined; // an iteration variable
      case 'getattr': {
        const ref = this.reference(e);
        if (ref) return ref.kind === 'var' ? this.src?.variable(ref.name) : this.localMark(ref.name);
        return this.element(e.object, { kind: 'literal', value: e.name, line: e.line });
      }
      case 'index': return this.element(e.object, e.key);
      case 'template': return this.templateMark(e.parts);
      case 'unary': return this.mark(e.operand);
      case 'binary': {
        if (this.has(e.left) || this.has(e.right)) return true;
        const m = this.any([e.left, e.right]);
        // == and != look inside collections: a mark there marks the result
        if (m === false && (e.op === '==' || e.op === '!=') && (this.may(e.left) || this.may(e.right))) return undefined;
        return m;
      }
      case 'conditional': {
        const c = this.mark(e.condition);
        if (c === true) return true;
        let result: Mark = c;
        for (const branch of [e.then, e.else]) {
          const m = this.mark(branch);
          if (m === false) continue;
          // both results are evaluated, but one that fails gives no mark (the other is the result)
          const evaluated = this.evaluates?.(branch);
          if (evaluated === false) continue;
          if (evaluated === undefined) return undefined;
          if (m === true) return true;
          result = undefined;
        }
        return result;
      }
      case 'tuple': return false;
      case 'object': return this.any(e.items.map((i) => i.key));
      case 'for': return this.mark(e.collection) === true ? true : undefined;
      case 'splat': return this.mark(e.object) === true ? true : undefined;
      case 'call': {
        if (e.name === 'sensitive') return true;
        if (DROPS.has(e.name)) return false;
        if (e.name === 'try') {
          // the first argument that evaluates is the result: known when they all agree
          const marks = e.args.map((a) => this.mark(a));
          if (marks.every((m) => m === marks[0])) return marks[0];
          if (!this.evaluates) return undefined;
          const first = e.args.findIndex((a) => this.evaluates!(a));
          return first < 0 ? undefined : marks[first];
        }
        if (e.name === 'lookup' && !e.expandLast) return this.lookup(e.args);
        const positions = PROPAGATES[e.name];
        if (!positions || e.expandLast) return undefined;
        const args = positions === 'all' ? e.args : positions.map((i) => e.args[i]).filter((x): x is Expr => x !== undefined);
        if (args.some((a) => this.mark(a) === true)) return true;
        if (DEEP.has(e.name) && args.some((a) => this.has(a))) return true;
        if (SHALLOW.has(e.name) && e.args.every((a) => this.mark(a) === false)) return false;
        return undefined;
      }
    }
  }

  /** Whether anything in the value of `e` may carry a mark: false only when no sensitive source is reachable. */
  may(e: Expr): boolean {
    switch (e.kind) {
      case 'literal': case 'splatItem': return false;
      // an iteration variable of the caller's for or dynamic block may hold anything; each.* and the rest carry no mark
      case 'scope': return this.iterationVars.has(e.name);
      case 'paren': return this.may(e.expr);
      case 'getattr': {
        const ref = this.reference(e);
        if (ref) return ref.kind === 'var' ? (this.src ? this.src.variableMay(ref.name) : true) : this.mayLocal(ref.name);
        return this.may(e.object);
      }
      case 'index': return this.may(e.object) || this.may(e.key);
      case 'splat': return this.may(e.object) || this.may(e.each);
      case 'template': return templateExprs(e.parts).some((x) => this.may(x));
      case 'unary': return this.may(e.operand);
      case 'binary': return this.may(e.left) || this.may(e.right);
      case 'conditional': return this.may(e.condition) || this.may(e.then) || this.may(e.else);
      case 'tuple': return e.items.some((x) => this.may(x));
      case 'object': return e.items.some((i) => this.may(i.key) || this.may(i.value));
      case 'for': return [e.collection, e.keyExpr, e.valueExpr, e.condition].some((x) => x !== undefined && this.may(x));
      case 'call': return e.name === 'sensitive' || e.args.some((x) => this.may(x));
    }
  }

  /** A template: its interpolations' marks; directives' only where tfw is sure which parts were evaluated. */
  private templateMark(parts: TemplatePart[]): Mark {
    let result: Mark = false;
    for (const p of parts) {
      let m: Mark;
      if (p.kind === 'text') continue;
      if (p.kind === 'interp') m = this.mark(p.expr);
      else if (p.kind === 'if') {
        // both results count (as in a conditional), but one may have failed
        const c = this.mark(p.condition);
        if (c === true) return true;
        m = c === false && this.templateMark(p.then) === false && this.templateMark(p.else) === false ? false : undefined;
      } else {
        // the body counts only when the collection is not empty
        const c = this.mark(p.collection);
        if (c === true) return true;
        // (and its variables hold the collection's elements, with whatever marks they carry)
        m = c === false && !this.may(p.collection) && !templateExprs(p.body).some((x) => this.may(x)) ? false : undefined;
      }
      if (m === true) return true;
      if (m === undefined) result = undefined;
    }
    return result;
  }

  /** Whether a mark certainly sits somewhere in the value of `e` (on it or inside it); false: not known to. */
  has(e: Expr, depth = 0): boolean {
    if (depth > 50) return false;
    if (this.mark(e) === true) return true;
    switch (e.kind) {
      case 'paren': return this.has(e.expr, depth + 1);
      case 'tuple': return e.items.some((x) => this.has(x, depth + 1));
      case 'object': {
        // a later item with the same key replaces an earlier one; a computed key may replace any
        const last = new Map<string, Expr>();
        for (const i of e.items) if (i.key.kind === 'literal') last.set(String(i.key.value), i.value);
        const computed = e.items.some((i) => i.key.kind !== 'literal');
        return !computed && [...last.values()].some((v) => this.has(v, depth + 1));
      }
      case 'getattr': {
        const ref = this.reference(e);
        if (ref?.kind !== 'local') return false;
        const x = this.src?.local(ref.name);
        return x !== undefined && this.forLocal().has(x, depth + 1);
      }
      default: return false;
    }
  }

  /** lookup(map, key, default): the element's own mark, or the default's when the key is absent. */
  private lookup(args: Expr[]): Mark {
    const [m, k, d] = args;
    if (!m || !k) return undefined;
    if (this.mark(m) === true || this.mark(k) === true) return true;
    const lit = this.literalOf(m);
    if (lit?.kind !== 'object' || k.kind !== 'literal' || k.value === null || lit.items.some((i) => i.key.kind !== 'literal')) return undefined;
    const found = lit.items.filter((i) => i.key.kind === 'literal' && String(i.key.value) === String(k.value));
    if (found.length > 1) return undefined;
    if (found.length === 1) return this.mark(found[0]!.value);
    return d ? this.mark(d) : undefined;
  }

  /** `var.X` / `local.X` (not an iteration variable named var or local). */
  private reference(e: Extract<Expr, { kind: 'getattr' }>): { kind: 'var' | 'local'; name: string } | undefined {
    if (e.object.kind !== 'scope' || this.iterationVars.has(e.object.name)) return undefined;
    if (e.object.name === 'var' || e.object.name === 'local') return { kind: e.object.name, name: e.name };
    return undefined;
  }

  private any(es: Expr[]): Mark {
    let all = true;
    for (const x of es) {
      const m = this.mark(x);
      if (m === true) return true;
      if (m === undefined) all = false;
    }
    return all ? false : undefined;
  }

  /** `coll[key]`: marked with the collection's or the key's mark, else the element's own. */
  private element(coll: Expr, key: Expr): Mark {
    const c = this.mark(coll);
    const k = this.mark(key);
    if (c === true || k === true) return true;
    if (c === undefined || k === undefined) return undefined;
    const lit = this.literalOf(coll);
    if (!lit || key.kind !== 'literal' || key.value === null) return undefined;
    if (lit.kind === 'tuple' && typeof key.value === 'number') {
      const item = lit.items[key.value];
      return item ? this.mark(item) : undefined;
    }
    if (lit.kind === 'object') {
      const keyText = String(key.value);
      const matches = lit.items.filter((i) => i.key.kind === 'literal' && String(i.key.value) === keyText);
      if (matches.length !== 1 || lit.items.some((i) => i.key.kind !== 'literal')) return undefined;
      return this.mark(matches[0]!.value);
    }
    return undefined;
  }

  /** The tuple or object literal an expression is (through parentheses and locals), if it is one. */
  private literalOf(e: Expr, depth = 0): Extract<Expr, { kind: 'tuple' | 'object' }> | undefined {
    if (depth > 50) return undefined;
    if (e.kind === 'tuple' || e.kind === 'object') return e;
    if (e.kind === 'paren') return this.literalOf(e.expr, depth + 1);
    if (e.kind === 'getattr') {
      const ref = this.reference(e);
      if (ref?.kind === 'local') {
        const x = this.src?.local(ref.name);
        return x ? this.literalOf(x, depth + 1) : undefined;
      }
    }
    return undefined;
  }

  private localMark(name: string): Mark {
    const x = this.src?.local(name);
    const { visiting } = this.shared;
    if (!x || visiting.has(`mark ${name}`)) return undefined;
    visiting.add(`mark ${name}`);
    try {
      return this.forLocal().mark(x);
    } finally {
      visiting.delete(`mark ${name}`);
    }
  }

  private mayLocal(name: string): boolean {
    const { visiting, mayMemo } = this.shared;
    const memo = mayMemo.get(name);
    if (memo !== undefined) return memo;
    const x = this.src?.local(name);
    if (!x || visiting.has(`may ${name}`)) return true;
    visiting.add(`may ${name}`);
    try {
      const r = this.forLocal().may(x);
      mayMemo.set(name, r);
      return r;
    } finally {
      visiting.delete(`may ${name}`);
    }
  }
}

function templateExprs(parts: TemplatePart[]): Expr[] {
  const out: Expr[] = [];
  for (const p of parts) {
    if (p.kind === 'interp') out.push(p.expr);
    else if (p.kind === 'if') out.push(p.condition, ...templateExprs(p.then), ...templateExprs(p.else));
    else if (p.kind === 'forDirective') out.push(p.collection, ...templateExprs(p.body));
  }
  return out;
}
