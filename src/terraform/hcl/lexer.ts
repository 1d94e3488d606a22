// Tokenizer for HCL native syntax. Strings, heredocs and template sequences are
// tracked with a stack of modes, so a `}` inside a string or a heredoc never
// ends a block and `provider "aws" {` inside a heredoc or comment is text.
// It is a loop over char codes (no regexes on the hot path) and never recurses.
import { HclSyntaxError } from './errors.ts';

export type TokenKind =
  | 'ident' | 'number' | 'punct' | 'newline' | 'eof'
  /** `"` opening / closing a quoted template. */
  | 'oquote' | 'cquote'
  /** Literal text of a template, escapes already applied. */
  | 'lit'
  /** `${` and `%{` open a template sequence, `seqEnd` closes it. */
  | 'interp' | 'control' | 'seqEnd'
  | 'oheredoc' | 'cheredoc';

export interface Token {
  kind: TokenKind;
  value: string;
  line: number;
  /** A `~` strip marker: on `interp`/`control` it strips before, on `seqEnd` after. */
  strip?: boolean;
}

type Frame =
  | { kind: 'code'; depth: number; interp: boolean }
  | { kind: 'string' }
  | { kind: 'heredoc'; end: number; closeEnd: number; indent: number; atLineStart: boolean };

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 0x80;
const isIdentChar = (c: number): boolean => isIdentStart(c) || isDigit(c) || c === 45;

// Longest first so `...` wins over `.` and `==` over `=`.
const PUNCT3 = new Set(['...']);
const PUNCT2 = new Set(['==', '!=', '<=', '>=', '&&', '||', '=>', '::']);
const PUNCT1 = new Set(['{', '}', '[', ']', '(', ')', ',', '.', ':', '?', '=', '*', '+', '-', '/', '%', '<', '>', '!']);

export function tokenize(text: string): Token[] {
  return new Lexer(text).run();
}

/**
 * Finding a heredoc's closing line scans ahead; heredocs nested in `${…}` of
 * other heredocs rescan the same text. Real files scan each line once or
 * twice: beyond this many passes over the whole text, nesting is refused
 * instead of going quadratic (a hostile file took minutes).
 */
const HEREDOC_SCAN_PASSES = 4;

class Lexer {
  private pos = 0;
  /** Characters scanned ahead for heredoc markers so far. */
  private scanned = 0;
  private line = 1;
  private readonly tokens: Token[] = [];
  private readonly stack: Frame[] = [{ kind: 'code', depth: 0, interp: false }];

  constructor(private readonly text: string, firstLine = 1) {
    this.line = firstLine;
  }

  runTemplate(): Token[] {
    this.push('oheredoc', '');
    this.stack.push({ kind: 'heredoc', end: this.text.length, closeEnd: this.text.length, indent: 0, atLineStart: true });
    return this.run();
  }

  run(): Token[] {
    for (;;) {
      const frame = this.stack[this.stack.length - 1]!;
      if (frame.kind === 'code') {
        if (!this.code(frame)) return this.tokens;
      } else if (frame.kind === 'string') {
        this.quoted();
      } else {
        this.heredoc(frame);
      }
    }
  }

  private push(kind: TokenKind, value: string, strip?: boolean): void {
    const t: Token = { kind, value, line: this.line };
    if (strip) t.strip = true;
    this.tokens.push(t);
  }

  private fail(message: string, line = this.line): never {
    throw new HclSyntaxError(message, line);
  }

  /** Lexes code until the frame changes; false at the end of input. */
  private code(frame: Extract<Frame, { kind: 'code' }>): boolean {
    const text = this.text;
    const n = text.length;
    while (this.pos < n) {
      const c = text.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 13) { this.pos++; continue; }
      if (c === 10) { this.push('newline', '\n'); this.pos++; this.line++; continue; }
      if (c === 35 || (c === 47 && text.charCodeAt(this.pos + 1) === 47)) {
        // Line comment: the newline that ends it is still a newline token.
        const e = text.indexOf('\n', this.pos);
        this.pos = e < 0 ? n : e;
        continue;
      }
      if (c === 47 && text.charCodeAt(this.pos + 1) === 42) {
        const e = text.indexOf('*/', this.pos + 2);
        if (e < 0) this.fail('unterminated /* comment');
        for (let i = this.pos; i < e; i++) if (text.charCodeAt(i) === 10) this.line++;
        this.pos = e + 2;
        continue;
      }
      if (isDigit(c)) { this.number(); continue; }
      if (isIdentStart(c)) {
        const s = this.pos;
        this.pos++;
        while (this.pos < n && isIdentChar(text.charCodeAt(this.pos))) this.pos++;
        this.push('ident', text.slice(s, this.pos));
        continue;
      }
      if (c === 34) { // "
        this.push('oquote', '"');
        this.pos++;
        this.stack.push({ kind: 'string' });
        return true;
      }
      if (c === 60 && text.charCodeAt(this.pos + 1) === 60 && this.heredocStart()) return true;
      if (c === 123) { frame.depth++; this.push('punct', '{'); this.pos++; continue; }
      if (c === 125) {
        if (frame.depth === 0 && frame.interp) {
          this.push('seqEnd', '}');
          this.pos++;
          this.stack.pop();
          return true;
        }
        if (frame.depth > 0) frame.depth--;
        this.push('punct', '}');
        this.pos++;
        continue;
      }
      if (c === 126) { // ~ only as a strip marker before the closing brace
        if (text.charCodeAt(this.pos + 1) === 125 && frame.depth === 0 && frame.interp) {
          this.push('seqEnd', '}', true);
          this.pos += 2;
          this.stack.pop();
          return true;
        }
        this.fail('unexpected "~"');
      }
      const p3 = text.slice(this.pos, this.pos + 3);
      if (PUNCT3.has(p3)) { this.push('punct', p3); this.pos += 3; continue; }
      const p2 = text.slice(this.pos, this.pos + 2);
      if (PUNCT2.has(p2)) { this.push('punct', p2); this.pos += 2; continue; }
      const p1 = text[this.pos]!;
      if (PUNCT1.has(p1)) { this.push('punct', p1); this.pos++; continue; }
      if (c === 0) this.fail('binary data (NUL byte)');
      this.fail(`unexpected character ${JSON.stringify(String.fromCodePoint(text.codePointAt(this.pos)!))}`);
    }
    if (this.stack.length > 1) this.fail('unterminated template sequence "${"');
    this.push('eof', '');
    return false;
  }

  private number(): void {
    const text = this.text;
    const s = this.pos;
    while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    if (text.charCodeAt(this.pos) === 46 && isDigit(text.charCodeAt(this.pos + 1))) {
      this.pos++;
      while (isDigit(text.charCodeAt(this.pos))) this.pos++;
    }
    const e = text.charCodeAt(this.pos);
    if (e === 101 || e === 69) {
      let p = this.pos + 1;
      const sign = text.charCodeAt(p);
      if (sign === 43 || sign === 45) p++;
      if (isDigit(text.charCodeAt(p))) {
        while (isDigit(text.charCodeAt(p))) p++;
        this.pos = p;
      }
    }
    this.push('number', text.slice(s, this.pos));
  }

  /** `<<EOF` / `<<-EOF` followed by a newline; false when it is not a heredoc. */
  private heredocStart(): boolean {
    const text = this.text;
    let p = this.pos + 2;
    const strip = text.charCodeAt(p) === 45;
    if (strip) p++;
    if (!isIdentStart(text.charCodeAt(p))) return false;
    const ms = p;
    while (isIdentChar(text.charCodeAt(p))) p++;
    const marker = text.slice(ms, p);
    if (text.charCodeAt(p) === 13) p++;
    if (text.charCodeAt(p) !== 10) return false;
    const startLine = this.line;
    const contentStart = p + 1;
    // Find the closing marker line first: it bounds the content, and with <<-
    // the common indentation of the content lines is removed.
    let ls = contentStart;
    let indent = Infinity;
    const budget = HEREDOC_SCAN_PASSES * text.length + 4096;
    for (;;) {
      if (ls >= text.length) this.fail(`unterminated heredoc: no closing "${marker}"`, startLine);
      let le = text.indexOf('\n', ls);
      if (le < 0) le = text.length;
      this.scanned += le - ls + 1;
      if (this.scanned > budget) throw new HclSyntaxError('heredoc nesting too deep for tfw to read', startLine, true);
      const lineText = text.slice(ls, le).replace(/\r$/, '');
      const trimmed = lineText.trim();
      if (trimmed === marker) {
        this.push('oheredoc', marker);
        this.pos = contentStart;
        this.line++;
        this.stack.push({ kind: 'heredoc', end: ls, closeEnd: le, indent: strip && indent !== Infinity ? indent : 0, atLineStart: true });
        return true;
      }
      if (strip && trimmed !== '') {
        let i = 0;
        while (i < lineText.length && (lineText[i] === ' ' || lineText[i] === '\t')) i++;
        if (i < indent) indent = i;
      }
      ls = le + 1;
    }
  }

  private quoted(): void {
    const text = this.text;
    const n = text.length;
    let buf = '';
    let runStart = this.pos;
    const flushRun = (): void => { buf += text.slice(runStart, this.pos); };
    while (this.pos < n) {
      const c = text.charCodeAt(this.pos);
      if (c === 34) {
        flushRun();
        if (buf) this.push('lit', buf);
        this.push('cquote', '"');
        this.pos++;
        this.stack.pop();
        return;
      }
      if (c === 10) this.fail('unterminated string (newline before the closing quote)');
      if (c === 92) {
        flushRun();
        buf += this.escape();
        runStart = this.pos;
        continue;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(this.pos + 1) === 123) {
        flushRun();
        if (buf) this.push('lit', buf);
        this.sequence(c);
        return;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(this.pos + 1) === c && text.charCodeAt(this.pos + 2) === 123) {
        // $${ and %%{ are the literal ${ and %{
        flushRun();
        buf += text[this.pos]! + '{';
        this.pos += 3;
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
    this.fail('unterminated string');
  }

  /** At `${` or `%{`: emits the opening token and enters code mode. */
  private sequence(c: number): void {
    this.pos += 2;
    let strip = false;
    if (this.text.charCodeAt(this.pos) === 126) { strip = true; this.pos++; }
    this.push(c === 36 ? 'interp' : 'control', c === 36 ? '${' : '%{', strip);
    this.stack.push({ kind: 'code', depth: 0, interp: true });
  }

  private escape(): string {
    const text = this.text;
    const e = text[this.pos + 1];
    this.pos += 2;
    switch (e) {
      case 'n': return '\n';
      case 'r': return '\r';
      case 't': return '\t';
      case '"': return '"';
      case '\\': return '\\';
      case 'u':
      case 'U': {
        const len = e === 'u' ? 4 : 8;
        const hex = text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail(`invalid \\${e} escape`);
        const cp = parseInt(hex, 16);
        if (cp > 0x10ffff) this.fail('invalid unicode escape');
        this.pos += len;
        return String.fromCodePoint(cp);
      }
      default:
        return this.fail(`invalid escape sequence "\\${e ?? ''}"`);
    }
  }

  private heredoc(frame: Extract<Frame, { kind: 'heredoc' }>): void {
    const text = this.text;
    let buf = '';
    while (this.pos < frame.end) {
      if (frame.atLineStart && frame.indent > 0) {
        let i = 0;
        while (i < frame.indent && this.pos < frame.end && (text[this.pos] === ' ' || text[this.pos] === '\t')) { this.pos++; i++; }
        frame.atLineStart = false;
        continue;
      }
      frame.atLineStart = false;
      const c = text.charCodeAt(this.pos);
      if (c === 10) { buf += '\n'; this.pos++; this.line++; frame.atLineStart = true; continue; }
      if ((c === 36 || c === 37) && text.charCodeAt(this.pos + 1) === 123) {
        if (buf) this.push('lit', buf);
        this.sequence(c);
        return;
      }
      if ((c === 36 || c === 37) && text.charCodeAt(this.pos + 1) === c && text.charCodeAt(this.pos + 2) === 123) {
        buf += text[this.pos]! + '{';
        this.pos += 3;
        continue;
      }
      buf += text[this.pos]!;
      this.pos++;
    }
    if (this.pos > frame.end) this.fail('template sequence runs past the end of the heredoc');
    if (buf) this.push('lit', buf);
    this.push('cheredoc', '');
    this.pos = frame.closeEnd;
    this.stack.pop();
  }
}

/**
 * Tokens of a bare template such as a string value in terraform's JSON syntax:
 * wrapped as a heredoc (no escapes, `${` live) so the parser has one path.
 */
export function tokenizeTemplate(text: string, firstLine: number): Token[] {
  return new Lexer(text, firstLine).runTemplate();
}
