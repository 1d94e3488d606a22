// Bad input for the terraform reader (issue 8): arbitrary text, mutations of
// valid configurations, deep nesting and hostile expressions. The reader
// answers with a value or a syntax problem carrying a line, never with an
// exception, and always within a bounded time: each run is checked on its own
// (a generous per-input bound that only a hang can miss), never a total.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { parseExpression, parseHcl, parseTemplate, type ParseResult } from '../../src/terraform/hcl/parser.ts';
import { parseTfJson, parseTfvarsJson } from '../../src/terraform/hcl/json.ts';
import type { Body } from '../../src/terraform/hcl/ast.ts';
import { evaluateSafely } from '../../src/terraform/eval/evaluate.ts';
import { emptyScope } from '../../src/terraform/eval/scope.ts';
import { Unknown, fromJson, isObject, makeObject, type Value } from '../../src/terraform/eval/value.ts';
import { BigNum, formatNumber } from '../../src/terraform/eval/numbers.ts';
import { moduleScope } from '../../src/terraform/scope.ts';
import { readModuleAuth } from '../../src/terraform/index.ts';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures/config');
/** Far above what any input here needs (at most a second, on a loaded machine); the hangs this file found took 20 s to hours. */
const PER_INPUT_MS = 15_000;
/** Caps the wall time of one property; reaching it ends the runs early, it does not fail them. */
const PROPERTY_BUDGET = { interruptAfterTimeLimit: 20_000, markInterruptAsFailure: false } as const;

function timed<T>(what: string, input: string, fn: () => T): T {
  const start = performance.now();
  const r = fn();
  const ms = performance.now() - start;
  assert.ok(ms < PER_INPUT_MS, `${what} took ${Math.round(ms)} ms on ${JSON.stringify(input.slice(0, 200))}…`);
  return r;
}

/** A syntax problem has a message and a line inside the text (or the line after it). */
function assertProblemShape(r: ParseResult<unknown>, text: string, firstLine = 1): void {
  if (r.ok) return;
  const lines = text.split('\n').length;
  assert.ok(typeof r.error.message === 'string' && r.error.message.length > 0, 'a message');
  assert.ok(Number.isInteger(r.error.line) && r.error.line >= 1 && r.error.line <= firstLine + lines, `line ${r.error.line} of ${lines}: ${r.error.message}`);
  assert.doesNotMatch(r.error.message, /Maximum call stack|undefined|\[object/, r.error.message);
}

/** Every reader entry point on one text: none throws, each problem has a line. */
function readAll(text: string): void {
  timed('parseHcl', text, () => assertProblemShape(parseHcl(text, 't.tf'), text));
  timed('parseExpression', text, () => assertProblemShape(parseExpression(text, 't'), text));
  timed('parseTemplate', text, () => assertProblemShape(parseTemplate(text, 't', 7), text, 7));
  timed('parseTfJson', text, () => assertProblemShape(parseTfJson(text, 't.tf.json'), text));
  timed('parseTfvarsJson', text, () => assertProblemShape(parseTfvarsJson(text, 't.tfvars.json'), text));
}

/** Evaluates every attribute of a parsed body, blocks included: a Value each time, never an exception. */
function evaluateBody(body: Body): void {
  const locals = new Map(body.blocks.filter((b) => b.type === 'locals').flatMap((b) => b.body.attributes.map((a) => [a.name, a] as const)));
  const variables = new Map(body.blocks.filter((b) => b.type === 'variable' && b.labels[0]).map((b) => [b.labels[0]!, b] as const));
  const scope = moduleScope({ variables, locals, assignments: new Map(), workspace: 'default', path: { module: '.', root: '.', cwd: '/x' }, guard: { depth: 0 } });
  const walk = (b: Body): void => {
    for (const a of b.attributes) {
      const v = evaluateSafely(a.expr, scope);
      assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v), `a Value for ${a.name}`);
    }
    for (const inner of b.blocks) walk(inner.body);
  };
  walk(body);
}

function corpus(ext: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (ext(name) && !p.includes('binary')) out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(FIXTURES);
  return out;
}

/** Valid HCL: every fixture, plus the constructs a mutation breaks most easily. */
const HCL = [
  ...corpus((n) => n.endsWith('.tf') || n.endsWith('.tfvars') || n.endsWith('.hcl') || n.endsWith('.tfbackend')),
  `locals {\n  doc = <<EOF\nline \${var.x} %{ if true }yes%{ else }no%{ endif }\nEOF\n  ind = <<-EOT\n    a\n      \${"b"}\n    EOT\n}\n`,
  `provider "aws" {\n  profile = "\${terraform.workspace}-admin"\n  region  = lookup({ a = "eu-west-1" }, "a", "us-east-1")\n  assume_role {\n    role_arn = format("arn:aws:iam::%s:role/%s", "111111111111", "x")\n  }\n}\n`,
  `locals {\n  m = { for k, v in { a = 1, b = 2 } : k => v * 2 if v > 0 }\n  l = [for s in ["x", "y"] : upper(s)]\n  g = { for s in ["a", "a"] : s => s... }\n  t = "%{ for x in ["a", "b"] }\${x}~%{ endfor ~}"\n  c = true ? [1, 2][0] : null\n  s = [{ a = 1 }, { a = 2 }][*].a\n}\n`,
];
const JSON_CORPUS = [
  ...corpus((n) => n.endsWith('.json')),
  `{"provider": {"aws": [{"profile": "\${var.p}", "assume_role": {"role_arn": "arn"}}]}, "terraform": {"backend": {"s3": {"profile": "x"}}}, "locals": {"a": ["\${1 + 2}", {"b": null}]}}`,
];

// ---- mutations ----
const SYNTAX = ['{', '}', '[', ']', '(', ')', '"', '${', '%{', '}', '<<EOF\n', '<<-EOT\n', 'EOF\n', '\n', '=', ',', ':', '?', '...', '=>', '/*', '*/', '#', '\\', '~', '\0', '\ufeff', '\r\n', '\u2028', '\ud800', '😀', 'é', 'for ', ' in ', 'if ', '%{ endif }', '%{ else }', '-', '!', '.', '*'];

const mutation = (text: string): fc.Arbitrary<string> => {
  const pos = fc.nat({ max: text.length });
  return fc.oneof(
    // truncation anywhere
    pos.map((i) => text.slice(0, i)),
    // an inserted piece of syntax, once or a few times
    fc.tuple(pos, fc.constantFrom(...SYNTAX), fc.integer({ min: 1, max: 4 })).map(([i, s, n]) => text.slice(0, i) + s.repeat(n) + text.slice(i)),
    // a deleted range
    fc.tuple(pos, fc.nat({ max: 40 })).map(([i, n]) => text.slice(0, i) + text.slice(i + n)),
    // a duplicated range (unbalances whatever it cuts through)
    fc.tuple(pos, fc.nat({ max: 60 })).map(([i, n]) => text.slice(0, i + n) + text.slice(i, i + n) + text.slice(i + n)),
    // a bracket, quote or brace removed
    fc.constantFrom('{', '}', '"', '[', ']', '(', ')', '$', '%', '<').chain((c) => pos.map((i) => {
      const at = text.indexOf(c, i);
      return at < 0 ? text : text.slice(0, at) + text.slice(at + 1);
    })),
    // line endings and encodings
    fc.constant(text.replace(/\n/g, '\r\n')),
    fc.constant(`\ufeff${text}`),
    fc.constant(text.replace(/\n/g, '\r')),
    // arbitrary unicode spliced in
    fc.tuple(pos, fc.string({ unit: 'grapheme', maxLength: 20 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(pos, fc.string({ unit: 'binary', maxLength: 20 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
  );
};
const mutated = (texts: string[]): fc.Arbitrary<string> =>
  fc.constantFrom(...texts).chain((t) => fc.array(fc.constant(null), { minLength: 1, maxLength: 3 }).chain((ns) => {
    let arb = fc.constant(t);
    for (const _ of ns) arb = arb.chain(mutation);
    return arb;
  }));

test('property: arbitrary text (any unicode, binary, syntax soup) is read or refused with a line, never an exception', () => {
  const soup = fc.string({ unit: fc.constantFrom(...SYNTAX, 'a', ' ', '1', 'e', '"x"', 'provider', 'aws'), maxLength: 120 });
  for (const arb of [fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'binary', maxLength: 300 }), soup]) {
    fc.assert(fc.property(arb, (s) => readAll(s)), { numRuns: 1500, ...PROPERTY_BUDGET });
  }
});

test('truncating each valid fixture at every point is read or refused with a line', () => {
  for (const text of [...HCL, ...JSON_CORPUS]) {
    for (let i = 0; i <= text.length; i++) {
      const cut = text.slice(0, i);
      assertProblemShape(parseHcl(cut, 't.tf'), cut);
      assertProblemShape(parseTfJson(cut, 't.tf.json'), cut);
    }
  }
});

test('property: mutated valid HCL (brackets, quotes, heredocs, ${, CRLF, BOM, NUL, unicode) parses or fails with a line; what parses evaluates to values', () => {
  fc.assert(
    fc.property(mutated(HCL), (text) => {
      readAll(text);
      const r = parseHcl(text, 't.tf');
      if (r.ok) timed('evaluate', text, () => evaluateBody(r.value));
    }),
    { numRuns: 3000, ...PROPERTY_BUDGET },
  );
});

test('property: mutated .tf.json parses or fails with a line; what parses evaluates to values', () => {
  fc.assert(
    fc.property(mutated(JSON_CORPUS), (text) => {
      readAll(text);
      const r = parseTfJson(text, 't.tf.json');
      if (r.ok) timed('evaluate', text, () => evaluateBody(r.value));
    }),
    { numRuns: 2000, ...PROPERTY_BUDGET },
  );
});

test('deep nesting (10,000 of each opener) is a problem with a line, never "Maximum call stack size exceeded"', () => {
  const openers = ['(', '[', '{', '"${', '!', '-', '%{if true}', '"%{if true}', '<<EOF\n${', 'a ? ', '[for x in ', 'f('];
  for (const o of openers) {
    for (const wrap of [(s: string) => `x = ${s}\n`, (s: string) => `locals {\n  x = ${s}\n}\n`, (s: string) => s]) {
      const text = wrap(o.repeat(10_000));
      readAll(text);
      const json = `{"locals": {"x": "${o.replace(/\n/g, '\\n').replace(/"/g, '\\"').repeat(10_000)}"}}`;
      readAll(json);
    }
  }
  readAll('{"locals": {"x": ' + '['.repeat(10_000) + '}}');
  readAll('a {\n'.repeat(10_000));
  readAll('a = "' + '${"'.repeat(5_000) + '"\n');
  // Balanced and deep: the cap answers, not the stack.
  for (const [o, c] of [['(', ')'], ['[', ']'], ['{ a = ', '}']]) {
    const text = `x = ${o!.repeat(10_000)}1${c!.repeat(10_000)}\n`;
    const r = parseHcl(text, 't.tf');
    assert.ok(!r.ok && /nesting/.test(r.error.message) && r.error.line === 1, JSON.stringify(r.ok || r.error));
  }
});

test('nested heredocs cannot make the lexer rescan a large file for minutes', () => {
  const tail = 'x\n'.repeat(500_000);
  const text = `a = <<A\n${'${<<A\n'.repeat(2_000)}${tail}A\n`;
  const r = timed('parseHcl', text.slice(0, 80), () => parseHcl(text, 't.tf'));
  assert.ok(!r.ok);
  assert.match(r.error.message, /heredoc nesting too deep|unterminated/);
});

// ---- the evaluator ----
const FUNCTION_NAMES = [
  'lower', 'upper', 'trimspace', 'trimprefix', 'trimsuffix', 'startswith', 'endswith', 'tostring', 'tonumber', 'tobool',
  'tolist', 'toset', 'tomap', 'length', 'keys', 'values', 'contains', 'split', 'join', 'concat', 'element', 'lookup',
  'merge', 'coalesce', 'coalescelist', 'replace', 'format', 'try', 'can', 'range', 'regex', 'regexall', 'strrev',
  'sensitive', 'nonsensitive', 'title', 'substr', 'chomp', 'pathexpand', 'basename', 'dirname', 'flatten', 'distinct',
  'compact', 'one', 'zipmap',
  'file', 'templatefile', '__proto__', 'constructor', 'toString', 'provider::aws::arn_parse',
];

/** HCL source of a literal value. */
function hcl(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$\{/g, '$$${').replace(/%\{/g, '%%{');
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(hcl).join(', ')}]`;
  if (v instanceof Unknown || v instanceof BigNum) return 'null';
  return `{${Object.keys(v).map((k) => `${hcl(k)} = ${hcl(v[k]!)}`).join(', ')}}`;
}

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('', '/(a+)+$/', '/[0-9]+/', '/(/', '%s', '%d', '%.200f', '%99999s', '%v%v%v', '__proto__', '1e400', '-0', ' 12 ', 'true'),
  fc.double({ noNaN: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    scalar as fc.Arbitrary<Value>,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('__proto__', 'constructor', 'toString')), tie('v'), { maxKeys: 4 }).map((o) => makeObject(Object.entries(o))),
  ),
})).v;

/** Random expressions: calls with the wrong types and arity, operators on anything, for/splat/index/template. */
const expression: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    value.map(hcl),
    fc.constantFrom('var.x', 'local.y', 'each.key', 'path.module', 'terraform.workspace', 'data.x.y', 'count.index', 'self', 'aws_x.y.id'),
    fc.tuple(fc.constantFrom(...FUNCTION_NAMES), fc.array(tie('e'), { maxLength: 4 }), fc.boolean()).map(([f, a, expand]) => `${f}(${a.join(', ')}${expand && a.length > 0 ? '...' : ''})`),
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%', '==', '!=', '<', '>=', '&&', '||'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('!', '-'), tie('e')).map(([op, a]) => `${op}(${a})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    fc.tuple(tie('e'), tie('e')).map(([c, i]) => `(${c})[${i}]`),
    fc.tuple(tie('e'), fc.constantFrom('.a', '.0', '[*].a', '.*.b', '[*]')).map(([c, t]) => `(${c})${t}`),
    fc.tuple(tie('e'), tie('e')).map(([c, b]) => `[for k, v in ${c} : ${b}]`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, k, b]) => `{for k, v in ${c} : ${k} => ${b}...}`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `"x\${${a}}%{ if ${b} }y%{ endif }"`),
    fc.tuple(tie('e'), tie('e')).map(([c, b]) => `"%{ for v in ${c} }\${${b}}%{ endfor }"`),
  ),
})).e;

test('property: any expression (functions with wrong types and arity, operators on anything) evaluates to a value or an Unknown, never throws', () => {
  fc.assert(
    fc.property(expression, (src) => {
      const p = parseExpression(src, 't');
      assert.ok(p.ok, p.ok ? '' : `${p.error.message}: ${src}`);
      const v = timed('evaluate', src, () => evaluateSafely(p.value, emptyScope()));
      assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v));
    }),
    { numRuns: 4000, ...PROPERTY_BUDGET },
  );
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
});

const HOSTILE: Array<[string, string]> = [
  ['range(1e9)', 'an unsupported function is Unknown, not a billion-element list'],
  ['format("%.1000f", 1)', 'precision past what toFixed takes'],
  ['format("%999999999s", "x")', 'a huge width'],
  ['replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a+)+$/", "")', 'catastrophic backtracking'],
  ['replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "/(a|aa)*$/", "")', 'overlapping alternatives, repeated'],
  ['replace(format("%4000s", ""), "/ * * * *$/", "")', 'many quantifiers on a long string'],
  ['replace("aa", "/(a)\\\\1/", "")', 'a back-reference (RE2 has none)'],
  ['replace("ab", "/a(?=b)/", "")', 'look-ahead (RE2 has none)'],
  ['toset([for i, c in split("", replace(format("%4000s", ""), " ", format("%25s", ""))) : i])', '100k distinct elements'],
  ['length([for a in split("", format("%3000s", "")) : [for b in split("", format("%3000s", "")) : b]])', 'nested fors over 3000×3000'],
  ['length(split("", replace(format("%4000s", ""), " ", format("%4000s", ""))))', 'a 16M-character string'],
  ['join(",", [for a in split("", format("%4000s", "")) : format("%4000s", a)])', 'a 16M-character join'],
  ['[for a in split("", format("%4000s", "")) : [for b in split("", format("%4000s", "")) : [for c in split("", format("%4000s", "")) : c]]]', 'a 64G-element comprehension'],
  ['chomp("${replace(format("%4000s", ""), " ", replace(format("%250s", ""), " ", "\\n"))}x")', 'a million newlines for chomp (the regex was quadratic)'],
  ['basename("${replace(format("%4000s", ""), " ", replace(format("%250s", ""), " ", "/"))}x")', 'a million slashes for basename'],
  ['dirname("${replace(format("%4000s", ""), " ", replace(format("%250s", ""), " ", "/"))}x")', 'a million slashes for dirname'],
  ['format("%${replace(format("%4000s", ""), " ", replace(format("%250s", ""), " ", "0"))}")', 'a million zeros after % in a format string'],
  ['title(replace(format("%4000s", ""), " ", format("%250s", "-")))', 'a million separators for title'],
  ['length(flatten([for a in split("", format("%4000s", "")) : [[[a]]]]))', 'flatten of nested lists'],
  ['length(substr(replace(format("%4000s", ""), " ", format("%250s", "")), 5, 1e15))', 'substr past the end'],
];

for (const [src, what] of HOSTILE) {
  test(`hostile expression (${what}) ends in a value or an Unknown quickly: ${src.slice(0, 60)}`, () => {
    const p = parseExpression(src, 't');
    assert.ok(p.ok, p.ok ? '' : p.error.message);
    const v = timed('evaluate', src, () => evaluateSafely(p.value, emptyScope()));
    assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v));
  });
}

test('regular expressions run in linear time (RE2): the patterns that hang a backtracking engine finish at once', () => {
  const ev = (src: string): Value => {
    const p = parseExpression(src, 't');
    assert.ok(p.ok);
    return timed('evaluate', src, () => evaluateSafely(p.value, emptyScope()));
  };
  assert.equal(ev('replace("arn:aws:iam::123456789012:role/x", "/^arn:aws:iam::(\\\\d+):role/.*$/", "$1")'), '123456789012');
  assert.equal(ev('replace("a-b_c", "/[-_]/", ".")'), 'a.b.c');
  const a30 = 'a'.repeat(30);
  assert.equal(ev(`replace("${a30}!", "/(a+)+$/", "")`), `${a30}!`);
  assert.equal(ev(`replace("${'a'.repeat(5000)}", "/(a*)*$/", "x")`), 'x');
  assert.equal(formatNumber(ev(`length(regexall("(?:a|b)*c", "${'ab'.repeat(20_000)}"))`) as number), '0');
  // RE2 has no back-references or look-around: terraform rejects them, so tfw does.
  for (const p of ['(a)\\\\1', '(?=a)']) {
    const v = ev(`replace("aa", "/${p}/", "")`);
    assert.ok(v instanceof Unknown && /invalid regular expression/.test(v.reason), String(v));
  }
});

test('object keys such as __proto__ and constructor stay plain keys (no prototype pollution)', () => {
  for (const src of ['{ "__proto__" = { polluted = "yes" }, toString = "x" }', 'merge({ "__proto__" = { polluted = "yes" } }, { constructor = 1 })', 'tomap({ "__proto__" = { polluted = "yes" } })']) {
    const p = parseExpression(src, 't');
    assert.ok(p.ok);
    const v = evaluateSafely(p.value, emptyScope());
    assert.ok(isObject(v) && Object.getPrototypeOf(v) === null && Object.keys(v).includes('__proto__'), src);
  }
  const j = fromJson(JSON.parse('{"__proto__": {"polluted": "yes"}}'));
  assert.ok(isObject(j) && Object.hasOwn(j, '__proto__'));
  assert.equal((({}) as Record<string, unknown>).polluted, undefined);
});

test('deep JSON recorded by init (.terraform/terraform.tfstate) is Unknown past the cap, not a stack overflow', () => {
  const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
  assert.doesNotThrow(() => fromJson(deep));
});

test('property: mutated configurations through the whole module reader: problems name file:line, no internal error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfw-fuzz-'));
  try {
    await fc.assert(
      fc.asyncProperty(mutated(HCL), mutated(JSON_CORPUS), fc.constantFrom('plan', 'init'), async (tf, json, command) => {
        writeFileSync(join(dir, 'main.tf'), tf);
        writeFileSync(join(dir, 'other.tf.json'), json);
        writeFileSync(join(dir, 'terraform.tfvars'), tf);
        const start = performance.now();
        const r = await readModuleAuth({ dir, cwd: dir, env: { HOME: '/home/u' }, vars: [{ kind: 'var', value: 'x=1' }], backendConfig: [{ kind: 'file', value: 'terraform.tfvars' }], command });
        assert.ok(performance.now() - start < PER_INPUT_MS);
        for (const p of r.problems) {
          assert.doesNotMatch(p.message, /tfw could not read the configuration/, p.message);
          assert.ok(p.source.file.length > 0 && p.source.line >= 1, JSON.stringify(p));
        }
        for (const t of r.targets) for (const u of t.unknowns) assert.ok(u.source.line >= 1);
      }),
      { numRuns: 300, ...PROPERTY_BUDGET },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the loops that replaced quadratic regexes give the same answers', () => {
  const ev = (src: string): Value => {
    const p = parseExpression(src, 't');
    assert.ok(p.ok);
    return evaluateSafely(p.value, emptyScope());
  };
  assert.equal(ev('chomp("a\\r\\n\\n")'), 'a');
  assert.equal(ev('chomp("a\\r")'), 'a');
  assert.equal(ev('chomp("a\\nb\\n")'), 'a\nb');
  assert.equal(ev('basename("a/b//")'), 'b');
  assert.equal(ev('basename("///")'), '/');
  assert.equal(ev('dirname("/a/b/")'), '/a/b'); // Go's filepath.Dir: up to the last separator
  assert.equal(ev('dirname("a")'), '.');
  assert.equal(ev('format("%05d|%5d|%-4s|%00d|%%", 42, 7, "x", 3)'), '00042|    7|x   |3|%');
});
