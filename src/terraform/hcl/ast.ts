// The syntax tree of HCL native syntax (and of terraform's JSON syntax, which
// is converted into the same shapes). Every node carries its 1-based line so a
// setting tfw cannot evaluate can be reported as `file:line`.

export type Expr =
  /** `num`: a number literal's text, which the evaluator reads as terraform does (at 512 bits; `value` is only its nearest double). */
  | { kind: 'literal'; value: null | string | number | boolean; line: number; num?: string }
  | { kind: 'template'; parts: TemplatePart[]; line: number }
  | { kind: 'scope'; name: string; line: number }
  | { kind: 'getattr'; object: Expr; name: string; line: number }
  | { kind: 'index'; object: Expr; key: Expr; line: number }
  /** `list[*].a.b` / `list.*.a`: `each` is applied to every element (its root is the `splatItem` placeholder). */
  | { kind: 'splat'; object: Expr; each: Expr; line: number }
  | { kind: 'splatItem'; line: number }
  | { kind: 'call'; name: string; args: Expr[]; expandLast: boolean; line: number }
  | { kind: 'tuple'; items: Expr[]; line: number }
  | { kind: 'object'; items: ObjectItem[]; line: number }
  | { kind: 'unary'; op: '!' | '-'; operand: Expr; line: number }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; line: number }
  | { kind: 'conditional'; condition: Expr; then: Expr; else: Expr; line: number }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expr; keyExpr?: Expr; valueExpr: Expr; condition?: Expr; grouping: boolean; line: number }
  | { kind: 'paren'; expr: Expr; line: number };

export type BinaryOp = '||' | '&&' | '==' | '!=' | '<' | '>' | '<=' | '>=' | '+' | '-' | '*' | '/' | '%';

export interface ObjectItem {
  key: Expr;
  value: Expr;
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'interp'; expr: Expr }
  | { kind: 'if'; condition: Expr; then: TemplatePart[]; else: TemplatePart[]; line: number }
  | { kind: 'forDirective'; keyVar?: string; valueVar: string; collection: Expr; body: TemplatePart[]; line: number };

export interface Attribute {
  name: string;
  expr: Expr;
  line: number;
  /** The label of the file it came from (overrides mix files within one block). */
  file: string;
}

export interface Block {
  type: string;
  labels: string[];
  body: Body;
  line: number;
  file: string;
}

export interface Body {
  attributes: Attribute[];
  blocks: Block[];
}
