// One test per class of issue 15, without terraform (the differential test
// checks the same against the real terraform console where it is installed):
// each of these gave a wrong value before, or a value where terraform has none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootEvaluator } from '../../src/terraform/index.ts';
import { Unknown, type Value } from '../../src/terraform/eval/value.ts';
import { toJson, showJson } from '../support/differential.ts';

const MAIN = `
variable "b" { type = bool }
variable "n" { type = number }
variable "ls" {
  type    = list(string)
  default = [1, true]
}
variable "ss" {
  type    = set(string)
  default = ["b", "a", "b"]
}
variable "o" {
  type    = object({ name = string, size = optional(number), on = optional(bool, true) })
  default = { name = "x", extra = 1 }
}
variable "nn" {
  type     = string
  nullable = false
  default  = "fallback"
}
locals {
  bad = tonumber("abc")
}
`;

async function module(t: { after(fn: () => Promise<void>): void }, files: Record<string, string>, env: Record<string, string>, vars: string[] = []) {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-eval-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'main.tf'), MAIN);
  for (const [n, text] of Object.entries(files)) await writeFile(join(dir, n), text);
  return rootEvaluator({ dir, cwd: dir, env, vars: vars.map((v) => ({ kind: 'var' as const, value: v })) });
}

const show = (v: Value): string => {
  const j = toJson(v);
  return j instanceof Unknown ? 'unknown' : showJson(j);
};

test('declared types are applied to every input source', async (t) => {
  const m = await module(t, { 'terraform.tfvars': 'nn = null\n' }, { TF_VAR_b: 'true' }, ['n=05']);
  const cases: [string, string][] = [
    ['var.b == true', 'true'],
    ['var.n', '5'],
    ['var.ls', '["1","true"]'],
    ['var.ss', '["a","b"]'],
    ['[for s in var.ss : s]', '["a","b"]'],
    ['var.o', '{"name":"x","on":true,"size":null}'],
    ['var.nn', '"fallback"'],
    ['var.ls == ["1", "true"]', 'false'], // a list is not a tuple
    ['var.ls == tolist(["1", "true"])', 'true'],
  ];
  for (const [e, want] of cases) assert.equal(show(m.evaluate(e)), want, e);
});

test('values terraform refuses are unknown, never a value', async (t) => {
  const bad = await module(t, { 'terraform.tfvars': 'b = upper("x")\n' }, {}, ['n=abc']);
  for (const e of ['var.n', 'var.b', 'try(var.n, 1)', 'try(var.nope, "d")', 'try(local.bad, "d")', 'can(var.nope)']) {
    assert.equal(show(bad.evaluate(e)), 'unknown', e);
  }
  const m = await module(t, {}, { TF_VAR_b: 'true', TF_VAR_n: '1' });
  for (const e of ['true ? 1 : true', 'true ? "a" : []', 'format("%d", 1, 2)', 'tonumber(" 5 ")', 'toset(["a"])[0]', 'sort(null)']) {
    assert.equal(show(m.evaluate(e)), 'unknown', e);
  }
});

test('conditionals unify, sets order, numbers, strings, format, regex and paths as terraform', async (t) => {
  const m = await module(t, {}, { TF_VAR_b: 'true', TF_VAR_n: '1' });
  const cases: [string, string][] = [
    ['true ? 1 : "a"', '"1"'],
    ['false ? [] : ["a"]', '["a"]'],
    ['toset(["b", "a", "10", "9"])', '["10","9","a","b"]'],
    ['1e21', '1000000000000000000000'],
    ['7 / 2', '3.5'],
    // cty's numbers: Go big.Floats of 512 bits (64 for length(), 53 for pow()), printed as the shortest decimal at their precision
    ['0.3 - 0.1', `0.2${'0'.repeat(153)}2`],
    ['0.1 + 0.2', '0.3'],
    ['0.1 + 0.2 == 0.3', 'true'],
    ['123456789012345678 + 1', '123456789012345679'],
    ['1 / 3', `0.${'3'.repeat(154)}5`],
    ['length([1, 2]) / length([1, 2, 3])', '0.6666666666666666667'], // as terraform console prints it,
    ['pow(2, 0.5)', '1.4142135623730951'],
    ['format("%.2f", 2.675)', '"2.67"'],
    ['5 % 0', '5'],
    ['tostring(1 / 0)', '"+Inf"'],
    ['upper("straße")', '"STRAßE"'],
    ['length("👍🏽")', '1'],
    ['substr("ab\\r\\ncd", 2, 1)', '"\\r\\n"'],
    ['replace("abc", "", "-")', '"-a-b-c-"'],
    ['title("ǆa")', '"ǅa"'],
    ['trimspace("\\u0085x\\u00a0")', '"x"'],
    ['format("%+d|% d|%.3s|%[2]s|%#v|%x|%X|%o|%b|%5s|", 5, 6, "abcdef", 255, 255, 8, 5, "é")', '"+5| 6|abc|6|\\"abcdef\\"|ff|FF|10|101|    é|"'],
    ['regex("(?i)ABC", "xabcx")', '"abc"'],
    ['regex("(?P<first>[a-z])(?P<rest>[a-z]*)", "hello")', '{"first":"h","rest":"ello"}'],
    ['regex("\\\\pL+", "é1")', '"é"'],
    ['regex("[[:digit:]]+", "ab123")', '"123"'],
    ['replace("ab", "/(a)/", "$1x")', '"b"'],
    ['replace("ab", "/(a)/", "$${1}x")', '"axb"'],
    ['replace("aaa", "/a*/", "-")', '"-"'],
    ['dirname("a/b/")', '"a/b"'],
    ['basename("")', '"."'],
    ['cidrsubnet("10.1.2.0/24", 4, 15)', '"10.1.2.240/28"'],
    ['sha256("x")', '"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"'],
  ];
  for (const [e, want] of cases) assert.equal(show(m.evaluate(e)), want, e);
});

test('the reader: a .tf.json root array is valid; foo.0.1 and a block inside a one-line block are syntax errors', async () => {
  const { parseTfJson } = await import('../../src/terraform/hcl/json.ts');
  const { parseHcl } = await import('../../src/terraform/hcl/parser.ts');
  const j = parseTfJson('[{"provider": {"aws": {"profile": "p"}}}, {"locals": {"a": 1}}]', 'm.tf.json');
  assert.ok(j.ok && j.value.blocks.map((b) => b.type).join() === 'provider,locals');
  assert.ok(!parseTfJson('[1]', 'm.tf.json').ok);
  for (const bad of ['locals {\n  a = foo.0.1\n}\n', 'provider "aws" {\n  assume_role { inner {} }\n}\n', 'provider "aws" { region = "x", profile = "y" }\n']) {
    const r = parseHcl(bad, 'm.tf');
    assert.ok(!r.ok, bad);
  }
  for (const good of ['locals {\n  a = foo.0\n}\n', 'provider "aws" { region = "x" }\n', 'provider "aws" {}\n', 'provider "aws" {\n  assume_role { role_arn = "r" }\n}\n']) {
    const r = parseHcl(good, 'm.tf');
    assert.ok(r.ok, `${good}: ${r.ok ? '' : r.error.message}`);
  }
});
