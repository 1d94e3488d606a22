// e15a's differential cases (issue 15): IPv6 CIDR functions, fileset, abspath
// and path.cwd, templatestring, nested collection unification, and the other
// unknowns left in the corpus. Written from terraform's documentation and
// checked with the real `terraform console` (see differential.test.ts).
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusClass } from './differential-corpus.ts';

export const E15A_CLASSES: CorpusClass[] = [
  {
    cls: 'network: IPv6 and edges',
    exprs: [
      'cidrhost("fd00:fd12:3456:7890::/56", 34)', 'cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)', 'cidrhost("2001:db8::/32", 1)',
      'cidrhost("2001:db8::/32", -1)', 'cidrhost("2001:db8::/64", 18446744073709551615)', 'cidrhost("::/0", 9223372036854775807)',
      'cidrhost("::/0", 9223372036854775808)', 'cidrhost("::/0", 18446744073709551616)', 'cidrhost("::/0", 340282366920938463463374607431768211455)',
      'cidrhost("::/0", -340282366920938463463374607431768211456)', 'cidrhost("::/0", -340282366920938463463374607431768211457)', 'cidrhost("2001:db8::/126", 4)',
      'cidrhost("2001:db8::/128", 0)', 'cidrhost("2001:db8::/128", -1)', 'cidrhost("::/0", 281470681743361)', 'cidrhost("::ffff:10.0.0.0/104", 1)',
      'cidrhost("::ffff:10.0.0.0/120", 3)', 'cidrhost("::ffff:0:0/96", 1)', 'cidrhost("1::/16", 65536)', 'cidrhost("2001:DB8::/32", 10)',
      'cidrhost("2001:db8:0:0:1:0:0:1/128", 0)', 'cidrhost("2001:0:0:1::1/128", 0)', 'cidrhost("2001:db8::1:0:0:1/128", 0)', 'cidrhost("1:0:0:2:0:0:3:0/128", 0)',
      'cidrhost("::1/128", 0)', 'cidrhost("1::/128", 0)', 'cidrhost("1:2:3:4:5:6:7:8/128", 0)', 'cidrhost("1:2:3:4:5:6:7::/128", 0)', 'cidrhost("::2:3:4:5:6:7:8/128", 0)',
      'cidrhost("::1.2.3.4/128", 0)', 'cidrhost("1:2:3:4:5:6:1.2.3.4/128", 0)', 'cidrhost("1:2:3:4:5:6:7:1.2.3.4/128", 0)', 'cidrhost(":::/64", 0)', 'cidrhost("1:::2/64", 0)',
      'cidrhost("1::2::3/64", 0)', 'cidrhost("12345::/64", 0)', 'cidrhost("fe80::1%eth0/64", 1)', 'cidrhost("::/129", 0)', 'cidrhost("::/-1", 0)', 'cidrhost("::/08", 0)',
      'cidrhost("2001:db8::/32", 1.5)', 'cidrhost("2001:db8::/32", "7")', 'cidrhost("10.0.0.0/8", "7")', 'cidrhost("10.0.0.0/8", 16777216)', 'cidrhost("10.0.0.0/8", -16777216)',
      'cidrhost("10.0.0.0/8", 18446744073709551616)', 'cidrhost("0.0.0.0/0", 4294967295)', 'cidrhost("10.0.0.0/8", 9223372036854775808)',
      'cidrnetmask("2001:db8::/32")', 'cidrnetmask("::ffff:10.0.0.0/104")', 'cidrnetmask("::ffff:0:0/96")', 'cidrnetmask("10.0.0.0/08")',
      'cidrsubnet("2001:db8::/32", 16, 65535)', 'cidrsubnet("2001:db8::/32", 16, 65536)', 'cidrsubnet("2001:db8::/32", 32, 1)', 'cidrsubnet("2001:db8::/32", 64, 5)',
      'cidrsubnet("::/0", 64, 18446744073709551615)', 'cidrsubnet("::/0", 96, 18446744073709551615)', 'cidrsubnet("::/0", 96, 18446744073709551616)', 'cidrsubnet("2001:db8::/32", 97, 0)',
      'cidrsubnet("2001:db8::/120", 8, 255)', 'cidrsubnet("2001:db8::/120", 9, 0)', 'cidrsubnet("::ffff:10.0.0.0/104", 8, 3)', 'cidrsubnet("::ffff:0:0/96", 0, 0)',
      'cidrsubnet("::/0", 80, 281470681743360)', 'cidrsubnet("10.0.0.0/8", -1, 0)', 'cidrsubnet("10.0.0.0/8", 8, -1)', 'cidrsubnet("2001:db8::/32", 8, 1.5)',
      'cidrsubnets("2001:db8::/32", 16, 16, 32, 8)', 'cidrsubnets("fd00::/56", 8, 8, 8)', 'cidrsubnets("2001:db8::/120", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)',
      'cidrsubnets("2001:db8::/120", 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4)', 'cidrsubnets("2001:db8::/32", 33)', 'cidrsubnets("2001:db8::/120", 9)',
      'cidrsubnets("::/0", 1, 1)', 'cidrsubnets("::/0", 1, 1, 1)', 'cidrsubnets("ffff::/16", 8, 8)', 'cidrsubnets("::ffff:10.0.0.0/104", 8)', 'cidrsubnets("2001:db8::/32")',
      'cidrsubnets("2001:db8::/32", 4, 2, 8)', 'cidrsubnets("10.0.0.0/8", 4, 2, 8)', 'cidrsubnets("255.255.255.0/24", 1, 1)', 'cidrsubnets("0.0.0.0/0", 1, 1, 1)',
      'cidrsubnets("10.0.0.0/8", "4")', 'cidrsubnets("10.0.0.0/8", 1.5)', 'cidrsubnets("::/96", 16, 16)',
      'cidrsubnet("10.0.0.0/8", -9, 0)', 'cidrsubnet("11.0.0.0/8", -1, 0)', 'cidrsubnet("10.0.0.0/8", -9, 1)', 'cidrsubnet("10.0.0.0/8", 8, -256)',
      'cidrsubnet("10.0.0.0/8", 8, 18446744073709551617)', 'cidrhost("10.0.0.0/8", 18446744073709551617)', 'cidrhost("::/64", -1)', 'cidrsubnet("10.0.0.0/8", 70, 1)',
      'cidrsubnet("2001:db8::/32", 70, -5)', 'cidrsubnet("2001:db8::/32", -33, 0)', 'cidrhost("::ffff:10.0.0.0/104", 16777216)', 'cidrsubnets("0.0.0.0/0", 32)',
    ],
  },
  {
    cls: 'fileset (doublestar v1.1.5), abspath, path.cwd',
    exprs: [
      'fileset(".", "*.tf")', 'fileset("e15a", "*")', 'fileset("e15a", "**")', 'fileset("e15a", "**/*.tf")', 'fileset("e15a", "*/*.txt")', 'fileset("e15a", "**/*.txt")',
      'fileset("e15a", "?.txt")', 'fileset("e15a", "[ab].*")', 'fileset("e15a", "[^a]*")', 'fileset("e15a", "[a-c]*")', 'fileset("e15a", "{a,b}.*")', 'fileset("e15a", "*a.tf")',
      'fileset("e15a", "x\\\\[1].txt")', 'fileset("e15a", "x[1].txt")', 'fileset("e15a", "[")', 'fileset("e15a", "[]")', 'fileset("e15a", "{a")', 'fileset("e15a", "\\\\")',
      'fileset("e15a", "sub")', 'fileset("e15a", "sub/c.txt")', 'fileset("e15a/sub", "../*.txt")', 'fileset("e15a", "link-dir/*")', 'fileset("e15a", "link-*")',
      'fileset("e15a", "dangling")', 'fileset("e15a", "dangl*")', 'fileset("e15a", "**/dangl*")', 'fileset("e15a", "**/*")', 'fileset("e15a/", "./sub/../*.tf")',
      'fileset("${path.module}/e15a", "*.txt")', 'fileset(abspath("e15a"), "*.txt")', 'fileset("/nonexistent-e15a", "*")', 'fileset("e15a", "")', 'fileset("", "e15a/*.txt")',
      'fileset("e15a", "*.TXT")', 'fileset("e15a", "**/")', 'fileset("e15a", "/*")', 'fileset("nope", "*")', 'fileset("e15a", "a.txt/*")', 'fileset("e15a", "*/")',
      'fileset(null, "*")', 'fileset("e15a", null)', 'fileset("e15a")', 'fileset("e15a", "{a,b}{.txt,.tf}")', 'fileset("e15a", "{a\\\\,b,c}*")', 'fileset("e15a", "*{a}*")',
      'fileset("e15a", "caf*")', 'fileset("e15a", "*xa.tf")', 'fileset("e15a", "**/**/*.tf")', 'fileset("e15a", "sub/**")', 'fileset("e15a", "**/deep/*")',
      'fileset("e15a", "*,*")', 'fileset("e15a", "back*")', 'fileset(".", "e15a/**/d.tf")', 'length(fileset("e15a-loop", "**"))', 'fileset("e15a-loop", "loop/loop/*")',
      'fileset("e15a", "[a-]*")', 'fileset("e15a", "[-a]*")', 'fileset("e15a", "[z-a]*")', 'fileset("e15a", "[\u00e9]*")', 'fileset("e15a", "?xa.tf")', 'fileset("e15a", "??xa.tf")',
      'path.cwd', 'abspath("x")', 'abspath("a/../b")', 'abspath(".")', 'abspath("")', 'abspath("../x")', 'abspath("~/x")', 'abspath("./e15a//sub/")',
    ],
  },
  {
    cls: 'templatestring',
    exprs: [
      'templatestring(local.e15a_tpl, { name = "x" })', 'templatestring(local.e15a_tpl, {})', 'templatestring(local.e15a_tpl, { name = "x", extra = 1 })',
      'templatestring(local.e15a_tpl_for, { xs = [1, 2] })', 'templatestring(local.e15a_tpls.a, { v = 1 })', 'templatestring(local.e15a_tpls["a"], { v = 1 })',
      'templatestring(local.e15a_tpls[var.s == "dev" ? "a" : "b"], { v = 2 })', 'templatestring(local.e15a_num, {})', 'templatestring(local.e15a_list_tpl[0], { v = true })',
      'templatestring(local.e15a_single, { v = 5 })', 'templatestring(local.e15a_single, { v = [1] })', 'templatestring(local.e15a_single, { v = null })',
      'templatestring(local.e15a_bad_tpl, {})', 'templatestring(local.e15a_file_tpl, {})', 'templatestring(local.e15a_rec_tpl, { t = "x" })', 'templatestring(local.e15a_tf_tpl, {})',
      'templatestring(local.e15a_null_tpl, {})', 'templatestring(local.e15a_fn_tpl, { name = "ab", xs = [1, 2, 3] })', 'templatestring("Hello ${local.e15a_num}", {})',
      'templatestring("lit", {})', 'templatestring(upper(local.e15a_tpl), {})', 'templatestring((local.e15a_tpl), { name = "x" })', 'templatestring(local.e15a_tpl, ["x"])',
      'templatestring(local.e15a_tpl, { "bad key" = 1, name = "x" })', 'templatestring(local.e15a_tpl, null)', 'templatestring(local.e15a_tpl)',
      'try(templatestring(local.e15a_tpl, {}), "d")', 'templatestring(var.s, {})', 'templatestring(local.e15a_list_tpl[*], {})',
      'templatestring(local.e15a_tpl, { name = sensitive("x") })', 'templatestring(local.e15a_tpl, tomap({ name = "x" }))', 'templatefile("tsref.tftpl", { t = "x" })',
      'templatestring(local.e15a_strip, { c = true })', 'templatestring(local.e15a_strip, { c = false })', 'templatestring(local.e15a_tpl, { name = 1.50 })',
      'templatestring(local.nope, {})', 'templatestring(local.e15a_tpls.zz, {})', 'can(templatestring(local.e15a_tpl, {}))', 'templatestring(local.e15a_single, { v = { a = 1 } })',
      '[for t in [local.e15a_tpl] : templatestring(t, { name = "f" })]',
    ],
  },
  {
    cls: 'unification of nested collections',
    exprs: [
      'tolist([[1], ["a"]])', 'tolist([[1], ["a", 2]])', 'tolist([[1], [true]])', 'tolist([{ a = 1 }, { a = "x" }])', 'tolist([{ a = 1 }, { b = "x" }])',
      'tolist([{ a = 1 }, { b = true }])', 'tolist([{ a = [1] }, { a = ["x", "y"] }])', 'tolist([[1, "a"], ["x", 2]])', 'tolist([[], [1]])', 'toset([[1], ["a"]])',
      'tomap({ a = [1], b = ["x"] })', 'tolist([tolist([1]), ["a"]])', 'tolist([tomap({ a = 1 }), { b = "x" }])', 'tolist([tolist([1]), toset(["a"])])', 'tolist([[1], "a"])',
      'tolist([{ a = 1 }, [1]])', 'distinct([[1], ["1"]])', 'coalesce([1], ["a"])', '[for x in tolist([[1], ["a"]]) : x]', 'tolist([{ a = 1, b = [1] }, { a = "x", b = [] }])',
      'tolist([[1], [null]])', 'tolist([{ a = 1 }, { a = 2, b = 3 }])', 'tolist([[1, 2], ["a"]])', 'tolist([[[1]], [["a"]]])', 'tomap({ a = { x = 1 }, b = { y = true } })',
      'tolist([{ a = 1 }, tomap({ a = "x" })])', 'tolist([[true], ["a"]])', 'tolist([[1.50], ["a"]])', 'tomap({ a = { x = 1 }, b = { x = "y" } })',
      'toset([{ a = 1 }, { a = "1" }])', 'tolist([{}, { a = 1 }])', 'tolist([[], []])', 'tolist([{ a = [] }, { a = [] }])', 'tolist([[{ a = 1 }], [{ a = "b" }]])',
      'length(tolist([[1], ["a", "b"]])[1])', 'tolist([[1], ["a"]]) == [["1"], ["a"]]', 'tolist([tolist([1]), tolist(["a"])])', 'tolist([tomap({ a = 1 }), tomap({ b = true })])',
      'tolist([toset([1]), toset(["a"])])', 'tolist([{ a = [1] }, { a = tolist(["x"]) }])', 'merge({ a = [1] }, { b = ["x"] })', 'concat([[1]], [["a"]])',
    ],
  },
  {
    cls: 'typed nulls of locals',
    exprs: [
      'tostring(local.nothing)', 'tonumber(local.nothing)', 'tolist(local.nothing)', 'tostring(local.e15a_null_num)', 'tolist(local.e15a_null_str)',
      'tostring(local.e15a_null_chn)', 'tomap(local.e15a_null_obj)', 'tonumber(local.e15a_null_str)', 'tobool(local.e15a_null_obj)', 'tostring(local.e15a_null_lit)',
      'tolist(local.e15a_null_num)', 'toset(local.e15a_null_lit)', 'tostring(local.e15a_null_obj)', 'tobool(local.e15a_null_str)',
    ],
  },
  {
    cls: 'timecmp: Go\'s lenient time.Parse',
    exprs: [
      'timecmp("2017-11-22T0:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T9:30:00Z", "2017-11-22T09:30:00Z")', 'timecmp("2017-11-22T00:00:00,5Z", "2017-11-22T00:00:00.5Z")',
      'timecmp("2017-11-22T00:00:00+24:00", "2017-11-21T00:00:00Z")', 'timecmp("2017-11-22T00:00:00-00:60", "2017-11-22T01:00:00Z")', 'timecmp("2017-11-22T00:00:00+25:00", "2017-11-22T00:00:00Z")',
      'timecmp("2017-11-22T00:00:00+00:61", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22t00:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:00z", "2017-11-22T00:00:00Z")',
      'timecmp("2017-1-22T00:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-2T00:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:0:00Z", "2017-11-22T00:00:00Z")',
      'timecmp("2017-11-22T24:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-02-29T0:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2016-02-29T1:00:00Z", "2016-02-29T01:00:00Z")',
      'timecmp("2017-11-22T00:00:00.1234567891Z", "2017-11-22T00:00:00.123456789Z")', 'timecmp("2017-11-22T00:00:00,Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:00.Z", "2017-11-22T00:00:00Z")',
      'timecmp("2017-11-22T00:00:00Z ", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:00+0100", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:60Z", "2017-11-22T00:00:00Z")',
      'timecmp("2017-11-22T5:00:00-05:00", "2017-11-22T10:00:00Z")', 'timecmp("+017-11-22T00:00:00Z", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:00+1:00", "2017-11-22T00:00:00Z")',
      'timecmp("2017-11-22T00:00:00+01:0a", "2017-11-22T00:00:00Z")', 'timecmp("2017-11-22T00:00:00*01:00", "2017-11-22T00:00:00Z")', 'timecmp("0000-01-01T0:00:00Z", "0000-01-01T00:00:00Z")',
      'try(timecmp("x", "2017-11-22T00:00:00Z"), "bad")', 'timecmp("2017-11-22T00:00:00.5+01:00", "2017-11-21T23:00:00,5Z")', 'timecmp("2017-11-22T00:00:00-24:60", "2017-11-23T01:00:00Z")',
      'timecmp("2017-11-22T1:00:00Z", "2017-11-22T00:30:00Z")', 'timecmp("2017-11-22T00:00:00+24:00", "2017-11-21T00:00:01Z")', 'timecmp("2017-11-22T00:00:00,4Z", "2017-11-22T00:00:00.5Z")',
    ],
  },
  {
    cls: 'sets of collections (cty\'s set hash order)',
    exprs: [
      'toset([["b"], ["a"]])', 'toset([{ a = 2 }, { a = 10 }])', 'toset([[3, 1], [2]])', 'toset([{ a = "x" }, { a = "X" }])', 'toset([tomap({ b = 1, a = 2 }), tomap({ a = 1 })])',
      'toset([[true], [false]])', 'toset([[1.5], [1.25]])', 'toset([[12345678901], [12345678902]])', 'toset([[0.0001], [0.00001]])', 'toset([["\u00e9"], ["e"]])',
      'toset([["a\\"b"], ["a b"]])', 'toset([["\\n"], ["a"]])', 'toset([toset(["b"]), toset(["a"])])', '[for x in toset([[2], [1]]) : x[0]]',
      'tolist(toset([{ a = 1, b = [2] }, { a = 1, b = [1] }]))', 'toset([[-1], [1]])', 'toset([[10], [9]])', 'toset([[1], [1], [0]])', 'toset([[1e30], [2]])',
      'toset([{ b = "x", a = "y" }, { b = "a", a = "z" }])', 'toset([["\\t"], ["\\u0001"], [" "]])', 'toset([[null], [1]])', 'toset([[], [1]])', 'toset([[], []])',
      'toset([[1.0], [1]])', 'toset([[0.1], [0.10000000001]])', 'toset([{ a = [] }, { a = [1] }])', 'length(toset([[1], [1.0], [1.00]]))', 'toset([["~"], ["?"]])',
    ],
  },
  {
    cls: 'pathexpand (go-homedir)',
    exprs: [
      'pathexpand("~/x")', 'pathexpand("~")', 'pathexpand("~/")', 'pathexpand("~//a/../b")', 'pathexpand("~x")', 'pathexpand("a/~")', 'pathexpand("")',
      'pathexpand("~\\\\x")', 'pathexpand("./a//b")', 'pathexpand(null)', 'pathexpand("~/.aws/config") == "${pathexpand("~")}/.aws/config"',
    ],
  },
  {
    cls: 'whole-number arguments: list indexes, signum',
    exprs: [
      'try(["a", "b"][-70.594], "fallback")', '["a", "b"][1.5]', '["a", "b"][-1]', '["a", "b"]["1"]', '["a", "b"]["1.0"]', '["a", "b"][1.0]', 'try(["a", "b"][0.5], "f")',
      'tolist(["a", "b"])[1e0]', '["a"][1e30]', '["a"][true]', '["a"][null]', 'try(signum(705 / 7), "fallback")', 'signum(1.5)', 'signum(-2)', 'signum(0)',
      'signum(9223372036854775807)', 'signum(9223372036854775808)', 'signum(-9223372036854775808)', 'signum(1e400)', 'can(signum(0.1 + 0.2))', 'signum(6 / 3)',
      '["a", "b"][2]', '["a", "b"][1e-400]', '["a", "b"][0.1 + 0.9]', '["a", "b"][length([1]) / 3 * 3]',
    ],
  },
  {
    cls: 'conditionals: cty\'s unification of the two results',
    exprs: [
      '(true ? [1] : ["a"]) == ["1"]', '(true ? [1] : ["a"]) == tolist(["1"])', '(true ? [1] : ["a", "b"]) == tolist(["1"])', '(true ? [1] : ["a", "b"]) == ["1"]',
      'true ? [1] : ["a"]', 'false ? [1] : ["a"]', '(true ? { a = 1 } : { a = "x" }) == { a = "1" }', '(true ? { a = 1 } : { a = "x" }) == tomap({ a = "1" })',
      '(true ? { a = 1 } : { b = "x" }) == tomap({ a = "1" })', '(true ? { a = 1 } : { b = "x" }) == { a = "1" }', 'true ? [[1]] : [["a"]]', 'true ? [[1]] : [["a", 2]]',
      '(true ? [[1]] : [["a"]]) == [["1"]]', '(true ? [[1]] : [["a", 2]]) == tolist([tolist(["1"])])', 'true ? [{ a = 1 }] : [{ a = "x" }]', 'true ? { a = [1] } : { a = ["x"] }',
      'true ? [1, true] : ["a", "b"]', 'true ? [1, true] : ["a"]', '(true ? [] : ["a"]) == []', '(true ? [] : ["a"]) == tolist([])', 'true ? tolist([1]) : ["a"]',
      'true ? tomap({ a = 1 }) : { b = "x" }', 'true ? [1] : [true]', 'true ? { a = 1 } : { a = true }', 'true ? [{ a = 1 }] : [{ b = 2 }]', '(true ? [{ a = 1 }] : [{ b = 2 }]) == [{ a = 1 }]',
      'length(true ? [1, 2] : ["a"])', '(true ? [1, 2] : ["a"])[1]', '[for x in (true ? [1] : ["a"]) : x]', '(false ? { a = 1 } : { a = "x" }).a',
    ],
  },
  {
    cls: 'kinds of function results (list or tuple, map or object)',
    exprs: [
      '(concat([1], ["a"])) == [1, "a"]',
      '(concat([1], ["a"])) == tolist([1, "a"])',
      '(concat(tolist([1]), tolist(["a"]))) == ["1", "a"]',
      '(concat(tolist([1]), tolist(["a"]))) == tolist(["1", "a"])',
      '(concat([1], tolist(["a"]))) == [1, "a"]',
      '(concat([1], tolist(["a"]))) == tolist([1, "a"])',
      '(reverse([1, "a"])) == ["a", 1]',
      '(reverse([1, "a"])) == tolist(["a", 1])',
      '(slice([1, "a", true], 1, 3)) == ["a", true]',
      '(slice([1, "a", true], 1, 3)) == tolist(["a", true])',
      '(values({ a = 1, b = "x" })) == [1, "x"]',
      '(values({ a = 1, b = "x" })) == tolist([1, "x"])',
      '(values(tomap({ a = 1, b = "x" }))) == ["1", "x"]',
      '(values(tomap({ a = 1, b = "x" }))) == tolist(["1", "x"])',
      '(zipmap(["a", "b"], [1, "x"])) == { a = 1, b = "x" }',
      '(zipmap(["a", "b"], [1, "x"])) == tomap({ a = 1, b = "x" })',
      '(zipmap(["a", "b"], tolist([1, 2]))) == { a = 1, b = 2 }',
      '(zipmap(["a", "b"], tolist([1, 2]))) == tomap({ a = 1, b = 2 })',
      '(merge({ a = 1 }, { b = "x" })) == { a = 1, b = "x" }',
      '(merge({ a = 1 }, { b = "x" })) == tomap({ a = 1, b = "x" })',
      '(merge(tomap({ a = 1 }), tomap({ b = "x" }))) == { a = "1", b = "x" }',
      '(merge(tomap({ a = 1 }), tomap({ b = "x" }))) == tomap({ a = "1", b = "x" })',
      '(merge(tomap({ a = 1 }), { b = "x" })) == { a = 1, b = "x" }',
      '(merge(tomap({ a = 1 }), { b = "x" })) == tomap({ a = 1, b = "x" })',
      '(flatten([[1], ["a"]])) == [1, "a"]',
      '(flatten([[1], ["a"]])) == tolist([1, "a"])',
      '(flatten([tolist([1]), ["a"]])) == [1, "a"]',
      '(flatten([tolist([1]), ["a"]])) == tolist([1, "a"])',
      '(distinct([1, "a", 1])) == ["1", "a"]',
      '(distinct([1, "a", 1])) == tolist(["1", "a"])',
      '(compact(["a", "", "b"])) == ["a", "b"]',
      '(compact(["a", "", "b"])) == tolist(["a", "b"])',
      '(keys({ a = 1, b = 2 })) == ["a", "b"]',
      '(keys({ a = 1, b = 2 })) == tolist(["a", "b"])',
      '(coalescelist([1, "a"], ["b"])) == [1, "a"]',
      '(coalescelist([1, "a"], ["b"])) == tolist([1, "a"])',
      '(coalescelist([], ["b"])) == ["b"]',
      '(coalescelist([], ["b"])) == tolist(["b"])',
      '(sort(["b", "a"])) == ["a", "b"]',
      '(sort(["b", "a"])) == tolist(["a", "b"])',
      '(split(",", "a,b")) == ["a", "b"]',
      '(split(",", "a,b")) == tolist(["a", "b"])',
      '(range(2)) == [0, 1]',
      '(range(2)) == tolist([0, 1])',
      '(chunklist([1, 2, 3], 2)) == [[1, 2], [3]]',
      '(chunklist([1, 2, 3], 2)) == tolist([[1, 2], [3]])',
      '(setunion(["a"], ["b"])) == ["a", "b"]',
      '(setunion(["a"], ["b"])) == tolist(["a", "b"])',
      '(tolist(setunion(["a"], ["b"]))) == ["a", "b"]',
      '(tolist(setunion(["a"], ["b"]))) == tolist(["a", "b"])',
      '(element([1, "a"], 1)) == "a"',
      '(element([1, "a"], 1)) == "a"',
      '(matchkeys(["a", "b"], [1, 2], [2])) == ["b"]',
      '(matchkeys(["a", "b"], [1, 2], [2])) == tolist(["b"])',
      '(transpose({ a = ["x"] })) == { x = ["a"] }',
      '(transpose({ a = ["x"] })) == tomap({ x = ["a"] })',
      '([for x in [1, "a"] : x]) == [1, "a"]',
      '([for x in [1, "a"] : x]) == tolist([1, "a"])',
      '({ for k, v in { a = 1, b = "x" } : k => v }) == { a = 1, b = "x" }',
      '({ for k, v in { a = 1, b = "x" } : k => v }) == tomap({ a = 1, b = "x" })',
      '(formatlist("%s", ["a", "b"])) == ["a", "b"]',
      '(formatlist("%s", ["a", "b"])) == tolist(["a", "b"])',
      '(regexall("a", "aa")) == ["a", "a"]',
      '(regexall("a", "aa")) == tolist(["a", "a"])',
      '(jsondecode("[1, \\"a\\"]")) == [1, "a"]',
      '(jsondecode("[1, \\"a\\"]")) == tolist([1, "a"])',
      '(jsondecode("{\\"a\\": 1}")) == { a = 1 }',
      '(jsondecode("{\\"a\\": 1}")) == tomap({ a = 1 })',
      '(csvdecode("a\\n1")) == [{ a = "1" }]',
      '(csvdecode("a\\n1")) == tolist([{ a = "1" }])',
      '(lookup({ a = [1] }, "a", [])) == [1]',
      '(lookup({ a = [1] }, "a", [])) == tolist([1])',
      '(setproduct(["a"], [1])) == [["a", 1]]',
      '(setproduct(["a"], [1])) == tolist([["a", 1]])',
      '(try([1, "a"], [])) == [1, "a"]',
      '(try([1, "a"], [])) == tolist([1, "a"])',
    ],
  },
  {
    cls: 'concat, keys, values, zipmap, split, distinct: their result types',
    exprs: [
      'concat(tolist([1]), tolist(["a"]))', 'concat(toset(["a"]), ["b"])', 'concat(["b"], toset(["a"]))', 'concat(tolist([1]), [true])', 'concat(tolist([[1]]), tolist([["a"]]))',
      'concat(tolist([1]), tolist([true]))', 'concat([1], 2)', 'concat()', 'concat(tolist([]), tolist(["a"]))', 'concat({ a = 1 }, [1])', 'concat(tolist(["a"]), tolist(["b"])) == tolist(["a", "b"])',
      'concat([1], [2]) == [1, 2]', 'concat(tolist([1]), [2]) == [1, 2]', 'concat(tolist([]), tolist(["a"])) == tolist(["a"])', 'concat(tolist([]), tolist([]))',
      'concat(tolist([]), tolist([1]), tolist(["a"]))', 'concat([], [])', 'concat([]) == []', 'concat(tolist([1])) == tolist([1])', 'concat(tolist([{ a = 1 }]), tolist([{ a = "x" }]))',
      'concat(tolist([{ a = 1 }]), tolist([{ b = true }]))', 'keys(tomap({ b = 1, a = 2 })) == tolist(["a", "b"])', 'values({ a = 1 }) == [1]', 'zipmap(["a"], tolist([1])) == tomap({ a = 1 })',
      'zipmap(["a"], [1]) == { a = 1 }', 'distinct(["a", "a"]) == tolist(["a"])', 'split(",", "a") == tolist(["a"])', 'keys({}) == []', 'values(tomap({})) == tolist([])',
    ],
  },
  {
    cls: 'collection arguments of the wrong kind',
    exprs: [
      'coalescelist(toset(["a"]), ["b"])', 'coalescelist({ a = 1 }, ["b"])', 'coalescelist(null, ["b"])', 'coalescelist([], toset(["b"]))', 'coalescelist([], [])', 'coalescelist([1], ["a"])',
      'element(toset(["a"]), 0)', 'flatten(toset(["a"]))', 'flatten([toset(["a"]), ["b"]])', 'join(",", toset(["b", "a"]))', 'contains(toset(["a"]), "a")', 'length(toset(["a", "a"]))',
      'lookup(["a"], "0", "d")', 'keys(["a"])', 'values(["a"])', 'reverse(toset(["b", "a"]))', 'sort(toset(["b", "a"]))', 'distinct(toset(["a"]))', 'chunklist(toset(["a"]), 1)',
      'compact(toset(["a", ""]))', 'one(toset(["a"]))', 'one(["a"])', 'one([])', 'one(["a", "b"])', 'one(null)', 'sum(toset([1, 2]))', 'alltrue(toset([true]))', 'anytrue(toset([false]))',
      'max(toset([1, 2])...)', 'formatlist("%s", toset(["a"]))', 'index(toset(["a"]), "a")', 'setproduct(toset(["a"]), ["b"])', 'transpose({ a = toset(["x"]) })', 'zipmap(toset(["a"]), ["x"])',
      'zipmap(["a"], toset(["x"]))', 'matchkeys(toset(["a"]), ["x"], ["x"])', 'tolist(toset(["b", "a"]))[0]', 'concat(tolist(["a"]), null)', 'join(",", null)', 'length(null)',
    ],
  },
  {
    cls: 'argument conversions',
    exprs: [
      'lookup(tomap({ a = "x" }), "b", 1)', 'lookup({ a = "x" }, "b", 1)', 'lookup(tomap({ a = 1 }), "b", "x")', 'lookup(tomap({ a = 1 }), "b", true)', 'lookup({ a = 1 }, "a", "x")',
      'lookup(tomap({ a = "x" }), "a", null)', 'lookup(tomap({ a = 1 }), "a", "x")', 'lookup(tomap({ a = 1 }), "a", 2)', 'lookup(tomap({}), "a", 2)', 'lookup(merge({ a = "x" }), "b", "y")',
      'lookup(merge({ a = "x" }), "a", 1)', 'lookup({ a = 1 }, "b", "x")', 'lookup({ a = 1 }, "b")', 'lookup(tomap({ a = 1 }), "b")', 'lookup(tomap({ a = "x" }), "b", null)', 'lookup(tomap({ a = ["x"] }), "b", [])', 'lookup(tomap({ a = ["x"] }), "b", [1])',
      'contains([1], "1")', 'contains(tolist([1]), "1")', 'contains(["1"], 1)', 'contains(tolist(["1"]), 1)', 'contains([1, "a"], 1)', 'contains(toset([1]), "1")', 'contains(["a"], null)',
      'index([1], "1")', 'index(tolist([1]), "1")', 'index(tolist(["1"]), 1)', 'join(",", [1, true])', 'sum(["1", 2])', 'sum(tolist(["1", 2]))', 'max("1", 2)', 'upper(1)', 'lower(true)',
      'format("%d", "1")', 'format("%s", 1.50)', 'split(",", 1)', 'replace(1, "1", "2")', 'abs("-1")', 'range("3")', 'element(["a"], "0")', 'substr(123, 0, 1)', 'length(123)',
      'length("abc")', 'length({ a = 1 })', 'compact([1, ""])', 'coalesce(1, "a")', 'coalesce("", 1)', 'coalesce(null, 1)', 'coalesce([], [1])', 'coalesce(tolist([]), ["a"])',
      'tomap({ a = 1, b = [1] })', 'tolist([1, [1]])', 'tolist(["a", { b = 1 }])', 'tomap({ a = { b = 1 }, c = { b = "x" } })', 'toset([1, "1"])', 'toset(["a", true, 1])',
    ],
  },
  {
    cls: 'operators, splats and for over typed collections',
    exprs: [
      'toset(["a"])[*]', 'toset([{ a = 1 }])[*].a', 'toset([{ a = 2 }, { a = 10 }])[*].a', '[for x in toset([{ a = 2 }, { a = 10 }]) : x.a]', 'null[*]', 'tolist(null)[*]',
      '"${[1]}"', '1 == "1"', '"a" < "b"', '!null', '-"1"', 'true && "true"', 'tolist([1]) == [1]', 'tomap({}) == {}', 'toset([]) == toset([])', 'tolist([]) == tolist([])',
      '[for i, x in toset(["b", "a"]) : i]', '{ for x in ["a", "a"] : x => x }', '{ for x in ["a", "a"] : x => x... }', '[for x in { b = 1, a = 2 } : x]', '{ for k, v in tomap({ b = 1, a = "x" }) : v => k }',
      '[for x in [[2], ["a"]] : x]', 'tolist([for x in [1, "a"] : x])', '[for x in tolist([1, 2]) : x if x > 1]', '{ for k, v in { a = 1, b = "x" } : k => v }.b', '[for x in ["a"] : x][0]',
      '[[1], ["a"]][*][0]', 'var.nl[*]', 'var.nany[*]', 'var.nul[*]', 'var.nobj[*]', 'local.nothing[*]', 'local.e15a_null_str[*]', 'try(tolist(null)[*], "f")', '(null)[*]', 'tostring(null)[*]', 'tomap(null)[*]', 'toset(null)[*]',
      'tostring(tolist(null))', 'tolist(tostring(null))', 'tonumber(tostring(null))', 'tomap(tolist(null))', 'tolist(toset(null))', 'length([for x in toset([[1], [1.0]]) : x])', 'toset([{ a = "é" }, { a = "e" }])[*].a', 'flatten([for x in toset([[2], [1]]) : x])',
    ],
  },
];

/** Locals of e15a's cases (a file of its own beside main.tf). */
const E15A_TF = `
locals {
  e15a_tpl      = "Hello, $\${name}!"
  e15a_tpl_for  = "%%{ for x in xs }[$\${x}]%%{ endfor }"
  e15a_tpls     = { a = "A$\${v}", b = "B" }
  e15a_num      = 5
  e15a_list_tpl = ["$\${v}", "x"]
  e15a_bad_tpl  = "$\${"
  e15a_file_tpl = "$\${file(\\"data.txt\\")}"
  e15a_rec_tpl  = "$\${templatestring(t, {})}"
  e15a_tf_tpl   = "$\${templatefile(\\"tpl.tftpl\\", { name = \\"x\\" })}"
  e15a_single   = "$\${v}"
  e15a_null_tpl = null
  e15a_fn_tpl   = "$\${upper(name)}-$\${length(xs)}"
  e15a_strip    = "a %%{~ if c ~} b %%{~ endif ~} c"
  e15a_null_str = var.nul
  e15a_null_num = var.nnum
  e15a_null_obj = var.nobj
  e15a_null_chn = local.e15a_null_str
  e15a_null_lit = (null)
}
`;

/** Files of e15a's cases, written into each differential setup's module directory. */
export async function writeE15aFiles(dir: string): Promise<void> {
  await writeFile(join(dir, 'e15a.tf'), E15A_TF);
  await writeFile(join(dir, 'tsref.tftpl'), '${templatestring(t, {})}');
  const t = join(dir, 'e15a');
  await mkdir(join(t, 'sub/deep'), { recursive: true });
  await mkdir(join(t, 'dir.tf'));
  await mkdir(join(dir, 'e15a-loop'));
  const files = ['a.txt', 'b.tf', '.hidden', 'sub/c.txt', 'sub/deep/d.tf', 'sub/deep/e.TXT', 'sub/.x.tf', 'x[1].txt', '{a}.txt', 'a,b.txt',
    'cafe\u0301.txt', '\u00e9xa.tf', 'za.tf', '\u00e9\u00e9a.tf', 'back\\slash.txt', 'e15a-loop/f.txt'];
  for (const f of files) await writeFile(f.startsWith('e15a-loop/') ? join(dir, f) : join(t, f), f);
  await symlink('a.txt', join(t, 'link-file.txt'));
  await symlink('sub', join(t, 'link-dir'));
  await symlink('nowhere', join(t, 'dangling'));
  await symlink('.', join(dir, 'e15a-loop', 'loop'));
}
