// Generated issensitive() against terraform console: random expressions over
// sensitive variables, sensitive()/nonsensitive(), locals, literals, through
// operators, templates, conditionals, indexing, collections, try() and the
// functions eval/marks.ts knows. Wrong must be 0.
//   node --import tsx bench/marks-differential.ts --cases=2000 --seed=1 [--show=wrong|unknown|all]
import fc from 'fast-check';
import { compareGenerated } from './generated.ts';

const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const CASES = Number(arg('cases', '1000'));
const SEED = Number(arg('seed', '1'));
const SHOW = arg('show', 'wrong');

const leaf = fc.constantFrom('var.sec', 'var.notsec', 'var.s', '"p"', '"x"', '1', 'true', 'null', 'var.secn', 'var.secb', 'local.sec_unwrap', 'local.sec_chain', 'local.env');
const coll = fc.constantFrom('var.secl', 'var.ls', 'local.sec_obj', 'local.plain_map', '[var.sec]', '["a", var.sec]', '{ a = var.sec }', '{ a = "x" }', '[]', '{}', 'sensitive(["a"])', 'sensitive({ a = 1 })');

const { e } = fc.letrec<{ e: string; c: string }>((tie) => ({
  c: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    coll,
    fc.array(tie('e'), { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(fc.constantFrom('a', 'b'), tie('e')), { maxLength: 2 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
    fc.tuple(fc.constantFrom('tolist', 'toset', 'tomap', 'concat', 'flatten', 'reverse', 'distinct', 'compact', 'sort', 'values', 'keys', 'merge'), tie('c')).map(([f, x]) => `${f}(${x})`),
    tie('c').map((x) => `[for v in ${x} : v]`),
  ),
  e: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    leaf,
    tie('e').map((x) => `sensitive(${x})`),
    tie('e').map((x) => `nonsensitive(${x})`),
    fc.tuple(tie('e'), fc.constantFrom('==', '!=', '&&', '||', '+'), tie('e')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([a, b, c]) => `(${a} ? ${b} : ${c})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `"\${${a}}-\${${b}}"`),
    fc.tuple(tie('e'), tie('e'), tie('e')).map(([c, a, b]) => `"%{if ${c}}\${${a}}%{else}\${${b}}%{endif}"`),
    fc.tuple(tie('c'), tie('e')).map(([c, a]) => `"%{for x in ${c}}\${x}\${${a}}%{endfor}"`),
    fc.tuple(tie('c'), fc.constantFrom('0', '1', '"a"', '"b"')).map(([c, k]) => `${c}[${k}]`),
    fc.tuple(fc.constantFrom('upper', 'lower', 'tostring', 'trimspace', 'length', 'jsonencode', 'yamlencode', 'sha256', 'one', 'sum'), fc.oneof(tie('e'), tie('c'))).map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom('join(",", ', 'contains(', 'index(', 'coalesce(', 'try(', 'lookup(', 'element('), tie('c'), tie('e')).map(([f, c, x]) => `${f}${c}, ${x})`),
    fc.tuple(tie('e'), tie('e')).map(([a, b]) => `try(${a}, ${b})`),
    tie('c').map((x) => `length(${x})`),
  ),
}));

await compareGenerated({ seed: SEED, show: SHOW, exprs: [...new Set(fc.sample(e.map((x) => `issensitive(${x})`), { numRuns: CASES, seed: SEED }))] });
