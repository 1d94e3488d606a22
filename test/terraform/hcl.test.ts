// Lexer, parser and evaluator on their own: text in, values out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseExpression, parseHcl, parseTemplate } from '../../src/terraform/hcl/parser.ts';
import { parseTfJson } from '../../src/terraform/hcl/json.ts';
import { tokenize } from '../../src/terraform/hcl/lexer.ts';
import { evaluate, evaluateSafely } from '../../src/terraform/eval/evaluate.ts';
import { emptyScope, type Scope } from '../../src/terraform/eval/scope.ts';
import { Unknown, makeObject, type Value } from '../../src/terraform/eval/value.ts';
import { BigNum } from '../../src/terraform/eval/numbers.ts';
import { parseDuration } from '../../src/terraform/duration.ts';
import { moduleScope } from '../../src/terraform/scope.ts';

const scope: Scope = {
  variable: (n) => {
    const vars: Record<string, Value> = { env: 'prod', n: 3, list: ['a', 'b'], map: makeObject([['k', 'v'], ['x', 'y']]), nothing: null };
    return n in vars ? vars[n]! : new Unknown('no such');
  },
  local: (n) => (n === 'l' ? 'local-value' : new Unknown('no local')),
  workspace: 'ws',
  path: { module: '.', root: '.', cwd: '/x' },
  guard: { depth: 0 },
};

function ev(src: string): Value {
  const p = parseExpression(src, 't');
  assert.ok(p.ok, p.ok ? '' : p.error.message);
  return evaluateSafely(p.value, scope);
}

test('expressions evaluate as terraform does', () => {
  const cases: [string, Value][] = [
    ['"a-${var.env}-b"', 'a-prod-b'],
    ['"${var.n}"', 3],
    ['1 + 2 * 3', 7],
    ['"2" + 1', 3],
    ['var.n > 2 && !false', true],
    ['var.env == "prod" ? "p" : "o"', 'p'],
    ['var.list[1]', 'b'],
    ['var.map["x"]', 'y'],
    ['var.map.k', 'v'],
    ['lower("ABC")', 'abc'],
    ['upper(local.l)', 'LOCAL-VALUE'],
    ['format("%s-%d-%v-%q", "a", 5, true, "q")', 'a-5-true-"q"'],
    ['format("%05d|%-3s|", 42, "x")', '00042|x  |'],
    ['lookup(var.map, "nope", "dflt")', 'dflt'],
    ['coalesce(var.nothing, "", "c")', 'c'],
    ['try(var.map.nope, "fallback")', 'fallback'],
    ['can(var.map.nope)', false],
    ['join(",", var.list, ["c"])', 'a,b,c'],
    ['concat(var.list, ["c"])', ['a', 'b', 'c']],
    ['element(var.list, 3)', 'b'],
    ['tostring(5)', '5'],
    ['trimspace("  x ")', 'x'],
    ['replace("a-b-c", "-", "_")', 'a_b_c'],
    ['replace("abc123", "/[0-9]+/", "#")', 'abc#'],
    ['merge(var.map, {k = "w"}).k', 'w'],
    ['[for s in var.list : upper(s) if s != "a"]', ['B']],
    ['{for k, v in var.map : v => k}', makeObject([['v', 'k'], ['y', 'x']])],
    ['var.list[*]', ['a', 'b']],
    ['terraform.workspace', 'ws'],
    ['"%{ if var.env == "prod" }P%{ else }O%{ endif }"', 'P'],
    ['"%{ for x in var.list }${x};%{ endfor }"', 'a;b;'],
    ['"$${literal} %%{x}"', '${literal} %{x}'],
    ['"\\u00e9\\n\\t\\"\\\\"', 'é\n\t"\\'],
    ['format("%s-%s", var.list...)', 'a-b'],
    ['-(-3)', 3],
    ['1.5e2', 150],
  ];
  for (const [src, want] of cases) assert.deepEqual(ev(src), want, src);
});

test('references tfw cannot know, unknown functions and errors become Unknown with a reason', () => {
  for (const src of ['aws_iam_role.x.arn', 'data.aws_caller_identity.me.account_id', 'module.m.out', 'abspath("x")', 'var.map.nope', '"a${var.nothing}"', 'lower(aws_x.y.z)']) {
    const v = ev(src);
    assert.ok(v instanceof Unknown, src);
    assert.ok(v.reason.length > 0);
  }
});

test('heredocs: plain and indented, with templates and look-alike text', () => {
  const p = parseHcl('a = <<-EOT\n    provider "aws" {\n      }\n    ${var.env}\n  EOT\nb = <<EOF\nx}\nEOF\n', 't');
  assert.ok(p.ok);
  const [a, b] = p.value.attributes;
  assert.equal(evaluate(a!.expr, scope), 'provider "aws" {\n  }\nprod\n');
  assert.equal(evaluate(b!.expr, scope), 'x}\n');
});

test('template strip markers trim the neighbouring whitespace', () => {
  assert.equal(ev('"a   ${~ "b" ~}   c"'), 'abc');
});

test('blocks carry labels and the line of their header; a brace in a string is text', () => {
  const p = parseHcl('# c\nresource "x" "y" {\n  a = "}"\n}\nprovider "aws" {\n  region = "r"\n}\n', 'main.tf');
  assert.ok(p.ok);
  assert.deepEqual(p.value.blocks.map((b) => [b.type, b.labels, b.line, b.body.attributes.map((a) => a.name)]), [['resource', ['x', 'y'], 2, ['a']], ['provider', ['aws'], 5, ['region']]]);
  assert.equal(p.value.blocks[1]!.body.attributes[0]!.line, 6);
});

test('syntax errors carry the line', () => {
  const cases: [string, number][] = [
    ['a = \n', 1],
    ['a {\n b = 1\n', 1],
    ['a = "unterminated\n', 1],
    ['x = 1\ny = [1,\n2\nz = 3\n', 4],
    ['a = <<EOT\nno end\n', 1],
    ['a = 1 b = 2\n', 1],
    ['a = "${"\n', 1],
  ];
  for (const [src, line] of cases) {
    const p = parseHcl(src, 't');
    assert.equal(p.ok, false, src);
    if (!p.ok) assert.equal(p.error.line, line, `${src}: ${p.error.message}`);
  }
});

test('terraform JSON syntax: strings are templates, lines kept', () => {
  const p = parseTfJson('{\n "provider": {\n  "aws": {\n   "profile": "${var.env}-x"\n  }\n }\n}', 'm.tf.json');
  assert.ok(p.ok);
  const prov = p.value.blocks[0]!;
  assert.deepEqual([prov.type, prov.labels, prov.line], ['provider', ['aws'], 3]);
  assert.equal(evaluate(prov.body.attributes[0]!.expr, scope), 'prod-x');
  assert.equal(prov.body.attributes[0]!.line, 4);
  const t = parseTemplate('a${1 + 1}', 'x', 7);
  assert.ok(t.ok && evaluate(t.value, emptyScope()) === 'a2');
});

test('durations as terraform writes them', () => {
  const cases: [string, number | undefined][] = [['1h', 3600], ['15m', 900], ['1h30m', 5400], ['90s', 90], ['1.5h', 5400], ['0', 0], ['soon', undefined], ['', undefined]];
  for (const [s, want] of cases) assert.equal(parseDuration(s), want, s);
});

test('locals: chains, cycles and self-doubling values end in Unknown, not a stack overflow or 2^80 chars', () => {
  let src = 'a0 = "x"\n';
  for (let i = 1; i < 80; i++) src += `a${i} = "\${local.a${i - 1}}\${local.a${i - 1}}"\n`;
  for (let i = 0; i < 5000; i++) src += `c${i} = local.c${i + 1}\n`;
  src += 'c5000 = "end"\nself = local.self\n';
  const p = parseHcl(src, 't');
  assert.ok(p.ok);
  const s = moduleScope({
    variables: new Map(), locals: new Map(p.value.attributes.map((a) => [a.name, a])), assignments: new Map(),
    workspace: 'default', path: { module: '.', root: '.', cwd: '.' }, guard: { depth: 0 },
  });
  for (const name of ['a79', 'c0', 'self']) {
    const e = parseExpression(`local.${name}`, 't');
    assert.ok(e.ok);
    assert.ok(evaluateSafely(e.value, s) instanceof Unknown, name);
  }
});

test('property: any input parses or fails with a line, never throws', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', '=', '"', '$', '{', '}', '[', ']', '(', ')', '\n', ' ', '<', '-', 'E', '#', '/', '*', '%', '~', '\\', ',', '.', '?', ':', '1') , maxLength: 200 }), (s) => {
      const p = parseHcl(s, 't');
      if (!p.ok) assert.ok(p.error.line >= 1 && p.error.line <= s.split('\n').length + 1);
      const j = parseTfJson(s, 't');
      assert.ok(j.ok || j.error.line >= 1);
    }),
    { numRuns: 3000 },
  );
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      parseHcl(s, 't');
      parseExpression(s, 't');
    }),
    { numRuns: 2000 },
  );
});

const literal: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer({ min: -1e9, max: 1e9 }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.string({ minLength: 1 }), tie('v'), { maxKeys: 4 }).map((o) => makeObject(Object.entries(o))),
  ),
})).v;

/** HCL source for a value (the inverse of evaluation, for literals). */
function toHcl(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(toHcl).join(', ')}]`;
  if (v instanceof Unknown || v instanceof BigNum) throw new Error('unknown');
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{')} = ${toHcl(v[k]!)}`).join(', ')}}`;
}

test('property: literal values round-trip through the parser and evaluator', () => {
  fc.assert(
    fc.property(literal, (v) => {
      const src = `x = ${toHcl(v)}\n`;
      const p = parseHcl(src, 't');
      assert.ok(p.ok, p.ok ? '' : `${p.error.message} in ${src}`);
      assert.deepEqual(evaluate(p.value.attributes[0]!.expr, emptyScope()), v);
    }),
    { numRuns: 1000 },
  );
});

test('the lexer gives newlines inside strings and heredocs no token of their own', () => {
  const toks = tokenize('a = <<EOT\nx\ny\nEOT\nb = 1\n');
  assert.deepEqual(toks.filter((t) => t.kind === 'newline').map((t) => t.line), [4, 5]);
});
