// Recursive-descent parser for HCL native syntax. Pure: text in, tree out.
// Errors come back as a value with a line, never as an exception, and nesting
// deeper than MAX_DEPTH is reported instead of overflowing the stack.
import type { Attribute, BinaryOp, Block, Body, Expr, ObjectItem, TemplatePart } from './ast.ts';
import { HclSyntaxError } from './errors.ts';
import { tokenize, tokenizeTemplate, type Token } from './lexer.ts';

/** Far beyond any real configuration; keeps recursion well inside Node's stack. */
export const MAX_DEPTH = 128;

export interface SyntaxProblem {
  line: number;
  message: string;
  /** Past tfw's own limits (nesting), not an error terraform would report. */
  limit?: true;
}

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: SyntaxProblem };

/** A whole file (`main.tf`, a tfvars file, a -backend-config file). `file` only labels the nodes. */
export function parseHcl(text: string, file: string): ParseResult<Body> {
  return guard(() => {
    const p = new Parser(tokenize(text), file);
    return p.file();
  });
}

/** One expression, e.g. the value of `-var name=VALUE` for a list variable. */
export function parseExpression(text: string, file: string): ParseResult<Expr> {
  return guard(() => new Parser(tokenize(text), file).wholeExpression());
}

/** A bare template (the content of a JSON string): `${}` and `%{}` are live, escapes are not. */
export function parseTemplate(text: string, file: string, line: number): ParseResult<Expr> {
  return guard(() => new Parser(tokenizeTemplate(text, line), file).bareTemplate());
}

function guard<T>(fn: () => T): ParseResult<T> {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof HclSyntaxError) return { ok: false, error: e.problem() };
    if (e instanceof RangeError) return { ok: false, error: { line: 1, message: 'nesting too deep', limit: true } };
    throw e;
  }
}

const BINARY_LEVELS: readonly (readonly BinaryOp[])[] = [
  ['||'], ['&&'], ['==', '!='], ['<', '>', '<=', '>='], ['+', '-'], ['*', '/', '%'],
];

class Parser {
  private i = 0;
  /** Top says whether newlines are insignificant here (inside ( [ ${ }). */
  private readonly nl: boolean[] = [false];
  private depth = 0;
  private stripNext = false;

  constructor(
    private readonly toks: Token[],
    private readonly fileLabel: string,
  ) {}

  // ---- token helpers ----
  private peek(): Token {
    if (this.nl[this.nl.length - 1]) while (this.toks[this.i]!.kind === 'newline') this.i++;
    return this.toks[this.i]!;
  }
  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === v;
  }
  private expectPunct(v: string, what: string): Token {
    const t = this.peek();
    if (t.kind !== 'punct' || t.value !== v) this.fail(`expected "${v}" ${what}, found ${describe(t)}`, t.line);
    return this.next();
  }
  private fail(message: string, line: number): never {
    throw new HclSyntaxError(message, line);
  }
  private enter(line: number): void {
    if (++this.depth > MAX_DEPTH) throw new HclSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, line, true);
  }
  private withNewlines<T>(ignore: boolean, fn: () => T): T {
    this.nl.push(ignore);
    try { return fn(); } finally { this.nl.pop(); }
  }

  // ---- bodies ----
  file(): Body {
    return this.body(false, 0, 0);
  }

  private body(closing: boolean, level: number, openLine: number): Body {
    const attributes: Attribute[] = [];
    const blocks: Block[] = [];
    for (;;) {
      const t = this.toks[this.i]!;
      if (t.kind === 'newline') { this.i++; continue; }
      if (t.kind === 'eof') {
        if (closing) this.fail(`missing "}" to close the block opened on line ${openLine}`, openLine);
        return { attributes, blocks };
      }
      if (t.kind === 'punct' && t.value === '}') {
        if (closing) return { attributes, blocks };
        this.fail('unexpected "}"', t.line);
      }
      if (t.kind !== 'ident') this.fail(`expected an attribute or a block, found ${describe(t)}`, t.line);
      this.i++;
      const after = this.toks[this.i]!;
      if (after.kind === 'punct' && after.value === '=') {
        this.i++;
        const expr = this.expression();
        attributes.push({ name: t.value, expr, line: t.line, file: this.fileLabel });
        this.endOfItem(closing);
        continue;
      }
      blocks.push(this.block(t, level));
      this.endOfItem(closing);
    }
  }

  /** After an attribute or block: a newline, the end of input, or (one-line blocks) the closing brace. */
  private endOfItem(closing: boolean): void {
    const t = this.toks[this.i]!;
    if (t.kind === 'newline') { this.i++; return; }
    if (t.kind === 'eof') return;
    if (closing && t.kind === 'punct' && t.value === '}') return;
    this.fail(`expected a newline after the definition, found ${describe(t)}`, t.line);
  }

  private block(typeTok: Token, level: number): Block {
    const labels: string[] = [];
    for (;;) {
      const t = this.toks[this.i]!;
      if (t.kind === 'ident') { labels.push(t.value); this.i++; continue; }
      if (t.kind === 'oquote') { labels.push(this.plainString()); continue; }
      if (t.kind === 'punct' && t.value === '{') break;
      this.fail(`expected a block label or "{", found ${describe(t)}`, t.line);
    }
    this.i++; // {
    this.enter(typeTok.line);
    const first = this.toks[this.i]!;
    if (first.kind !== 'newline' && !(first.kind === 'punct' && first.value === '}')) {
      // A one-line block (`x { a = 1 }`) holds a single argument: no nested block, no second argument.
      const name = first;
      const eq = this.toks[this.i + 1];
      if (name.kind !== 'ident' || !eq || eq.kind !== 'punct' || eq.value !== '=') this.fail('a single-line block definition can contain only a single argument', first.line);
      this.i += 2;
      const expr = this.expression();
      const close = this.toks[this.i]!;
      if (close.kind !== 'punct' || close.value !== '}') this.fail('a single-line block definition can contain only a single argument', close.line);
      this.depth--;
      this.i++; // }
      return { type: typeTok.value, labels, body: { attributes: [{ name: name.value, expr, line: name.line, file: this.fileLabel }], blocks: [] }, line: typeTok.line, file: this.fileLabel };
    }
    const body = this.body(true, level + 1, typeTok.line);
    this.depth--;
    this.i++; // }
    return { type: typeTok.value, labels, body, line: typeTok.line, file: this.fileLabel };
  }

  /** A label: a quoted string without template sequences. */
  private plainString(): string {
    const open = this.toks[this.i]!;
    this.i++;
    let s = '';
    for (;;) {
      const t = this.toks[this.i]!;
      if (t.kind === 'lit') { s += t.value; this.i++; continue; }
      if (t.kind === 'cquote') { this.i++; return s; }
      this.fail('a block label cannot contain template sequences', open.line);
    }
  }

  // ---- expressions ----
  wholeExpression(): Expr {
    const e = this.withNewlines(true, () => this.expression());
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(`unexpected ${describe(t)} after the expression`, t.line);
    return e;
  }

  bareTemplate(): Expr {
    const open = this.toks[this.i]!;
    this.i++; // oheredoc
    return this.templateBody(open.line, 'cheredoc');
  }

  expression(): Expr {
    const start = this.peek();
    this.enter(start.line);
    const cond = this.binary(0);
    let result = cond;
    if (this.isPunct('?')) {
      this.next();
      const then = this.expression();
      this.expectPunct(':', 'in the conditional expression');
      const otherwise = this.expression();
      result = { kind: 'conditional', condition: cond, then, else: otherwise, line: cond.line };
    }
    this.depth--;
    return result;
  }

  private binary(level: number): Expr {
    const ops = BINARY_LEVELS[level];
    if (!ops) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct' || !(ops as readonly string[]).includes(t.value)) return left;
      this.next();
      const right = this.binary(level + 1);
      left = { kind: 'binary', op: t.value as BinaryOp, left, right, line: left.line };
    }
  }

  private unary(): Expr {
    const t = this.peek();
    if (t.kind === 'punct' && (t.value === '!' || t.value === '-')) {
      this.next();
      this.enter(t.line);
      const operand = this.unary();
      this.depth--;
      return { kind: 'unary', op: t.value, operand, line: t.line };
    }
    return this.postfix(this.primary());
  }

  private postfix(start: Expr): Expr {
    let e = start;
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'punct') return e;
      if (t.value === '.') {
        this.next();
        const n = this.next();
        if (n.kind === 'ident') { e = { kind: 'getattr', object: e, name: n.value, line: e.line }; continue; }
        if (n.kind === 'number') {
          // `foo.0` is the legacy index syntax; `foo.0.1` lexes as foo . 0.1, which terraform rejects too.
          if (!/^\d+$/.test(n.value)) this.fail(`invalid legacy index syntax ".${n.value}"`, n.line);
          e = { kind: 'index', object: e, key: { kind: 'literal', value: Number(n.value), line: n.line }, line: e.line };
          continue;
        }
        if (n.kind === 'punct' && n.value === '*') { e = this.splat(e, true); continue; }
        this.fail(`expected an attribute name after ".", found ${describe(n)}`, n.line);
      }
      if (t.value === '[') {
        this.next();
        const s = this.peek();
        if (s.kind === 'punct' && s.value === '*') {
          this.next();
          this.withNewlines(true, () => this.expectPunct(']', 'after "[*"'));
          e = this.splat(e, false);
          continue;
        }
        const key = this.withNewlines(true, () => {
          const k = this.expression();
          this.expectPunct(']', 'to close the index');
          return k;
        });
        e = { kind: 'index', object: e, key, line: e.line };
        continue;
      }
      return e;
    }
  }

  /** The traversal after `.*` (attributes only) or `[*]` (attributes and indexes) applies to each element. */
  private splat(object: Expr, attrOnly: boolean): Expr {
    let each: Expr = { kind: 'splatItem', line: object.line };
    for (;;) {
      const t = this.peek();
      if (t.kind === 'punct' && t.value === '.' && this.toks[this.i + 1]?.kind === 'ident') {
        this.next();
        each = { kind: 'getattr', object: each, name: this.next().value, line: each.line };
        continue;
      }
      if (!attrOnly && t.kind === 'punct' && t.value === '[' && !(this.toks[this.i + 1]?.kind === 'punct' && this.toks[this.i + 1]?.value === '*')) {
        this.next();
        const key = this.withNewlines(true, () => {
          const k = this.expression();
          this.expectPunct(']', 'to close the index');
          return k;
        });
        each = { kind: 'index', object: each, key, line: each.line };
        continue;
      }
      return { kind: 'splat', object, each, line: object.line };
    }
  }

  private primary(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'number':
        return { kind: 'literal', value: Number(t.value), line: t.line, num: t.value };
      case 'ident':
        return this.identifier(t);
      case 'oquote':
        return this.templateBody(t.line, 'cquote');
      case 'oheredoc':
        return this.templateBody(t.line, 'cheredoc');
      case 'punct':
        if (t.value === '(') {
          return this.withNewlines(true, () => {
            const expr = this.expression();
            this.expectPunct(')', 'to close the parenthesis');
            return { kind: 'paren', expr, line: t.line } as Expr;
          });
        }
        if (t.value === '[') return this.withNewlines(true, () => this.tuple(t));
        if (t.value === '{') return this.object(t);
        break;
      default:
        break;
    }
    return this.fail(`expected an expression, found ${describe(t)}`, t.line);
  }

  private identifier(t: Token): Expr {
    if (t.value === 'true') return { kind: 'literal', value: true, line: t.line };
    if (t.value === 'false') return { kind: 'literal', value: false, line: t.line };
    if (t.value === 'null') return { kind: 'literal', value: null, line: t.line };
    let name = t.value;
    // provider::aws::arn_parse(…) style namespaced functions
    while (this.isPunct('::')) {
      this.next();
      const part = this.next();
      if (part.kind !== 'ident') this.fail('expected a function name after "::"', part.line);
      name += '::' + part.value;
    }
    if (this.isPunct('(')) {
      this.next();
      return this.withNewlines(true, () => this.call(name, t.line));
    }
    if (name.includes('::')) this.fail(`expected "(" after the function name ${name}`, t.line);
    return { kind: 'scope', name, line: t.line };
  }

  private call(name: string, line: number): Expr {
    const args: Expr[] = [];
    let expandLast = false;
    while (!this.isPunct(')')) {
      args.push(this.expression());
      if (this.isPunct('...')) {
        this.next();
        expandLast = true;
        if (this.isPunct(',')) this.next();
        if (!this.isPunct(')')) this.fail('"..." may only follow the last argument', line);
        break;
      }
      if (this.isPunct(',')) { this.next(); continue; }
      if (!this.isPunct(')')) this.fail(`expected "," or ")" in the arguments of ${name}, found ${describe(this.peek())}`, this.peek().line);
    }
    this.next();
    return { kind: 'call', name, args, expandLast, line };
  }

  private tuple(open: Token): Expr {
    const f = this.peek();
    if (f.kind === 'ident' && f.value === 'for') return this.forExpr(open, ']');
    const items: Expr[] = [];
    while (!this.isPunct(']')) {
      items.push(this.expression());
      if (this.isPunct(',')) { this.next(); continue; }
      if (!this.isPunct(']')) this.fail(`expected "," or "]" in the list, found ${describe(this.peek())}`, this.peek().line);
    }
    this.next();
    return { kind: 'tuple', items, line: open.line };
  }

  private object(open: Token): Expr {
    const first = this.withNewlines(true, () => this.peek());
    if (first.kind === 'ident' && first.value === 'for') return this.withNewlines(true, () => this.forExpr(open, '}'));
    return this.withNewlines(false, () => {
      const items: ObjectItem[] = [];
      for (;;) {
        const t = this.toks[this.i]!;
        if (t.kind === 'newline') { this.i++; continue; }
        if (t.kind === 'punct' && t.value === '}') { this.i++; break; }
        if (t.kind === 'eof') this.fail('missing "}" to close the object', open.line);
        let key = this.expression();
        // A bare name is a literal key; parentheses make it an expression.
        if (key.kind === 'scope') key = { kind: 'literal', value: key.name, line: key.line };
        const sep = this.next();
        if (sep.kind !== 'punct' || (sep.value !== '=' && sep.value !== ':')) this.fail(`expected "=" after the object key, found ${describe(sep)}`, sep.line);
        const value = this.expression();
        items.push({ key, value });
        const end = this.toks[this.i]!;
        if (end.kind === 'punct' && end.value === ',') { this.i++; continue; }
        if (end.kind === 'newline') { this.i++; continue; }
        if (end.kind === 'punct' && end.value === '}') continue;
        this.fail(`expected "," or a newline between object items, found ${describe(end)}`, end.line);
      }
      return { kind: 'object', items, line: open.line } as Expr;
    });
  }

  private forExpr(open: Token, close: ']' | '}'): Expr {
    this.next(); // for
    const [keyVar, valueVar] = this.forVars();
    const collection = this.expression();
    this.expectPunct(':', 'after the "for" collection');
    let keyExpr: Expr | undefined;
    let valueExpr = this.expression();
    let grouping = false;
    if (close === '}') {
      this.expectPunct('=>', 'in the "for" object expression');
      keyExpr = valueExpr;
      valueExpr = this.expression();
      if (this.isPunct('...')) { this.next(); grouping = true; }
    }
    let condition: Expr | undefined;
    const t = this.peek();
    if (t.kind === 'ident' && t.value === 'if') {
      this.next();
      condition = this.expression();
    }
    this.expectPunct(close, 'to close the "for" expression');
    const e: Expr = { kind: 'for', valueVar, collection, valueExpr, grouping, line: open.line };
    if (keyVar !== undefined) e.keyVar = keyVar;
    if (keyExpr) e.keyExpr = keyExpr;
    if (condition) e.condition = condition;
    return e;
  }

  /** `k, v in` or `v in`; returns [keyVar, valueVar]. */
  private forVars(): [string | undefined, string] {
    const a = this.next();
    if (a.kind !== 'ident') this.fail('expected a variable name after "for"', a.line);
    let keyVar: string | undefined;
    let valueVar = a.value;
    if (this.isPunct(',')) {
      this.next();
      const b = this.next();
      if (b.kind !== 'ident') this.fail('expected a second variable name in "for"', b.line);
      keyVar = a.value;
      valueVar = b.value;
    }
    const inTok = this.next();
    if (inTok.kind !== 'ident' || inTok.value !== 'in') this.fail('expected "in" in the "for" expression', inTok.line);
    return [keyVar, valueVar];
  }

  // ---- templates ----
  private templateBody(line: number, close: 'cquote' | 'cheredoc'): Expr {
    this.enter(line);
    const { parts, stop } = this.withNewlines(false, () => this.templateParts());
    if (stop !== 'close') this.fail(`"%{ ${stop} }" without its opening directive`, line);
    const t = this.toks[this.i]!;
    if (t.kind !== close) this.fail('unterminated template', line);
    this.i++;
    this.depth--;
    if (parts.length === 0) return { kind: 'literal', value: '', line };
    if (parts.length === 1 && parts[0]!.kind === 'text') return { kind: 'literal', value: parts[0]!.text, line };
    return { kind: 'template', parts, line };
  }

  private templateParts(): { parts: TemplatePart[]; stop: 'close' | 'else' | 'endif' | 'endfor' } {
    const parts: TemplatePart[] = [];
    for (;;) {
      const t = this.toks[this.i]!;
      if (t.kind === 'cquote' || t.kind === 'cheredoc') return { parts, stop: 'close' };
      if (t.kind === 'lit') {
        this.i++;
        parts.push({ kind: 'text', text: this.stripNext ? t.value.trimStart() : t.value });
        this.stripNext = false;
        continue;
      }
      this.stripNext = false;
      if (t.strip) stripTrailing(parts);
      if (t.kind === 'interp') {
        this.i++;
        const expr = this.withNewlines(true, () => this.expression());
        this.endSequence();
        parts.push({ kind: 'interp', expr });
        continue;
      }
      if (t.kind === 'control') {
        this.i++;
        const kw = this.withNewlines(true, () => this.next());
        if (kw.kind !== 'ident') this.fail('expected a template directive (if, for, else, endif, endfor)', kw.line);
        if (kw.value === 'else' || kw.value === 'endif' || kw.value === 'endfor') {
          this.endSequence();
          return { parts, stop: kw.value };
        }
        if (kw.value === 'if') {
          const condition = this.withNewlines(true, () => this.expression());
          this.endSequence();
          // Directives nest like expressions: the same cap, with the line.
          this.enter(kw.line);
          const then = this.templateParts();
          let otherwise: TemplatePart[] = [];
          let stop = then.stop;
          if (stop === 'else') {
            const e = this.templateParts();
            otherwise = e.parts;
            stop = e.stop;
          }
          if (stop !== 'endif') this.fail('"%{ if }" without "%{ endif }"', kw.line);
          this.depth--;
          parts.push({ kind: 'if', condition, then: then.parts, else: otherwise, line: kw.line });
          continue;
        }
        if (kw.value === 'for') {
          const [keyVar, valueVar, collection] = this.withNewlines(true, () => {
            const [k, v] = this.forVars();
            return [k, v, this.expression()] as const;
          });
          this.endSequence();
          this.enter(kw.line);
          const body = this.templateParts();
          if (body.stop !== 'endfor') this.fail('"%{ for }" without "%{ endfor }"', kw.line);
          this.depth--;
          const part: TemplatePart = { kind: 'forDirective', valueVar, collection, body: body.parts, line: kw.line };
          if (keyVar !== undefined) part.keyVar = keyVar;
          parts.push(part);
          continue;
        }
        this.fail(`unknown template directive "${kw.value}"`, kw.line);
      }
      this.fail(`unexpected ${describe(t)} in a template`, t.line);
    }
  }

  private endSequence(): void {
    const t = this.withNewlines(true, () => this.peek());
    if (t.kind !== 'seqEnd') this.fail(`expected "}" to close the template sequence, found ${describe(t)}`, t.line);
    this.i++;
    if (t.strip) this.stripNext = true;
  }
}

function stripTrailing(parts: TemplatePart[]): void {
  const last = parts[parts.length - 1];
  if (last?.kind === 'text') last.text = last.text.trimEnd();
}

function describe(t: Token): string {
  switch (t.kind) {
    case 'eof': return 'the end of the file';
    case 'newline': return 'a newline';
    case 'oquote': case 'cquote': return 'a quote';
    case 'ident': return `"${t.value}"`;
    case 'punct': return `"${t.value}"`;
    case 'number': return `the number ${t.value}`;
    case 'lit': return 'text';
    case 'interp': return '"${"';
    case 'control': return '"%{"';
    case 'seqEnd': return '"}"';
    case 'oheredoc': return 'a heredoc';
    case 'cheredoc': return 'the end of a heredoc';
  }
}
