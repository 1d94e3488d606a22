// Terraform's JSON syntax (`*.tf.json`, `*.tfvars.json`). JSON.parse gives no
// line numbers, so this is a small JSON parser that keeps them, plus the
// conversion into the same Body/Expr tree as native syntax. Which keys are
// nested blocks depends on the schema (terraform's JSON rules), given below
// for the few block types tfw reads.
import type { Attribute, Block, Body, Expr } from './ast.ts';
import { HclSyntaxError } from './errors.ts';
import { MAX_DEPTH, parseExpression, parseTemplate, type ParseResult } from './parser.ts';

export type JsonNode =
  | { type: 'object'; entries: { key: string; line: number; value: JsonNode }[]; line: number }
  | { type: 'array'; items: JsonNode[]; line: number }
  | { type: 'string'; value: string; line: number }
  | { type: 'number'; value: number; line: number; text: string }
  | { type: 'boolean' | 'null'; value: boolean | null; line: number };

export function parseJson(text: string): ParseResult<JsonNode> {
  try {
    return { ok: true, value: new JsonParser(text).document() };
  } catch (e) {
    if (e instanceof HclSyntaxError) return { ok: false, error: e.problem() };
    throw e;
  }
}

class JsonParser {
  private pos = 0;
  private line = 1;
  private depth = 0;
  constructor(private readonly text: string) {}

  document(): JsonNode {
    const v = this.value();
    this.ws();
    if (this.pos < this.text.length) this.fail('unexpected text after the JSON value');
    return v;
  }

  private fail(message: string): never {
    throw new HclSyntaxError(message, this.line);
  }

  private ws(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 10) { this.line++; this.pos++; } else if (c === 32 || c === 9 || c === 13) this.pos++;
      else return;
    }
  }

  private value(): JsonNode {
    this.ws();
    const c = this.text[this.pos];
    const line = this.line;
    if (c === '{' || c === '[') {
      if (++this.depth > MAX_DEPTH) throw new HclSyntaxError(`nesting deeper than ${MAX_DEPTH} levels`, this.line, true);
      const v = c === '{' ? this.object() : this.array();
      this.depth--;
      return v;
    }
    if (c === '"') return { type: 'string', value: this.string(), line };
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value === null ? { type: 'null', value, line } : { type: 'boolean', value, line };
      }
    }
    const m = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
    m.lastIndex = this.pos;
    const r = m.exec(this.text);
    if (r && r[0] !== '') {
      this.pos += r[0].length;
      return { type: 'number', value: Number(r[0]), line, text: r[0] };
    }
    return this.fail(c === undefined ? 'unexpected end of JSON' : `unexpected ${JSON.stringify(c)} in JSON`);
  }

  private object(): JsonNode {
    const line = this.line;
    this.pos++;
    const entries: { key: string; line: number; value: JsonNode }[] = [];
    this.ws();
    if (this.text[this.pos] === '}') { this.pos++; return { type: 'object', entries, line }; }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a quoted key in the JSON object');
      const keyLine = this.line;
      const key = this.string();
      this.ws();
      if (this.text[this.pos] !== ':') this.fail('expected ":" after the JSON key');
      this.pos++;
      entries.push({ key, line: keyLine, value: this.value() });
      this.ws();
      const c = this.text[this.pos++];
      if (c === ',') continue;
      if (c === '}') return { type: 'object', entries, line };
      this.fail('expected "," or "}" in the JSON object');
    }
  }

  private array(): JsonNode {
    const line = this.line;
    this.pos++;
    const items: JsonNode[] = [];
    this.ws();
    if (this.text[this.pos] === ']') { this.pos++; return { type: 'array', items, line }; }
    for (;;) {
      items.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === ',') continue;
      if (c === ']') return { type: 'array', items, line };
      this.fail('expected "," or "]" in the JSON array');
    }
  }

  private string(): string {
    const t = this.text;
    const start = this.pos + 1;
    let end = start;
    // Fast path: no escapes.
    for (;;) {
      const c = t.charCodeAt(end);
      if (Number.isNaN(c) || c === 10) this.fail('unterminated JSON string');
      if (c === 34) break;
      if (c === 92) { end += 2; continue; }
      end++;
    }
    const raw = t.slice(start, end);
    this.pos = end + 1;
    if (!raw.includes('\\')) return raw;
    try {
      return JSON.parse(`"${raw}"`) as string;
    } catch {
      return this.fail('invalid escape in JSON string');
    }
  }
}

// ---- terraform's JSON syntax → Body ----

/** Which keys of a block are nested blocks, and how string values are read. */
interface Schema {
  blocks?: Record<string, Schema>;
  /** Attributes whose strings are expressions (a variable's `type`). */
  expressions?: ReadonlySet<string>;
  /** Attributes whose strings are literal (a variable's `default`). */
  literals?: ReadonlySet<string>;
  /** Every key is an attribute holding a literal value (tfvars.json). */
}

const PROVIDER_SCHEMA: Schema = {
  blocks: { assume_role: {}, assume_role_with_web_identity: {}, default_tags: {}, endpoints: {}, ignore_tags: {} },
};
const TERRAFORM_SCHEMA: Schema = {
  blocks: { backend: {}, cloud: { blocks: { workspaces: {} } }, required_providers: {} },
};
const VARIABLE_SCHEMA: Schema = {
  blocks: { validation: {} },
  expressions: new Set(['type']),
  literals: new Set(['default']),
};

/** Number of labels per top-level block type in JSON syntax. */
const LABELS: Record<string, number> = { provider: 1, variable: 1, module: 1, output: 1, resource: 2, data: 2, backend: 1 };
const SCHEMAS: Record<string, Schema> = { provider: PROVIDER_SCHEMA, terraform: TERRAFORM_SCHEMA, variable: VARIABLE_SCHEMA };

/** A `*.tf.json` file as a Body. */
export function parseTfJson(text: string, file: string): ParseResult<Body> {
  const doc = parseJson(text);
  if (!doc.ok) return doc;
  try {
    const root = doc.value;
    // HCL's JSON syntax takes an array of objects wherever it takes a body: the root included.
    const roots = root.type === 'array' ? root.items : [root];
    if (roots.some((r) => r.type !== 'object')) throw new HclSyntaxError('the root of a .tf.json file must be an object or an array of objects', root.line);
    const blocks: Block[] = [];
    for (const e of roots.flatMap((r) => (r.type === 'object' ? r.entries : []))) {
      if (e.key === '//') continue;
      if (e.key === 'locals') {
        for (const obj of objects(e.value)) blocks.push({ type: 'locals', labels: [], body: toBody(obj, {}, file), line: obj.line, file });
        continue;
      }
      if (e.key === 'resource' || e.key === 'data' || e.key === 'output') continue; // never evaluated by tfw
      for (const b of toBlocks(e.key, e.value, LABELS[e.key] ?? 0, SCHEMAS[e.key] ?? {}, file)) blocks.push(b);
    }
    return { ok: true, value: { attributes: [], blocks } };
  } catch (e) {
    if (e instanceof HclSyntaxError) return { ok: false, error: e.problem() };
    throw e;
  }
}

/** A `*.tfvars.json` file: every key is a variable with a literal value. */
export function parseTfvarsJson(text: string, file: string): ParseResult<Body> {
  const doc = parseJson(text);
  if (!doc.ok) return doc;
  const root = doc.value;
  if (root.type !== 'object') return { ok: false, error: { line: root.line, message: 'the root of a .tfvars.json file must be an object' } };
  return {
    ok: true,
    value: { attributes: root.entries.map((e) => ({ name: e.key, expr: literalExpr(e.value), line: e.line, file })), blocks: [] },
  };
}

/**
 * `{label: {label: body}}` nesting, each level possibly an array of objects.
 * Results are appended in loops: a spread push overflows the stack past ~100k blocks.
 */
function toBlocks(type: string, node: JsonNode, labelCount: number, schema: Schema, file: string, labels: string[] = []): Block[] {
  if (labels.length === labelCount) {
    return objects(node).map((obj) => ({ type, labels, body: toBody(obj, schema, file), line: obj.line, file }));
  }
  const out: Block[] = [];
  for (const obj of objects(node)) {
    for (const e of obj.entries) {
      if (e.key === '//') continue;
      for (const b of toBlocks(type, e.value, labelCount, schema, file, [...labels, e.key])) out.push(b);
    }
  }
  return out;
}

function objects(node: JsonNode): Extract<JsonNode, { type: 'object' }>[] {
  if (node.type === 'object') return [node];
  if (node.type === 'array') {
    return node.items.map((i) => {
      if (i.type !== 'object') throw new HclSyntaxError('expected a JSON object for a block', i.line);
      return i;
    });
  }
  throw new HclSyntaxError('expected a JSON object for a block', node.line);
}

function toBody(obj: Extract<JsonNode, { type: 'object' }>, schema: Schema, file: string): Body {
  const attributes: Attribute[] = [];
  const blocks: Block[] = [];
  for (const e of obj.entries) {
    if (e.key === '//') continue;
    const nested = schema.blocks?.[e.key];
    if (nested) {
      // `backend: {s3: {...}}` carries a label; other nested blocks do not.
      const labelCount = LABELS[e.key] ?? 0;
      for (const b of toBlocks(e.key, e.value, labelCount, nested, file)) blocks.push(b);
      continue;
    }
    let expr: Expr;
    if (schema.literals?.has(e.key)) expr = literalExpr(e.value);
    else if (schema.expressions?.has(e.key) && e.value.type === 'string') expr = unwrap(parseExpression(e.value.value, file), e.value.line);
    else expr = templateExpr(e.value, file);
    attributes.push({ name: e.key, expr, line: e.line, file });
  }
  return { attributes, blocks };
}

/** A JSON value whose strings are templates, as terraform reads attribute values. */
function templateExpr(node: JsonNode, file: string): Expr {
  switch (node.type) {
    case 'string':
      return unwrap(parseTemplate(node.value, file, node.line), node.line);
    case 'array':
      return { kind: 'tuple', items: node.items.map((i) => templateExpr(i, file)), line: node.line };
    case 'object':
      return {
        kind: 'object',
        items: node.entries.map((e) => ({ key: { kind: 'literal', value: e.key, line: e.line } as Expr, value: templateExpr(e.value, file) })),
        line: node.line,
      };
    case 'number':
      return { kind: 'literal', value: node.value, line: node.line, num: node.text };
    default:
      return { kind: 'literal', value: node.value, line: node.line };
  }
}

function literalExpr(node: JsonNode): Expr {
  switch (node.type) {
    case 'array':
      return { kind: 'tuple', items: node.items.map(literalExpr), line: node.line };
    case 'object':
      return {
        kind: 'object',
        items: node.entries.map((e) => ({ key: { kind: 'literal', value: e.key, line: e.line } as Expr, value: literalExpr(e.value) })),
        line: node.line,
      };
    case 'number':
      return { kind: 'literal', value: node.value, line: node.line, num: node.text };
    default:
      return { kind: 'literal', value: node.value, line: node.line };
  }
}

function unwrap(r: ParseResult<Expr>, line: number): Expr {
  if (r.ok) return r.value;
  // Lines inside a JSON string's template count from the string itself.
  throw new HclSyntaxError(r.error.message, Math.max(line, r.error.line), r.error.limit === true);
}
