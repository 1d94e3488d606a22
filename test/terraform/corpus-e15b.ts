// e15b's part of the differential corpus (issue 15): sensitivity marks
// (issensitive), yamlencode, yamldecode beyond the hand-written subset.
// Written from terraform's documentation and checked against terraform 1.11.4.
import type { CorpusClass } from './differential-corpus.ts';

/** Declarations the corpus below refers to (prepended to the corpus module). */
export const E15B_TF = `
variable "sec" {
  type      = string
  default   = "p"
  sensitive = true
}
variable "secn" {
  type      = string
  default   = null
  sensitive = true
}
variable "secl" {
  type      = list(string)
  default   = ["a", "b"]
  sensitive = true
}
variable "secb" {
  type      = bool
  default   = true
  sensitive = true
}
variable "notsec" {
  type      = string
  default   = "q"
  sensitive = false
}
locals {
  sec_obj    = { a = var.sec, b = "x" }
  sec_unwrap = nonsensitive(var.sec)
  sec_chain  = local.sec_obj.a
  plain_map  = { a = var.notsec }
}
`;

const SENSITIVITY = [
  // sources: declared sensitive, sensitive(), a local derived from them; none: false
  'issensitive("x")', 'issensitive(1)', 'issensitive([1])', 'issensitive(null)', 'issensitive(var.s)', 'issensitive(var.notsec)',
  'issensitive(var.sec)', 'issensitive(var.secn)', 'issensitive(var.secl)', 'issensitive(sensitive(1))', 'issensitive(sensitive(null))',
  'issensitive(sensitive(var.s))', 'issensitive(local.sec_obj)', 'issensitive(local.sec_obj.a)', 'issensitive(local.sec_obj["b"])',
  'issensitive(local.sec_unwrap)', 'issensitive(local.sec_chain)', 'issensitive(local.plain_map)', 'issensitive(local.env)',
  // what drops the mark
  'issensitive(nonsensitive(var.sec))', 'issensitive(nonsensitive(1))', 'issensitive(issensitive(var.sec))', 'issensitive(can(var.sec))',
  'issensitive(try(local.sec_unwrap, 1))', 'issensitive(try(var.sec))', 'issensitive([var.sec])', 'issensitive({ a = var.sec })',
  'issensitive(tolist([var.sec]))', 'issensitive(keys({ a = sensitive(1) }))', 'issensitive(lookup({ a = 1 }, "a", var.sec))',
  // operators, templates, conditionals, indexing carry it
  'issensitive(var.sec == "p")', 'issensitive(var.sec != null)', 'issensitive(sensitive(1) + 1)', 'issensitive(-sensitive(1))', 'issensitive(!var.secb)',
  'issensitive(false && var.secb)', 'issensitive(true || var.secb)', 'issensitive("${var.sec}")', 'issensitive("a-${var.sec}")',
  'issensitive("%{if var.secb}a%{endif}")', 'issensitive(true ? var.sec : "x")', 'issensitive(false ? var.sec : "x")',
  'issensitive(true ? "x" : var.sec)', 'issensitive(var.secb ? "a" : "b")', 'issensitive({ (var.sec) = 1 })', 'issensitive(var.secl[0])',
  'issensitive([sensitive(1)][0])', 'issensitive({ a = var.sec }.a)', 'issensitive({ a = var.sec }["a"])', 'issensitive({ a = var.sec, b = 1 }.b)',
  'issensitive([for x in var.secl : x])', 'issensitive(var.secl[*])', 'issensitive(var.secl[0] == "a")', 'issensitive(var.secl == ["a", "b"])',
  // functions
  'issensitive(upper(var.sec))', 'issensitive(lower(var.sec))', 'issensitive(format("%s", var.sec))', 'issensitive(join(",", var.secl))',
  'issensitive(join(",", [var.sec]))', 'issensitive(replace(var.sec, "p", "q"))', 'issensitive(substr(var.sec, 0, 1))', 'issensitive(trimspace(var.sec))',
  'issensitive(tonumber(sensitive("1")))', 'issensitive(tostring(var.secb))', 'issensitive(base64encode(var.sec))', 'issensitive(sha256(var.sec))',
  'issensitive(split(",", var.sec))', 'issensitive(lookup({ a = 1 }, var.sec, 2))', 'issensitive(lookup(sensitive({ a = 1 }), "a"))',
  'issensitive(element(var.secl, 0))', 'issensitive(length(var.secl))', 'issensitive(length(sensitive([])))', 'issensitive(concat(var.secl))',
  'issensitive(contains(var.secl, "a"))', 'issensitive(contains(["a"], var.sec))', 'issensitive(jsonencode(var.sec))', 'issensitive(jsonencode([sensitive(1)]))',
  'issensitive(coalesce(var.secn, "a"))', 'issensitive(coalesce("a", var.sec))', 'issensitive(keys(sensitive({ a = 1 })))', 'issensitive(merge({ a = 1 }, sensitive({})))',
  'issensitive(toset(var.secl))', 'issensitive(max(sensitive(1), 2))', 'issensitive(abs(sensitive(-1)))', 'issensitive(regex("p", var.sec))',
  // marks inside collections: some functions carry them out, others keep them inside
  'issensitive(length([var.sec]))', 'issensitive(contains([var.sec], "p"))', 'issensitive(yamlencode([var.sec]))', 'issensitive(concat([var.sec]))',
  'issensitive(flatten([[var.sec]]))', 'issensitive(distinct([var.sec]))', 'issensitive(merge({ a = var.sec }))', 'issensitive(values({ a = var.sec }))',
  'issensitive(tomap({ a = var.sec }))', 'issensitive(toset([var.sec]))', 'issensitive(lookup({}, "a", var.sec))', 'issensitive(lookup({ a = var.sec }, "a"))',
  'issensitive(lookup({ a = 1 }, "b", var.sec))', 'issensitive(formatlist("%s", [var.sec]))', 'issensitive(sort([var.sec]))', 'issensitive(reverse([var.sec]))',
  'issensitive(index([var.sec], "p"))', 'issensitive(coalescelist([var.sec]))', 'issensitive([var.sec] == ["p"])', 'issensitive(length({ a = var.sec }))',
  'issensitive(keys({ a = var.sec }))', 'issensitive(slice([var.sec], 0, 1))', 'issensitive(compact([var.sec]))', 'issensitive(one([var.sec]))',
  'issensitive(sum([sensitive(1)]))', 'issensitive(try(var.sec, "x"))', 'issensitive(try(tonumber("x"), var.sec))', 'issensitive(try(tonumber("x"), 1))',
  'issensitive(join(",", local.sec_obj))', 'issensitive(length(local.sec_obj))', 'issensitive(concat([1], [var.sec]))', 'issensitive(merge({}, { a = var.sec }))',
  'issensitive(local.sec_obj == {})', 'issensitive(jsonencode(local.sec_obj))',
  'issensitive("%{if true}a%{else}${var.sec}%{endif}")', 'issensitive("%{for x in [1]}${var.sec}%{endfor}")', 'issensitive("%{for x in []}${var.sec}%{endfor}")',
  'issensitive("%{for x in var.secl}${x}%{endfor}")', 'issensitive(true ? "x" : "${var.secn}")', 'issensitive(false ? "${var.secn}-" : var.notsec)',
  'issensitive({ a = var.sec, a = 1 })', 'issensitive(jsonencode({ a = var.sec, a = 1 }))', 'issensitive(concat(toset(["a"])))',
  // errors stay errors
  'issensitive(sensitive(tonumber("x")))', 'issensitive(var.sec + 1)', 'issensitive()', 'issensitive(1, 2)',
  // values through sensitive()/nonsensitive() (the harness unwraps the top-level mark)
  'sensitive("x")', 'nonsensitive(var.sec)', 'nonsensitive(sensitive(1)) + 1', 'var.sec', 'upper(var.sec)', 'var.secl[1]',
];


const LONG = 'the quick brown fox jumps over the lazy dog and keeps on running across the wide green fields of home';
const YAMLENCODE = [
  // scalars at the root (a plain one ends the stream with "...")
  'yamlencode(1)', 'yamlencode(-1.5)', 'yamlencode(true)', 'yamlencode(null)', 'yamlencode("a")', 'yamlencode("")', 'yamlencode(0.1 + 0.2)',
  'yamlencode(12345678901234567890)', 'yamlencode(1e21)', 'yamlencode(-0)', 'yamlencode(1/3)', 'yamlencode(tonumber("1e-7"))',
  // strings that would resolve as other types are quoted anyway
  'yamlencode(["true", "1", "null", "yes", "~", "0x1F", "1e3", "-", "- a", "a: b", "#c", "a #c", "@x", "`x", "%x", "!x", "&x", "*x", "|", ">", "?", ":"])',
  'yamlencode(["it\'s", "say \\"hi\\"", "back\\\\slash", "tab\\there", "cr\\rhere", "nul\\u0000", "bell\\u0007", "esc\\u001b", "del\\u007f", "c1\\u0080", "nel\\u0085", "nbsp\\u00a0", "ls\\u2028", "ps\\u2029"])',
  'yamlencode(["é", "日本", "🙂", "a🙂b", "\\ufeffbom", "x\\ufeff", "\\ufffd", "\\ufffe", "\\ue000", "\\ud7ff"])',
  // multi-line strings: literal style, its hints, and when it falls back to double quotes
  'yamlencode("a\\nb")', 'yamlencode("a\\nb\\n")', 'yamlencode("a\\nb\\n\\n")', 'yamlencode("\\n")', 'yamlencode("\\n\\n")', 'yamlencode(" a\\nb")',
  'yamlencode("\\na")', 'yamlencode("a \\nb")', 'yamlencode("a\\n b")', 'yamlencode("a\\nb ")', 'yamlencode("a\\tb\\nc")', 'yamlencode("a\\r\\nb")',
  'yamlencode({ k = "line1\\nline2\\n" })', 'yamlencode({ k = ["x\\ny"] })', 'yamlencode([["x\\ny"]])', 'yamlencode({ a = { b = "x\\n\\ny\\n" } })',
  'yamlencode("a\\n\\n\\nb")', 'yamlencode({ "a\\nb" = 1 })', 'yamlencode({ "a\\rb" = 1 })', 'yamlencode({ "a\\u2028b" = [1] })',
  // long strings fold at column 80 on a single space
  `yamlencode("${LONG}")`, `yamlencode({ key = "${LONG}" })`, `yamlencode(["${LONG}"])`, `yamlencode({ a = { b = "${LONG}" } })`,
  `yamlencode("${LONG.replaceAll(' ', '  ')}")`, `yamlencode("${'x'.repeat(100)} ${'y'.repeat(10)}")`, `yamlencode("${'w '.repeat(60)}")`,
  `yamlencode({ "${'k'.repeat(128)}" = 1 })`, `yamlencode({ "${'k'.repeat(129)}" = 1 })`, `yamlencode({ "${'é'.repeat(65)}" = "v" })`,
  `yamlencode({ "${LONG}" = "v" })`,
  // collections: layout, key order, empty ones
  'yamlencode({ b = 1, a = 2, B = 3, "10" = 4, "9" = 5 })', 'yamlencode([1, "a", true, null])', 'yamlencode([])', 'yamlencode({})',
  'yamlencode({ a = [], b = {}, c = [[]], d = [{}] })', 'yamlencode([[1, 2], [3]])', 'yamlencode([{ a = 1, b = 2 }, { c = [1] }])',
  'yamlencode({ a = [1, 2], b = { c = [{ d = 1 }] } })', 'yamlencode({ a = null })', 'yamlencode(tolist([]))', 'yamlencode(tomap({}))',
  'yamlencode(toset(["b", "a", "b"]))', 'yamlencode(toset([3, 1, 2]))', 'yamlencode(tomap({ a = 1, b = "x" }))', 'yamlencode([[[1]]])',
  'yamlencode({ "" = 1 })', 'yamlencode({ " " = 1 })', 'yamlencode({ "a b" = "c d" })', 'yamlencode({ "é" = 1, "z" = 2, "Z" = 3 })',
  'yamlencode(var.o)', 'yamlencode(var.lo)', 'yamlencode(var.mo)', 'yamlencode(var.ss)', 'yamlencode(var.t)', 'yamlencode(var.nul)',
  'yamlencode(yamldecode("a: 1\\nb: [x, y]\\n"))', 'yamldecode(yamlencode({ a = "x\\ny", b = [1, "2"] }))',
  'yamlencode()', 'yamlencode(1, 2)', 'yamlencode(tonumber("inf"))',
];

/** yamldecode(<<EOT … EOT) of each document, as HCL heredocs keep YAML readable. */
const yd = (doc: string): string => `yamldecode(${JSON.stringify(doc)})`;
const YAMLDECODE = [
  // flow collections
  yd('[a, b, 1, true, ~, "x"]'), yd('{a: 1, b: [x, y], c: {d: e}}'), yd('a: [1, 2]\nb: {c: d}'), yd('[]'), yd('{}'), yd('[[], {}]'),
  yd('regions: [us-east-1, eu-west-1]\n'), yd('a: [ "q,1", \'s]\' ]'), yd('[a, b, ]'), yd('{a: 1, }'), yd('[a\n, b]'), yd('{a: [1,\n  2]}'),
  yd('[a?b]'), yd('[a:]'), yd('{a:1}'), yd('[a: 1]'), yd('[{a: 1}]'), yd('{a, b: 2}'), yd('[http://x.y/z]'), yd('[a #c\n]'), yd('[a, [b, [c]]]'),
  // block scalars, chomping, indentation indicators, folding
  yd('a: |\n  line1\n  line2\n'), yd('a: |-\n  line1\n  line2\n'), yd('a: |+\n  line1\n\n\n'), yd('a: >\n  folded\n  text\n\n  para\n'),
  yd('a: >-\n  x\n    more\n  y\n'), yd('a: |2\n    indented\n  x\n'), yd('a: |\n\n  after blank\n'), yd('a: |\nb: 1'), yd('- |\n  in seq\n- >\n  f\n'),
  yd('a: |-\n  1.50\nb: |\n  true\nc: |-\n  null\nd: >-\n  2024-01-02\ne: |\n'), yd('a: |-\n  0x1F\nb: |-\n  ~\nc: |-\n  yes'), yd('|\n  root\n'), yd('>\n a\n b\n'),
  yd('a: |-\n  <<\n'), yd('a: |-\n  .nan'), yd('a: |-\n  .inf'),
  // multi-line plain and quoted scalars
  yd('a: plain\n  multi\n  line\nb: 1'), yd('a: plain\n\n  para'), yd('a: "dq\n  folded"'), yd('a: "dq \\\n  joined"'), yd("a: 'sq\n\n  x'"),
  yd('- multi\n  line item\n- y'), yd('key: value with: colon'), yd('a: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\e\\a\\v\\0"'), yd('a: "\\/"'), yd('a: "\\\'"'),
  yd("a: 'it''s'"), yd('a: "x # not a comment"'), yd('a: x#y'), yd('a: "\\ud800"'),
  // anchors, aliases, merge keys
  yd('a: &x 1\nb: *x'), yd('base: &b\n  role: admin\n  mfa: true\nprod:\n  <<: *b\n  account: 1\n'), yd('a: &x [1, 2]\nb: *x\nc: *x'),
  yd('x: &x {a: 1, b: 2}\ny:\n  <<: *x\n  b: 3'), yd('x: &x {a: 1}\ny:\n  b: 3\n  <<: *x'), yd('x: &x {b: 1}\ny:\n  b: 3\n  <<: *x'),
  yd('a: *nope'), yd('a: &x [*x]'), yd('a: &x 1\na2: &x 2\nb: *x'), yd('"<<": {a: 1}\nb: 2'), yd('<<: [1]'), yd('<<: 1'), yd('a: <<'), yd('<<: null'),
  yd('x: &x [{a: 1}]\ny:\n  <<: *x'), yd('a: &a.b 1'), yd('a: &x\nb: *x'), yd('&x a: 1\nb: *x'), yd('- &a x\n- *a\n- &b [*a]\n- *b'),
  // tags
  yd('a: !!str 1'), yd('a: !!int "1"'), yd('a: !!int 1_000'), yd('a: !!bool 1'), yd('a: !!int true'), yd('a: !!float 1'), yd('a: !!null x'),
  yd('a: !!int abc'), yd('a: !!binary aGk='), yd('a: !!binary "not base64!"'), yd('a: !!timestamp 2024-01-02'), yd('a: !!timestamp x'), yd('a: !foo x'),
  yd('a: !!map {b: 1}'), yd('a: !!seq [1]'), yd('a: !!map [1]'), yd('a: !!str [1]'), yd('a: !<tag:yaml.org,2002:str> 1'), yd('a: ! x'), yd('!!str 1: a'),
  yd('a: !!float .5'), yd('a: !!int 0x1F'), yd('a: !!int 0b101'), yd('a: !!bool yes'),
  // timestamps
  yd('a: 2024-01-02'), yd('a: 2024-1-2'), yd('a: 2024-1-2 3:4:5.5'), yd('a: 2024-01-02T10:00:00+05:30'), yd('a: 2024-01-02T10:00:00Z'),
  yd('a: 2024-01-02t10:00:00.123456789Z'), yd('a: 2024-01-02 10:00:00,5'), yd('a: 2024-02-30'), yd('a: 2024-02-29'), yd('a: 2023-02-29'),
  yd('a: 2024-01-02T10:00:00'), yd('a: 2024-01-02T24:00:00Z'), yd('a: 2024-01-02T10:00:00-00:00'), yd('a: 2024-13-01'), yd('a: "2024-01-02"'),
  yd('2024-01-02: x'), yd('a: 2024-01-02_backup'), yd('a: 1234-5678'), yd('a: 2024-01'),
  // documents
  yd(''), yd('# only a comment'), yd('---'), yd('...'), yd('a: 1\n---\nb: 2'), yd('a: 1\n...\n'), yd('--- a'), yd('---\n- 1\n...'), yd('%YAML 1.1\n---\na: 1'),
  // keys
  yd('? a\n: 1'), yd('? [a]\n: 1'), yd('[a]: 1'), yd(': 1'), yd('~: 1'), yd('1.50: a\n0x10: b\nyes: c'), yd('a: 1\nA: 2\n"a": 3'),
  // errors and the unusual
  yd('a: b: c'), yd('a:\n- b\n  - c'), yd('a: [1'), yd('a: "x'), yd('- a\nb: 1'), yd('a: @x'), yd('a: `x'), yd('a: \tb'), yd('a: b\r\nc: d\r\n'),
  yd('a: "\\u0085"'), yd('\ufeffa: 1'), yd('a: .inf'), yd('a: -.Inf'), yd('a: .nan'), yd(`${'k'.repeat(1100)}: v`), yd('a: 1\n  # indented comment\nb: 2'),
  yd('list:\n  - name: a\n    tags: [x, y]\n  - name: b\n    tags: []\n'),
  yd('roles: [arn:aws:iam::111111111111:role/a, arn:aws:iam::222222222222:role/b]'), yd('{url: http://h/p, b: x:y}'), yd('[a:, b]'), yd('{a:}'), yd('[a:b]'),
  yd('[a: 1, b: 2]'), yd('[a: 1, b]'), yd('[? a : 1]'), yd('[: 1]'), yd('["a": 1]'), yd('[a: [1, 2]]'), yd('{a: [b:]}'), yd('[a ?b]'),
  yd('.inf: 1\n-.Inf: 2'), yd('a: |-\n  -.inf'), yd('a: [.inf]'), yd('\ufeff- a'), yd('[::v]'), yd('{q: :v}'), yd('a: ::v'), yd('- |+\n'), yd('accounts:\n  dev: &dev {id: "111111111111", role: admin}\n  stage: *dev\n'),
];

export const E15B_CLASSES: CorpusClass[] = [
  { cls: 'yamldecode beyond the hand-written subset', exprs: YAMLDECODE },
  { cls: 'yamlencode', exprs: YAMLENCODE },
  { cls: 'sensitivity marks (issensitive)', exprs: SENSITIVITY },
];
