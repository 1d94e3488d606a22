// yamlencode as terraform writes it: go-cty-yaml's marshal (strings double
// quoted, or literal `|` when they hold a newline; numbers as big.Float's
// Text('f', -1); null, true, false plain; mappings by key in byte order) fed
// to go-yaml v2's emitter (emitterc.go, a port of libyaml), whose layout is
// reproduced here: indentation by 2, sequences inside a mapping not indented,
// empty collections in flow style (`[]`, `{}`), keys longer than 128 bytes or
// spanning lines as complex keys (`? `), double-quoted strings folded past
// column 80, its escapes (`\t`, `\x85`-style, `\U` beyond the BMP), block
// scalar hints (`|-`, `|+`, `|2`), and the `...` after a plain scalar at the
// root. Only the parts of the emitter these events reach are ported.
import { BigNum, isNum } from './numbers.ts';
import { EvalError, Unknown, formatNumber, isObject, type Value } from './value.ts';

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

type Style = 'plain' | 'double' | 'literal';

const isBreak = (c: string | undefined): boolean => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';

/** libyaml's is_printable, for a whole character (the emitter is set to unicode). */
function isPrintable(c: string): boolean {
  const v = c.codePointAt(0)!;
  return v === 0x0a || (v >= 0x20 && v <= 0x7e) || (v >= 0xa0 && v <= 0xd7ff) || (v >= 0xe000 && v <= 0xfffd && v !== 0xfeff);
}

/** What yaml_emitter_analyze_scalar finds that matters for these events. */
interface Analysis { multiline: boolean; blockAllowed: boolean }

function analyze(chars: string[]): Analysis {
  if (chars.length === 0) return { multiline: false, blockAllowed: false };
  let lineBreaks = false;
  let special = false;
  let spaceBreak = false;
  let previousSpace = false;
  for (const c of chars) {
    if (!isPrintable(c)) special = true;
    if (c === ' ') previousSpace = true;
    else if (isBreak(c)) {
      lineBreaks = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
    } else previousSpace = false;
  }
  const trailingSpace = chars[chars.length - 1] === ' ';
  return { multiline: lineBreaks, blockAllowed: !(trailingSpace || spaceBreak || special) };
}

class Emitter {
  out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private indent = -1;
  private readonly indents: number[] = [];
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;

  private put(s: string): void {
    this.out += s;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const c of indicator) this.put(c);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }

  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }

  document(v: Value): string {
    this.node(v, { root: true });
    this.writeIndent(); // DOCUMENT-END (implicit)
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    return this.out;
  }

  private node(v: Value, ctx: { root?: boolean; mapping?: boolean; simpleKey?: boolean }): void {
    this.rootContext = !!ctx.root;
    this.mappingContext = !!ctx.mapping;
    this.simpleKeyContext = !!ctx.simpleKey;
    if (v instanceof Unknown) throw v;
    if (v === null) return this.scalar('null', 'plain');
    if (typeof v === 'boolean') return this.scalar(v ? 'true' : 'false', 'plain');
    if (typeof v === 'string') return this.scalar(v, v.includes('\n') ? 'literal' : 'double');
    if (isNum(v)) {
      // big.Float's Text('f', -1) of an infinity is "+Inf" / "-Inf"
      if (v instanceof BigNum && v.inf) return this.scalar(v.neg ? '-Inf' : '+Inf', 'plain');
      return this.scalar(formatNumber(v), 'plain');
    }
    if (Array.isArray(v)) {
      if (v.length === 0) return this.emptyFlow('[', ']');
      this.increaseIndent(false, this.mappingContext && !this.indention);
      for (const item of v) {
        this.writeIndent();
        this.writeIndicator('-', true, false, true);
        this.node(item, {});
      }
      return this.popIndent();
    }
    if (isObject(v)) {
      const keys = Object.keys(v).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      if (keys.length === 0) return this.emptyFlow('{', '}');
      this.increaseIndent(false, false);
      for (const k of keys) {
        this.writeIndent();
        const chars = [...k];
        if (!analyze(chars).multiline && Buffer.byteLength(k) <= 128) {
          this.node(k, { mapping: true, simpleKey: true });
          this.writeIndicator(':', false, false, false);
        } else {
          this.writeIndicator('?', true, false, true);
          this.node(k, { mapping: true });
          this.writeIndent();
          this.writeIndicator(':', true, false, true);
        }
        this.node(v[k]!, { mapping: true });
      }
      return this.popIndent();
    }
    throw new Unknown('yamlencode() of a value tfw cannot represent');
  }

  private emptyFlow(open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.writeIndicator(close, false, false, false);
  }

  private scalar(value: string, requested: Style): void {
    const chars = [...value];
    const a = analyze(chars);
    let style = requested;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || this.simpleKeyContext)) style = 'double';
    this.increaseIndent(true, false);
    if (style === 'plain') this.plain(chars);
    else if (style === 'double') this.doubleQuoted(chars, !this.simpleKeyContext);
    else this.literal(chars);
    this.popIndent();
  }

  /** Plain scalars here are numbers, booleans and null: no spaces, no breaks. */
  private plain(chars: string[]): void {
    if (!this.whitespace) this.put(' ');
    for (const c of chars) this.put(c);
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private doubleQuoted(chars: string[], allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const bom = chars[0] === '\ufeff';
    let spaces = false;
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i]!;
      if (!isPrintable(c) || bom || isBreak(c) || c === '"' || c === '\\') {
        this.put('\\');
        this.put(escape(c));
        this.column += escape(c).length - 1;
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < chars.length - 1) {
          this.writeIndent();
          if (chars[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(chars: string[]): void {
    this.writeIndicator('|', true, false, false);
    // block scalar hints
    if (chars[0] === ' ' || isBreak(chars[0])) this.writeIndicator(String(BEST_INDENT), false, false, false);
    this.openEnded = false;
    let chomp = '';
    const n = chars.length;
    if (n === 0 || !isBreak(chars[n - 1])) chomp = '-';
    else if (n === 1 || isBreak(chars[n - 2])) chomp = '+';
    if (chomp) this.writeIndicator(chomp, false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isBreak(c)) {
        if (c === '\n') this.putBreak();
        else {
          this.out += c;
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

/** The escape after `\` in a double-quoted scalar (yaml_emitter_write_double_quoted_scalar). */
function escape(c: string): string {
  const v = c.codePointAt(0)!;
  const named: Record<number, string> = {
    0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r', 0x1b: 'e',
    0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
  };
  if (named[v] !== undefined) return named[v];
  const hex = v.toString(16).toUpperCase();
  if (v <= 0xff) return `x${hex.padStart(2, '0')}`;
  if (v <= 0xffff) return `u${hex.padStart(4, '0')}`;
  return `U${hex.padStart(8, '0')}`;
}

export function yamlencode(v: Value): string | Unknown {
  try {
    return new Emitter().document(v);
  } catch (e) {
    if (e instanceof Unknown) return e;
    if (e instanceof EvalError) throw e;
    throw e;
  }
}
