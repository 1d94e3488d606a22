import { E15A_CLASSES } from './corpus-e15a.ts'; // e15a's cases (IPv6 CIDR, fileset, abspath, templatestring, unification)
// The differential corpus: tfw's own expressions, written from terraform's
// documentation (language/expressions, language/values/variables,
// language/functions) and its documented behaviour. Each class is a list of
// expressions; `perSetup` classes are evaluated under every variable setup.

import { E15B_CLASSES, E15B_TF } from './corpus-e15b.ts';

/** The module every setup uses: variables of every type, a few locals. */
export const MAIN_TF = E15B_TF + `
variable "req" { type = string }
variable "s" {
  type    = string
  default = "dev"
}
variable "n" {
  type    = number
  default = 5
}
variable "b" {
  type    = bool
  default = false
}
variable "ls" {
  type    = list(string)
  default = [1, "a", true]
}
variable "ln" {
  type    = list(number)
  default = ["1", 2, "3.5"]
}
variable "ms" {
  type    = map(string)
  default = { b = 1, a = true, c = "x" }
}
variable "ss" {
  type    = set(string)
  default = ["b", "a", "b", "10", "9", "B"]
}
variable "sn" {
  type    = set(number)
  default = [10, 9, 1.5, 9]
}
variable "o" {
  type = object({
    name = string
    size = optional(number)
    tags = optional(map(string), {})
    on   = optional(bool, true)
  })
  default = { name = "x", extra = 1 }
}
variable "t" {
  type    = tuple([string, number, bool])
  default = [1, "2", "true"]
}
variable "untyped" {
  default = { a = [1, 2], b = "x" }
}
variable "anyv" {
  type    = any
  default = [1, "a"]
}
variable "nn" {
  type     = string
  nullable = false
  default  = "fallback"
}
variable "nul" {
  type    = string
  default = null
}
variable "lo" {
  type = list(object({
    k = string
    v = optional(number, 7)
  }))
  default = [{ k = "a" }, { k = 1, v = "2" }]
}
variable "mo" {
  type = map(object({ role = string, mfa = optional(bool, false) }))
  default = { prod = { role = "admin", mfa = "true" }, dev = { role = "dev" } }
}

locals {
  env     = var.is_prod ? "prod" : var.s
  profile = "\${local.env}-\${terraform.workspace}"
  bad     = tonumber("abc")
  nothing = null
}
variable "is_prod" {
  type    = bool
  default = false
}
variable "nl" {
  type    = list(string)
  default = null
}
variable "nany" {
  default = null
}
variable "nnum" {
  type    = number
  default = null
}
variable "nobj" {
  type    = object({ a = string })
  default = null
}
`;

/** Expressions about variables: evaluated under every setup. */
export const VARIABLE_EXPRS: string[] = [
  'var.req', 'var.s', 'var.n', 'var.b', 'var.ls', 'var.ln', 'var.ms', 'var.ss', 'var.sn', 'var.o', 'var.t',
  'var.untyped', 'var.anyv', 'var.nn', 'var.nul', 'var.lo', 'var.mo', 'var.is_prod',
  'var.b == true', 'var.b == "true"', 'var.n == 5', 'var.n + 1', 'var.n == "5"', 'var.is_prod ? "prod" : "dev"',
  'var.ls[0]', 'var.ln[0] + 1', 'var.ms["b"]', 'var.ms.a', 'tolist(var.ss)', 'tolist(var.sn)', 'length(var.ss)',
  'var.o.size', 'var.o.tags', 'var.o.on', 'var.o.name', 'try(var.o.extra, "none")', 'var.t[2]', 'var.t[1] + 1',
  'var.lo[0].v', 'var.lo[1].k', 'var.mo.prod.mfa', 'var.mo.dev.mfa', 'var.nn', 'var.nul == null',
  'local.env', 'local.profile', 'terraform.workspace', '"${var.s}-${var.n}-${var.b}"',
  'var.ls == ["1", "a", "true"]', 'var.ls == tolist(["1", "a", "true"])', 'var.ms == { a = "true", b = "1", c = "x" }',
  'var.ms == tomap({ a = "true", b = "1", c = "x" })', 'contains(var.ss, "a")', 'contains(var.ls, "1")',
  '[for x in var.ss : upper(x)]', '{ for k, v in var.ms : v => k... }', 'keys(var.ms)', 'values(var.ms)',
  'var.untyped.a[1]', 'var.anyv[0]', 'lookup(var.ms, "zz", "d")', 'coalesce(var.nul, var.s)',
  'var.n > 4', 'var.n * 2 == 10', 'element(tolist(var.ss), 0)', 'join(",", var.ss)', 'join(",", var.ln)',
  'format("%s/%d", var.s, var.n)', 'var.b ? 1 : 0', '!var.b', 'var.req == ""', 'upper(var.req)',
  'var.n / 3', 'var.n * 0.1', 'tostring(var.n + 0.1)', 'var.sn', '[for x in var.sn : x / 3]', 'var.ln[2] * 3',
];

export interface CorpusClass {
  cls: string;
  exprs: string[];
}

/** Expressions independent of the inputs: evaluated once. */
export const FIXED_CLASSES: CorpusClass[] = [
  ...E15A_CLASSES,
  {
    cls: 'conditionals and unification',
    exprs: [
      'true ? "a" : 1', 'true ? 1 : "a"', 'false ? 1 : "a"', 'true ? true : "x"', 'true ? 1 : true', 'true ? "a" : []',
      'true ? [] : ["a"]', 'true ? ["a"] : []', 'true ? { a = 1 } : { b = 2 }', 'true ? { a = 1 } : {}', 'true ? null : 1',
      'false ? null : "x"', 'true ? [1] : ["a"]', 'true ? [1, 2] : ["a"]', 'true ? tolist([1]) : ["a"]', 'true ? 1 : null',
      '"true" ? 1 : 2', '"1" ? 1 : 2', 'null ? 1 : 2', 'true ? 5 : tonumber("x")', 'false ? tonumber("x") : 5',
      'true ? { a = 1 } : { a = "x" }', 'true ? tomap({ a = 1 }) : { b = "x" }',
    ],
  },
  {
    cls: 'type conversion functions',
    exprs: [
      'tonumber(" 5 ")', 'tonumber("+5")', 'tonumber("5")', 'tonumber("0x10")', 'tonumber("1e3")', 'tonumber("-1.50")', 'tonumber(".5")',
      'tonumber("5.")', 'tonumber(true)', 'tonumber(null)', 'tonumber("abc")', 'tobool("0")', 'tobool("1")', 'tobool("true")',
      'tobool("TRUE")', 'tobool(1)', 'tobool(null)', 'tostring(1.50)', 'tostring(true)', 'tostring(null)', 'tostring([])',
      'tolist(["a", 1])', 'tolist([1, "a", true])', 'tolist([[1], ["a"]])', 'toset(["b", "a", "b"])', 'toset([3, 1, 2, 10])',
      'toset(["10", "9", "a", "B"])', 'toset([true, false])', 'tomap({ a = 1, b = "x" })', 'tomap({ a = 1, b = [] })',
      'tolist(toset(["c", "b", "a"]))', 'toset([1, "1"])', 'tomap({})', 'tolist([])', 'toset([])', 'tolist(null)',
      'tostring(5)', 'tostring(-0)', 'tonumber("1_000")', 'tonumber("Inf")', 'tonumber("NaN")', 'tonumber(" 5")',
    ],
  },
  {
    cls: 'operators and equality',
    exprs: [
      '1 == 1.0', '"a" == "a"', '1 == "1"', '[1] == [1]', '[] == []', '{} == {}', 'tolist([]) == []', 'null == null',
      '{ a = 1 } == { a = 1 }', 'tomap({ a = 1 }) == { a = 1 }', '"1" + 1', '"a" + 1', 'true && "true"', '1 < 2',
      '"10" > "9"', '5 % 3', '-5 % 3', '5.5 % 2', '7 / 2', '1 / 0', '-1 / 0', '0 / 0', '2 * 3.5', '-(-1)', '!true',
      '!"false"', 'true || null', 'false && null', '1 + null', '"a" == null', '[1, 2] != [1, 2]',
    ],
  },
  {
    cls: 'numbers',
    exprs: [
      '0.1 + 0.2', '0.1 + 0.2 == 0.3', '1e21', '1e20', '123456789012345678', '123456789012345678 + 1', '12345678901234567890',
      '-0', '1.5e300 * 1e10', '0.1 * 3', '1 / 3', '2 / 3', '10 / 4', '1e-7', '0.000001', '100000000000000000000000',
      '"${0.1 + 0.2}"', 'tostring(1e21)', 'tostring(1 / 3)', '"${1e21}"', '9007199254740993', '3.0', '3.10', '1.0e2',
      'abs(-3)', 'ceil(1.2)', 'floor(-1.2)', 'max(1, 5, 3)', 'min(1, 5, 3)', 'max()', 'pow(2, 10)', 'pow(2, 0.5)',
      'signum(-4)', 'signum(0)', 'log(8, 2)', 'log(10, 10)', 'parseint("ff", 16)', 'parseint("-10", 2)', 'parseint("0x10", 16)',
      'parseint("12", 1)', 'parseint("z", 36)', 'parseint("+7", 8)', 'parseint("8", 8)', 'parseint("", 10)', 'parseint("FF", 16)', 'parseint("1_0", 10)',
      'parseint("zz", 37)', 'parseint("9007199254740993", 10)', 'pow(3, 3)', 'pow(-2, 3)', 'pow(2, -1)', 'pow(0, 0)', 'pow(10, 20)',
      '10 % 3.5', '-7 % 2', '7 % -2', '0.3 - 0.1', '1e21 / 1e10', '2 / 8', '1 / 1024', '5 - 5', '-0 + 0', '0 * -1', 'sum([1, 2, 3.5])', 'sum([])', 'sum(["1", 2])', 'max(["1"]...)',
      'floor(7 / 2)', 'ceil(1e21 + 0.5)',
    ],
  },
  {
    cls: 'numbers: precision, infinities, parsing',
    exprs: [
      'length([1, 2]) / length([1, 2, 3])', 'length("ab") + pow(2, 0.5)', 'pow(3, 30) * pow(3, 30)', 'pow(2, 53) + pow(2, 0)', 'pow(2, 53) + 1',
      '5 % 0', '0 % 5', '-0 % 5', '6 % -3', '-6 % 3', '7.5 % -2', '0.3 % 0.1', '1e21 % 7', '2 % 0.3', '-7.5 % 2',
      'tostring(1 / 0)', '1 / 0 > 5', '-1 / 0 < 0', 'tostring(tonumber("inf"))', 'tostring(tonumber("-Inf"))', 'tostring(max(1 / 0, 5))', '1 / 0 == 1 / 0',
      'tonumber("1p3")', 'tonumber("0.1e1")', 'tonumber("-0")', 'tonumber("1e-400")', 'tonumber("00012")', 'tonumber("1.")', 'tonumber("1e")', 'tonumber("+.5")', 'tonumber("0x1p3")',
      '0.1 + 0.2 <= 0.3', '0.3 >= 0.1 + 0.2', '0.1 + 0.2 > 0.3', '0.1 + 0.2 < 0.3', '1e-300 * 1e-300', '1e300 * 1e300', '2 / 3 * 3', '1 - 0.9', '100 * 1.1', '0.1 * 0.1',
      'floor(0.1 + 0.2)', 'ceil(length([1]) / 3)', 'abs(-0.1 - 0.2)', 'signum(length([1]) - 5)', 'parseint("ZZ", 62)', 'parseint("-zZ", 62)', 'parseint("99999999999999999999", 10) + 0.5',
      'parseint("7fffffffffffffffffff", 16) / 3', 'floor(-0)', 'ceil(2.5e-400)', 'floor(pow(2, 0.5) * 1e20)', 'abs(-0)',
      'format("%.20f", 0.1)', 'format("%.30f", 1 / 3)', 'format("%v", 1 / 3)', 'format("%g", 0.1 + 0.2)', 'format("%.3e", 2 / 3)', 'format("%f", pow(2, 0.5))',
      'format("%v", pow(2, 0.5))', 'format("%d", parseint("ffffffffffffffffff", 16))', 'format("%x", 1e21)', 'format("%5.1f|", 1 / 0)', 'format("%f", -1 / 0)', 'format("%08.2f", 1 / 0)',
      'format("%.0f", 2.5)', 'format("%.1f", 0.25)', 'format("%.2f", 1.005)', 'format("%.2f", 0.125)', 'format("%.3g", 2.675)', 'format("%.15f", 0.1 + 0.2)', 'format("%v", 1e21)', 'format("%v", 123456789012345678)',
      'range(0, 1, 0.1)', 'range(1, 0, -0.25)', 'range(1, 1, 0)', 'range(length([1, 2]))', '[for i in range(3) : i / 3]', 'range(3)[1] / 3',
      'sum([0.1, 0.2, 0.3])', 'sum([length([1]), pow(2, 0.5)])', 'toset([0.1 + 0.2, 0.3, 1, 1.0])', 'distinct([0.1 + 0.2, 0.3])', 'contains([0.3], 0.1 + 0.2)', 'index([0.3], 0.1 + 0.2)',
      '"${1 / 3}"', 'jsonencode(2 / 3)', 'jsonencode([0.1, 1e21, -0])', 'jsondecode("0.1") + jsondecode("0.2")', 'jsondecode("-0")', 'jsondecode("1E2")', 'jsondecode("[0.1, {\\"a\\": 1e-3}]")',
      'pow(-2, 0.5)', 'pow(0, -1)', 'pow(1.5, 3)', 'pow(0.1, 2)', 'pow(10, -2)', 'pow(2, 1023)', 'pow(-2, 63)', 'pow(-0, -3)', 'pow(-0, 3)', 'pow(7, 25)', 'pow(1.1, 100)', 'pow(2, -1074)', 'pow(2, -1075)', 'pow(3, -680)', 'pow(10, -320)', 'pow(1.5, -1800)', 'pow(0.5, 1070)', 'pow(-2, -1073)',
      '1e21 + 1', '1e400 - 1e400', '1e-7 * 1e7', 'element(["a", "b"], length([1]))', '["a", "b"][length([1])]', 'substr("abc", length([1]), 1)', '["a", "b"][0.5]', '["a", "b"][1.0]',
      'max(0.1 + 0.2, 0.3)', 'min(0.3, 0.1 + 0.2)', 'max(length([1]), 1)', 'tostring(-0)', '-0 == 0', '0.1 + 0.2 != 0.3', '1 / 3 == 0.3333333333333333', '3 * (1 / 3) == 1',
    ],
  },
  {
    cls: 'typed nulls, substr, sets, base64, CIDR octets',
    exprs: [
      'tostring(var.nl)', 'tolist(var.nl)', 'toset(var.nl)', 'tomap(var.nl)', 'tostring(var.nany)', 'tolist(var.nany)', 'tomap(var.nany)', 'tobool(var.nnum)', 'tonumber(var.nnum)',
      'tostring(var.nnum)', 'tostring((var.nnum))', 'tomap(var.nobj)', 'tolist(var.nobj)', 'tostring(var.nobj)', 'tobool(var.nul)', 'merge(var.nany, [])', 'merge(var.nl, [])', 'merge(var.nobj, {})',
      'tostring(null)', 'tonumber((null))', 'tomap(null)', 'toset(null)', 'tostring(var.nul)', 'tonumber(var.nul)', 'tolist(var.nul)', 'tostring(local.nothing)',
      'merge(null, [])', 'merge(null, {})', 'merge(null, [1])', 'merge([], {})', 'merge(var.nul, [])', 'merge(null, { a = 1 }, [])',
      'substr("abc", -4, 1)', 'substr("abc", 0, -2)', 'substr("abc", -1, 0)', 'substr("abc", -5, 0)', 'substr("abc", 1, 0)', 'substr("abc", 3, -1)', 'substr("abc", 4, -1)',
      'substr("", 0, 0)', 'substr("", -1, 2)', 'substr("héllo", -3, -1)', 'substr("abc", -3, 2)',
      'setunion([1], ["a"])', 'setunion([true], ["a", 1])', 'setunion([1], [true])', 'setintersection(["1", "2"], [1])', 'setsubtract([1, 2], ["2"])', 'setunion([], ["b", "a"])',
      'reverse(toset(["b", "a", "c"]))', 'reverse(toset([3, 1, 2]))', 'reverse(["a", 1])', 'reverse(tolist(["x", "y"]))',
      'base64decode("aGk=\\n")', 'base64decode("aG\\r\\nk=")', 'base64decode("aGk=\\t")', 'base64decode("a\\nGk=")',
      'cidrhost("010.0.0.0/8", 1)', 'cidrhost("10.000.0.0/016", 1)', 'cidrnetmask("10.0.0.0/08")', 'cidrhost("256.0.0.0/8", 1)', 'cidrsubnet("010.1.2.0/24", 4, 1)',
      'chunklist(["a", "b"], 0)', 'chunklist([], 0)', 'chunklist(["a", 1], 1)', 'chunklist(["a"], -1)',
    ],
  },
  {
    cls: 'dates: formatdate, timeadd, timecmp',
    exprs: [
      'formatdate("YYYY-MM-DD hh:mm:ss", "2026-12-05T23:59:07Z")', 'formatdate("YY M D h m s", "2006-01-02T03:04:05Z")', 'formatdate("MMM MMMM EEE EEEE", "2024-02-29T00:00:00Z")',
      'formatdate("H HH A a", "2024-02-29T00:30:00Z")', 'formatdate("H HH AA aa", "2024-02-29T12:30:00Z")', 'formatdate("HH aa", "2024-02-29T13:30:00Z")',
      'formatdate("Z ZZZ ZZZZ ZZZZZ", "2024-02-29T13:30:00Z")', 'formatdate("Z ZZZ ZZZZ ZZZZZ", "2024-02-29T13:30:00+05:30")', 'formatdate("Z ZZZ", "2024-02-29T13:30:00-00:00")',
      'formatdate("Z ZZZ", "2024-02-29T13:30:00+00:00")', 'formatdate("\'at\' hh \'o\'\'clock\'", "2024-02-29T13:30:00Z")', 'formatdate("\'\'", "2024-02-29T13:30:00Z")',
      'formatdate("\'abc", "2024-02-29T13:30:00Z")', 'formatdate("YYYYMMDD", "2024-02-29T13:30:00Z")', 'formatdate("YYY", "2024-02-29T13:30:00Z")', 'formatdate("T", "2024-02-29T13:30:00Z")',
      'formatdate("DD", "2023-02-29T13:30:00Z")', 'formatdate("DD", "2024-02-29 13:30:00Z")', 'formatdate("DD", "2024-02-29T13:30:00")', 'formatdate("DD", "2024-02-29T13:30:00.123456789123Z")',
      'formatdate("hh:mm", "2024-02-29T24:00:00Z")', 'formatdate("hh:mm:ss", "2016-12-31T23:59:60Z")', 'formatdate("DD-MM-YYYY", "0001-01-01T00:00:00Z")', 'formatdate("EEEE", "1970-01-01T00:00:00Z")',
      'formatdate("EEEE D MMMM", "2024-03-01T01:00:00+02:00")', 'formatdate("YYYY-MM-DD", "2024-03-01T01:00:00z")', 'formatdate("", "2024-03-01T01:00:00Z")', 'formatdate("-- ::", "2024-03-01T01:00:00Z")',
      'timeadd("2017-11-22T00:00:00Z", "-10m")', 'timeadd("2017-11-22T00:00:00Z", "1h30m")', 'timeadd("2017-11-22T00:00:00+05:00", "12h")', 'timeadd("2017-11-22T00:00:00.9Z", "0.2s")',
      'timeadd("2017-11-22T00:00:00Z", "1.5h")', 'timeadd("2017-11-22T00:00:00Z", "8760h")', 'timeadd("2017-11-22T00:00:00Z", "0")', 'timeadd("2017-11-22T00:00:00Z", "")',
      'timeadd("2017-11-22T00:00:00Z", "1d")', 'timeadd("2017-11-22T00:00:00Z", "10")', 'timeadd("2017-11-22T00:00:00Z", "1µs")', 'timeadd("2017-11-22T00:00:00Z", ".5m")',
      'timeadd("2017-11-22T00:00:00Z", "-1.000000001s")', 'timeadd("2017-11-22T00:00:00Z", "2562047h")', 'timeadd("2017-11-22T00:00:00Z", "9999999999h")', 'timeadd("2024-02-28T23:00:00-01:00", "1h")',
      'timeadd("0001-01-01T00:00:00Z", "-1s")', 'timeadd("2017-11-22T00:00:00Z", "1h-1m")', 'timeadd("2017-11-22T00:00:00Z", "+3m")', 'timeadd("2017-11-22T00:00:00Z", "1.2.3s")',
      'timecmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T01:00:00+01:00", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:01Z", "2017-11-22T00:00:00.5Z")',
      'timecmp("2017-11-22T00:00:00Z", "bad")', 'timecmp("2017-11-22T00:00:00.000000001Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T0:00:00Z", "2017-11-22T00:00:00Z")',
    ],
  },
  {
    cls: 'strings',
    exprs: [
      'upper("ᾳ")', 'upper("ᾀᾐᾠῃῳ")', 'upper("ᾈ")', 'lower("ᾈ")', 'title("ᾳx")', 'upper("ɤ")', 'upper("ƛ")', 'lower("Ɤ")', 'title("ɤa")', 'upper("ამ")', 'title("ამ")', 'lower("ᲐᲛ")',
      'upper("ꭰ")', 'title("ꭰ")', 'upper("ǰ")', 'upper("ŉ")', 'upper("և")', 'upper("ΐ")', 'upper("ͅ")', 'lower("Ω")', 'lower("K")', 'upper("ɪ")', 'upper("ᶎ")',
      'upper("straße")', 'lower("ÀÉÎ")', 'upper("ǆ")', 'lower("İ")', 'upper("ﬁ")', 'title("hello world")', 'title("hello-world foo_bar")',
      'title("élan vital")', 'title("o\'neil")', 'trimspace("  a b \\n\\t")', 'trimspace("\\u00a0x\\u00a0")', 'trimspace("\\u200bx")',
      'trimspace("\\u3000x\\u3000")', 'trimspace("\\u0085x")', 'length("héllo")', 'length("👍🏽")', 'length("e\\u0301")',
      'length("🇫🇷")', 'substr("héllo", 1, 3)', 'substr("👍🏽ab", 0, 1)', 'substr("abc", -2, 1)', 'substr("abc", 1, -1)',
      'substr("abc", 5, 1)', 'substr("abc", 1, 10)', 'strrev("abc")', 'strrev("e\\u0301a")', 'strrev("👍🏽x")',
      'split("", "abc")', 'split(",", "")', 'split(",", "a,,b")', 'split("", "e\\u0301x")', 'join("-", ["a"], ["b", "c"])',
      'join(",", [])', 'join(",", [1, true])', 'chomp("a\\r\\n\\n")', 'chomp("a\\n\\r")', 'trim("?!hello?!", "!?")',
      'trimprefix("helloworld", "hello")', 'trimsuffix("helloworld", "world")', 'trimsuffix("a", "")', 'indent(2, "a\\nb\\n")',
      'strcontains("hello", "ell")', 'startswith("hello", "")', 'endswith("hello", "lo")', 'replace("abc", "", "-")',
      'replace("aaa", "a", "b")', 'replace("hello", "l", "")', 'upper("ǅ")', 'lower("Σ")', 'lower("ΑΣ")', 'title("ǆa")',
      'length("\\r\\n")', 'strrev("\\r\\n")', 'substr("abc", -4, 1)', 'substr("abc", 3, 1)', 'substr("abc", 0, -2)', 'substr("abc", 1.5, 1)',
      'indent(0, "a\\nb")', 'indent(4, "")', 'trim("  x  ", " ")', 'trim("aé", "é")', 'strcontains("a", "")', 'strrev("")', 'lower("ǅ")', 'upper("ﬀ")',
      'title("ﬁx")', 'title("a\\u00a0b")', 'title("a.b,c;d")', 'title("1a 2b")', 'title("a_b")', 'title("straße")', 'trimspace("\\ufeffx")', 'substr("ab\\r\\ncd", 2, 1)', 'length("")', 'substr("", 0, 1)',
      '"%{if true}a%{else}b%{endif}"', '"%{for x in ["a", "b"]}${x}.%{endfor}"', '"a${"b"}c"', '"$${x}"', '"%%{x}"',
    ],
  },
  {
    cls: 'format',
    exprs: [
      'format("%d", 1, 2)', 'format("%d")', 'format("%s", "a", "b")', 'format("%+d", 5)', 'format("% d", 5)', 'format("%.3s", "abcdef")',
      'format("%[2]s %[1]s", "a", "b")', 'format("%#v", "a")', 'format("%#v", 1)', 'format("%#v", [1, "a"])', 'format("%x", 255)',
      'format("%X", 255)', 'format("%o", 8)', 'format("%b", 5)', 'format("%e", 1234.5)', 'format("%g", 1234.5)', 'format("%q", "a\\"b")',
      'format("%5s|", "é")', 'format("%-5s|", "ab")', 'format("%05d", 42)', 'format("%5.1f", 3.14159)', 'format("%v", true)',
      'format("%v", [1, 2])', 'format("%v", { a = 1 })', 'format("%s", 1.5)', 'format("%d", 1.5)', 'format("%t", "true")',
      'format("%%")', 'format("%s")', 'format("%x", "hi")', 'format("%f", 1)', 'format("%.2f", 2.675)', 'format("%s", null)',
      'format("%v", null)', 'format("%d", "12")', 'format("%5d|%-5d|", 3, 4)', 'format("%s %s", "a")', 'format("%z", 1)',
      'format("%*d", 3, 1)', 'format("%[3]s", "a", "b")', 'format("%+.2e", 12345)', 'format("%8.3f", -3.14159)', 'format("%q", 1)',
      'format("%c", 65)', 'format("%U", 65)', 'format("%v", 1234567)', 'format("%v", 0.0001)', 'format("%v", 0.00001)', 'format("%v", 1e21)',
      'format("%v", -2.5)', 'format("%v", 100)', 'format("%g", 123456)', 'format("%g", 1234567)', 'format("%.3g", 1234.5)', 'format("%.3g", 0.000012345)',
      'format("%.10g", 1.5)', 'format("%G", 1e-7)', 'format("%e", 0)', 'format("%E", -0.5)', 'format("%.0e", 5)', 'format("%.0f", 0.5)', 'format("%.0f", 1.5)',
      'format("%.0f", 2.5)', 'format("%.1f", 0.25)', 'format("%.1f", 0.35)', 'format("%.2f", 1.005)', 'format("%+.1f", 3)', 'format("% .1f", 3)', 'format("%08.3f", -3.14159)',
      'format("%-8.2f|", 3.14159)', 'format("%.3f", 1e21)', 'format("%f", -0)', 'format("%.2e", 9.995)', 'format("%.2e", 9.9951)', 'format("%g", 0)', 'format("%5v|", 1.5)',
      'format("%.1f", 0.05)', 'format("%.1f", 0.95)', 'format("%.2f", 0.125)', 'format("%.2f", 0.375)', 'format("%e", 123456789)', 'format("%g", 1e100)', 'format("%v", 0.1)', 'formatlist("%s-%s", ["a", "b"], "x")', 'formatlist("%s", [])', 'formatlist("%s=%d", ["a", "b"], [1, 2])',
    ],
  },
  {
    cls: 'regex',
    exprs: [
      'regex("[a-z]+", "53abc!")', 'regex("(?i)ABC", "xabcx")', 'regex("(?P<first>[a-z])(?P<rest>[a-z]*)", "hello")',
      'regex("(\\\\d+)-(\\\\d+)", "10-20")', 'regex("\\\\pL+", "é1")', 'regex("[[:digit:]]+", "ab123")', 'regex("a\\\\z", "ba")',
      'regex("x", "abc")', 'regexall("[a-z]", "a1b2")', 'regexall("x", "abc")', 'regexall("(a)(b)?", "a ab")',
      'replace("hello world", "/o/", "0")', 'replace("a-b", "/(a)-(b)/", "$2-$1")', 'replace("ab", "/(a)/", "$1x")',
      'replace("ab", "/(a)/", "${1}x")', 'replace("ab", "/(a)/", "$${1}x")', 'replace("ab", "/(?P<n>a)/", "$n-$$-$9-$")', 'replace("abc", "/(?P<n>b)/", "[$n]")', 'replace("aaa", "/a*/", "-")',
      'replace("abc", "/^/", ">")', 'replace("x", "/(/", "y")', 'regex("^(?:a|ab)(c|bcd)(d*)$", "abcd")', 'regex("\\\\Qa.b\\\\E", "a.b")',
      'can(regex("^[a-z]+$", "abc"))', 'can(regex("^[a-z]+$", "ab1"))', 'replace("a.b", ".", "-")', 'regex("(a)|(b)", "b")',
      'regex("[^\\\\x00-\\\\x7f]", "aé")', 'regex("a{2,}", "caaat")', 'regex("(?s)a.b", "a\\nb")', 'regex("(?m)^b$", "a\\nb")',
      'replace("Hello", "/(?i)h/", "J")', 'regexall("\\\\b\\\\w", "ab cd")', 'regex("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab")',
    ],
  },
  {
    cls: 'collections',
    exprs: [
      'index(["a", "b"], "b")', 'index(["a"], "z")', 'slice(["a", "b", "c"], 1, 2)', 'slice(["a"], 1, 3)', 'sort(["b", "a", "10", "9"])',
      'sort([3, 1])', 'reverse([1, 2, 3])', 'range(3)', 'range(1, 4)', 'range(0, 1, 0.25)', 'range(3, 0, -1)', 'alltrue([true, "true"])',
      'alltrue([])', 'anytrue([false])', 'anytrue([])', 'chunklist(["a", "b", "c"], 2)', 'chunklist([], 2)',
      'matchkeys(["i-1", "i-2"], ["us", "eu"], ["eu"])', 'transpose({ a = ["1", "2"], b = ["2"] })', 'setproduct(["a", "b"], [1, 2])',
      'setunion(["a"], ["b", "a"])', 'setintersection(["a", "b"], ["b", "c"])', 'setsubtract(["a", "b"], ["b"])', 'distinct([1, 1, "1"])',
      'flatten([[1, [2]], [], 3])', 'compact(["a", "", null, "b"])', 'concat([1], ["a"])', 'merge({ a = 1 }, { a = 2, b = 3 })',
      'merge({ a = 1 }, null)', 'merge()', 'zipmap(["a", "b"], [1, 2])', 'one([])', 'one(["x"])', 'one(toset(["a", "a"]))',
      'keys({ b = 1, a = 2 })', 'values({ b = 1, a = 2 })', 'lookup({ a = 1 }, "b")', 'element(["a", "b"], 3)', 'element(["a", "b"], -1)',
      'element([], 0)', 'length({ a = 1 })', 'length(null)', 'contains([1, 2], "1")', 'coalescelist([], ["a"])', 'coalesce("", "b")',
      'coalesce(1, "a")', 'coalesce(null, null)', '[for i, v in ["a", "b"] : "${i}=${v}"]', '{ for k, v in { b = 1, a = 2 } : k => v * 2 }',
      '[for x in toset(["b", "a"]) : x]', '{ for x in ["a", "a"] : x => 1 }', '{ for x in ["a", "a"] : x => 1... }', '[for x in [3, 1, 2] : x if x > 1]',
      '["a", "b"][1]', '["a", "b"][2]', '{ a = 1 }.b', '{ a = 1 }["a"]', '[{ a = 1 }, { a = 2 }][*].a', 'null[*]', '"x"[*]',
      'toset(["a"])[0]', 'tolist(["a"])[0]', '[1, 2, 3][1.0]', '[1, 2, 3]["1"]', '[1, 2][-1]', 'setproduct([], ["a"])',
      'sort([])', 'reverse([])', 'range(0)', 'sum([0.1, 0.2])', 'distinct(["b", "a", "b"])', 'contains(toset(["a"]), "a")',
      'range(-3)', 'range(1, 1)', 'range(0, 2, 0)', 'range(0.1, 1, 0.3)', 'range(5, 1)', 'range(1025)', 'slice([1, 2], 2, 2)', 'slice([1, 2], 1, 0)',
      'slice(tolist(["a", "b"]), 0, 1)', 'index([1, 2], "1")', 'index(["a", "a"], "a")', 'sort(["b", null])', 'sort([true, "a"])', 'reverse(toset(["b", "a"]))',
      'chunklist(["a", "b"], 0)', 'chunklist(["a", "b", "c"], 1)', 'setunion([1], ["a"])', 'setunion([1, 2], [2, 3])', 'setintersection([1, 2], [2])',
      'setsubtract([3, 1], [])', 'setproduct(["a"], ["b"], ["c", "d"])', 'matchkeys(["a", "b"], [1, 2], [2])', 'matchkeys(["a"], ["x", "y"], ["x"])',
      'transpose({})', 'transpose({ x = [] })', 'sum([1, "x"])', 'sum(["0.1", "0.2"])', 'max(1.5, "2")', 'min(-0, 0)', 'abs(-0.5)', 'ceil(-0.5)', 'floor(2)',
      'signum(-0.001)', 'length(toset(["a", "a"]))', 'keys({})', 'merge({ a = { b = 1 } }, { a = { c = 2 } })', 'flatten([toset(["b", "a"])])',
    ],
  },
  {
    cls: 'encoding and hashes',
    exprs: [
      'jsonencode({ b = 1, a = [true, null] })', 'jsondecode("{\\"a\\":1.50,\\"b\\":[1,\\"x\\"]}")', 'jsondecode("[")', 'jsonencode("<&>")',
      'jsondecode("1e400")', 'yamlencode({ a = 1 })', 'yamldecode("a: 1")', 'csvdecode("a,b\\n1,2\\n")', 'base64encode("héllo")',
      'base64decode("aGVsbG8=")', 'base64decode("!!")', 'base64gzip("x")', 'textencodebase64("x", "UTF-16LE")', 'textdecodebase64("eAA=", "UTF-16LE")',
      'urlencode("a b&c/é")', 'md5("x")', 'sha1("x")', 'sha256("x")', 'sha512("x")', 'base64sha256("x")', 'base64sha512("x")',
      'uuidv5("dns", "example.com")', 'uuidv5("url", "https://x")', 'jsonencode(1e21)', 'jsonencode(0.1 + 0.2)', 'jsondecode("\\"a\\"")',
      'base64decode("/w==")', 'md5("é")', 'uuidv5("oid", "x")', 'uuidv5("x500", "x")', 'uuidv5("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "example.com")',
      'uuidv5("nope", "x")', 'jsondecode("[1, {\\"b\\": null}]")', 'jsondecode("12345678901234567890")', 'jsondecode("{\\"a\\":1,\\"a\\":2}")',
      'jsonencode(["a", 1, true, null])', 'jsonencode({})', 'jsonencode(tolist([]))', 'urlencode("~-_.")', 'urlencode("100%")', 'base64encode("")',
      'base64decode("aGk")', 'base64decode("aGk=\\n")', 'sha256("")',
      'yamldecode("a: 1\\nb: [1, 2]")', 'yamldecode("dev:\\n  account: 123456789012\\n  role: admin\\nprod:\\n  account: \\"012345678901\\"\\n  mfa: yes\\n")',
      'yamldecode("- a\\n- b # c\\n- \\"q#\\"\\n- \'it\'\'s\'\\n")', 'yamldecode("accounts:\\n- name: dev\\n  id: 1\\n- name: prod\\n  id: 2\\n  tags:\\n    - x\\n")',
      'yamldecode("a: on\\nb: Off\\nc: ~\\nd:\\ne: null\\nf: y\\ng: NO\\nh: True\\ni: tRue")', 'yamldecode("a: 0x1F\\nb: 0o17\\nc: +12\\nd: 1_000\\ne: 1e3\\nf: .5\\ng: -.5e1\\nh: 012\\ni: 1.\\nj: .abc")',
      'yamldecode("a: 2024-01-02")', 'yamldecode("a: &x 1\\nb: *x")', 'yamldecode("a: |\\n  text\\n")', 'yamldecode("a: !!str 1")', 'yamldecode("---\\na: 1")', 'yamldecode("\\"k\\": v\\n\'j\': w")',
      'yamldecode("a:\\n  b:\\n    c: deep # comment\\n  d: e")', 'yamldecode("# only\\na: 1 # c\\n\\n# x\\n")', 'yamldecode("hello")', 'yamldecode("1.50")', 'yamldecode("a: b: c")', 'yamldecode("a: {}\\nb: []")',
      'yamldecode("a: 1\\na: 2")', 'yamldecode("true: 1\\n1: 2")', 'yamldecode("a: \\"x\\\\ty\\"")', 'yamldecode("a: arn:aws:iam::123456789012:role/x")', 'yamldecode("url: http://x.y/z#frag")', 'yamldecode("a:   spaced   ")',
      'yamldecode("- - a")', 'yamldecode("-\\n  a: 1")', 'yamldecode("a:\\n- 1\\n- 2\\nb: 3")', 'yamldecode("a: 1\\n  b: 2")', 'yamldecode("a: x\\n  y")', 'yamldecode("a: .inf")', 'yamldecode("a: <<")',
      'yamldecode("key with spaces: v")', 'yamldecode("a: \'\'")', 'yamldecode("a: \\"\\"")', 'yamldecode("a: -")', 'yamldecode("a: -1")', 'yamldecode("a: 1e400")', 'yamldecode("a: 12345678901234567890")',
      'textencodebase64("héllo 👍", "UTF-8")', 'textencodebase64("héllo 👍", "UTF-16LE")', 'textencodebase64("héllo 👍", "utf-16be")', 'textencodebase64("x", "UTF-16")', 'textencodebase64("x", "nope")',
      'textdecodebase64(textencodebase64("héllo 👍", "UTF-16BE"), "UTF-16BE")', 'textdecodebase64("aOlsbG8=", "UTF-8")', 'textdecodebase64("eAA", "UTF-16LE")', 'textdecodebase64("AAA=", "UTF-16LE")', 'textdecodebase64("AADY", "UTF-16LE")',
      'textdecodebase64("77+9", "UTF-8")', 'textdecodebase64("//4=", "UTF-16LE")',
      'csvdecode("account,profile\\n1234,dev\\n5678,prod\\n")', 'csvdecode("a,b\\r\\n1,2\\r\\n")', 'csvdecode("a,b\\n\\n1,2\\n\\n")', 'csvdecode("a,b\\n\\"x,y\\",\\"q\\"\\"q\\"\\n")',
      'csvdecode("a,b\\n\\"multi\\nline\\",2")', 'csvdecode("a,b")', 'csvdecode("")', 'csvdecode("a,a\\n1,2")', 'csvdecode("a,b\\n1\\n")', 'csvdecode("a,b\\n1,2,3\\n")',
      'csvdecode("a,b\\n1,x\\"y\\n")', 'csvdecode("a,b\\n\\"1\\"x,2\\n")', 'csvdecode("a,b\\n\\"1,2\\n")', 'csvdecode("a,b\\n,\\n")', 'csvdecode("a,b\\n 1 , 2 \\n")',
      'csvdecode("a\\n\\n\\n")', 'csvdecode("a,b\\n1,2\\r")', 'csvdecode("a,b\\n1,2\\r3\\n")', 'csvdecode("é,b\\ne\\u0301,2")', 'csvdecode(",\\n1,2")', 'csvdecode("a,b\\n\\"\\",\\"\\"\\n")',
    ],
  },
  {
    cls: 'network',
    exprs: [
      'cidrhost("10.12.112.0/20", 16)', 'cidrhost("10.12.112.0/20", 268)', 'cidrhost("fd00:fd12:3456:7890::/56", 34)', 'cidrhost("10.0.0.0/30", 5)',
      'cidrnetmask("172.16.0.0/12")', 'cidrsubnet("172.16.0.0/12", 4, 2)', 'cidrsubnet("10.1.2.0/24", 4, 15)', 'cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)',
      'cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', 'cidrhost("10.0.0.0/8", -1)',
      'cidrhost("10.0.0.0/24", 256)', 'cidrhost("10.0.0.0/24", -256)', 'cidrhost("10.0.0.0/24", -257)', 'cidrhost("10.0.0.5/24", 1)', 'cidrhost("010.0.0.0/8", 1)',
      'cidrhost("10.0.0.0/33", 1)', 'cidrnetmask("0.0.0.0/0")', 'cidrnetmask("10.0.0.0/32")', 'cidrsubnet("10.0.0.0/8", 0, 0)', 'cidrsubnet("10.0.0.0/8", 8, 256)',
      'cidrsubnet("10.0.0.0/30", 3, 0)', 'cidrsubnets("10.0.0.0/24", 2, 1)', 'cidrsubnets("10.0.0.0/24", 1, 1, 1)', 'cidrsubnets("10.0.0.0/24")', 'cidrsubnets("10.0.0.0/24", 0)',
      'cidrhost("255.255.255.0/24", 255)', 'cidrsubnet("10.0.0.0/8", 24, 16777215)',
    ],
  },
  {
    cls: 'paths and files',
    exprs: [
      'basename("a/b/")', 'basename("/")', 'basename("")', 'basename("a//b")', 'dirname("a/b/")', 'dirname("a")', 'dirname("/a")',
      'dirname("a//b")', 'dirname("")', 'dirname("/")', 'dirname("a/./b")', 'basename("a/b.txt")', 'pathexpand("a/b")', 'abspath("/a/../b")',
      'file("missing.txt")', 'fileexists("main.tf")', 'fileexists("nope")', 'fileset(".", "*.tf")', 'filebase64("data.txt")', 'filemd5("data.txt")',
      'filesha1("data.txt")', 'file("data.txt")', 'templatefile("tpl.tftpl", { name = "x" })', 'templatestring("a${b}", { b = "c" })',
      'path.module', 'path.root', 'length(path.cwd) > 0',
      'file("./data.txt")', 'file("${path.module}/data.txt")', 'file("vars/../data.txt")', 'try(file("missing"), "d")', 'can(file("vars"))', 'fileexists("vars")',
      'fileexists("./vars/../main.tf")', 'filesha256("data.txt")', 'filesha512("data.txt")', 'filebase64sha256("data.txt")', 'filebase64sha512("data.txt")',
      'file("bom.txt")', 'file("latin1.txt")', 'filebase64("latin1.txt")', 'filemd5("latin1.txt")', 'trimspace(file("data.txt"))', 'file("~/nope")', 'file("~x/nope")',
      'templatefile("loop.tftpl", { m = { b = "y", a = "x" }, n = 2 })', 'templatefile("single.tftpl", { x = [1, 2] })', 'templatefile("single.tftpl", { x = 5 })',
      'templatefile("tpl.tftpl", {})', 'templatefile("tpl.tftpl", { name = "x", "bad key" = 1 })', 'templatefile("tpl.tftpl", { name = 1 })', 'templatefile("rec.tftpl", {})',
      'templatefile("pathref.tftpl", {})', 'templatefile("tpl.tftpl", ["x"])', 'templatefile("missing.tftpl", {})', 'templatefile("tpl.tftpl", { name = "x", extra = 2 })',
      'abspath("a/../b") == "${path.cwd}/b"', 'abspath("/") ', 'abspath("") == path.cwd', 'abspath("~/x") == "${path.cwd}/~/x"', 'abspath("/a//b/./c/")',
    ],
  },
  {
    cls: 'impure, sensitivity and try',
    exprs: [
      'try(var.nope, "d")', 'try(local.bad, "d")', 'try(local.nope, "d")', 'try(tonumber("x"), "d")', 'try({ a = 1 }.b, "d")', 'can(var.nope)',
      'can(tonumber("x"))', 'try(1, "a")', 'try()', 'try(["a"][3], null)', 'issensitive("x")', 'nonsensitive("x")', 'sensitive("x") == "x"',
      'uuid() == ""', 'formatdate("YYYY-MM-DD", "2026-01-02T03:04:05Z")', 'formatdate("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z")',
      'timeadd("2017-11-22T00:00:00Z", "10m")', 'timecmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z")', 'formatdate("h", "x")',
      'upper()', 'upper("a", "b")', 'nosuchfn(1)', 'local.bad', 'local.nope', 'var.nope', 'each.key', 'count.index', 'self',
      'data.aws_caller_identity.x.account_id', 'aws_instance.x.id', 'module.m.out',
    ],
  },
];
FIXED_CLASSES.push(...E15B_CLASSES);
