// The bigger, generated differential corpus (not part of npm test): random
// expressions from a grammar of terraform's expression forms and pure
// functions (fast-check), over the test module's variables, evaluated by
// the real `terraform console` and by tfw, compared value for value.
//
//   node --import tsx bench/differential.ts [--cases=2000] [--seed=N] [--show=wrong|unknown|all]
//
// Prints cases / match / unknown (with why) / wrong. Wrong must be 0.
import fc from 'fast-check';
import { compareGenerated } from './generated.ts';

const arg = (n: string): string | undefined => process.argv.find((a) => a.startsWith(`--${n}=`))?.split('=')[1];
const CASES = Number(arg('cases') ?? 2000);
const SEED = Number(arg('seed') ?? Date.now() % 1_000_000);
const SHOW = arg('show') ?? 'wrong';

const str = fc.oneof(
  fc.constantFrom('', 'a', 'dev', 'Prod', 'straße', 'héllo', 'e\\u0301', '👍🏽', 'a,b,,c', '  x ', '10', '9', '-1.50', 'true', '0', 'arn:aws:iam::123456789012:role/x', 'a/b/', '/'),
  fc.string({ maxLength: 6 }).filter((s) => !/["\\$%\n\r]/.test(s)),
).map((s) => JSON.stringify(s).replace(/\\\\u0301/g, '\\u0301'));
const num = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('0.5', '0.1', '1.25', '1e3', '-0', '3.0', '2.5e-1', '1e21', '123456789012345678', '0.3', '2.675', '1.005', '1e-7', '0.7', '9007199254740993', '1e300', '3.14159'),
  // decimal fractions with up to 4 places: rounded in binary, as terraform's 512-bit floats round them
  fc.tuple(fc.integer({ min: -99999, max: 99999 }), fc.integer({ min: 0, max: 4 })).map(([m, k]) => (m / 10 ** k).toFixed(k)),
);
const bool = fc.constantFrom('true', 'false');
// small YAML and CSV documents from tricky pieces (yamldecode, csvdecode)
const yamlScalar = fc.constantFrom('yes', 'No', 'on', 'OFF', 'y', 'n', '~', '', 'null', 'true', 'False', '0x1F', '0o17', '012', '1e3', '-1', '+2', '.5', '1.', '1_0', '-.5', 'a b', 'a#b', 'a #b', "'q''s'", '"x y"', '"a#b"', '123456789012', 'arn:aws:iam::1:role/r', 'x: y', '- z', '[]', '{}', '@x', '3.14', '1.50', 'é', 'e\u0301');
const yamlKey = fc.constantFrom('a', 'b', 'dev', 'key one', '"q"', "'s'", '1', 'true', 'yes', '~', 'x-y', 'x_y');
const yamlDoc = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean(), yamlKey, yamlScalar), { minLength: 1, maxLength: 5 })
  .map((ls) => ls.map(([ind, item, k, v]) => `${'  '.repeat(ind)}${item ? '- ' : ''}${k}:${v === '' ? '' : ` ${v}`}`).join('\\n'))
  .map((t) => `yamldecode("${t.replace(/"/g, '\\"')}")`);
const csvDoc = fc.array(fc.array(fc.constantFrom('a', 'b', '', ' x ', '"q"', '"a,b"', '"l1\\nl2"', '"x""y"', '1', 'x"y'), { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 })
  .map((rows) => `csvdecode("${rows.map((r) => r.join(',')).join('\\n').replace(/"/g, '\\"')}")`);
const vars = fc.constantFrom('var.s', 'var.n', 'var.b', 'var.ls', 'var.ln', 'var.ms', 'var.ss', 'var.sn', 'var.o', 'var.t', 'var.untyped', 'var.anyv', 'var.nn', 'var.nul', 'var.lo', 'var.mo', 'local.env', 'terraform.workspace');

const { expr } = fc.letrec<{ expr: string; scalar: string; coll: string }>((tie) => ({
  scalar: fc.oneof(str, num, bool, vars, fc.constant('null')),
  coll: fc.oneof(
    fc.array(tie('scalar'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'zz'), tie('scalar')), { maxLength: 3 }).map((kv) => `{ ${kv.map(([k, v]) => `${k} = ${v}`).join(', ')} }`),
    vars,
  ),
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('scalar'),
    tie('coll'),
    fc.tuple(fc.constantFrom('upper', 'lower', 'title', 'trimspace', 'length', 'strrev', 'tostring', 'tonumber', 'tobool', 'tolist', 'toset', 'tomap', 'keys', 'values', 'sort', 'reverse', 'distinct', 'compact', 'flatten', 'one', 'sum', 'abs', 'ceil', 'floor', 'jsonencode', 'base64encode', 'md5', 'basename', 'dirname', 'chomp', 'alltrue', 'anytrue', 'urlencode'), tie('expr')).map(([f, x]) => `${f}(${x})`),
    fc.tuple(fc.constantFrom('split', 'join', 'contains', 'lookup', 'element', 'index', 'trimprefix', 'trimsuffix', 'startswith', 'endswith', 'strcontains', 'format', 'regexall', 'replace', 'concat', 'merge', 'setunion', 'coalesce', 'max', 'min', 'substr', 'zipmap', 'chunklist', 'range'), tie('expr'), tie('expr'), fc.option(tie('scalar'), { nil: undefined }))
      .map(([f, a, b, c]) => (c === undefined ? `${f}(${a}, ${b})` : `${f}(${a}, ${b}, ${c})`)),
    fc.tuple(tie('expr'), fc.constantFrom('==', '!=', '+', '-', '*', '/', '%', '<', '>=', '&&', '||'), tie('expr')).map(([a, op, b]) => `(${a} ${op} ${b})`),
    // arithmetic on numbers, where the precision of each operand (512, 64 from length(), 53 from pow()) shows
    fc.tuple(fc.oneof(num, num.map((n) => `pow(${n}, 2)`), tie('scalar').map((x) => `length(${x})`)), fc.constantFrom('+', '-', '*', '/', '%', '<=', '>=', '=='), num)
      .map(([a, op, b]) => `(${a} ${op} ${b})`),
    fc.tuple(fc.constantFrom('%v', '%.2f', '%.0f', '%e', '%.3e', '%g', '%.3g', '%d', '%08.3f', '%+.1f'), num, fc.constantFrom('', ' / 3', ' * 1.1', ' + 0.1')).map(([f, n, op]) => `format("${f}", ${n}${op})`),
    fc.tuple(fc.constantFrom('floor', 'ceil', 'abs', 'signum', 'tostring', 'jsonencode'), num, fc.constantFrom('', ' / 7', ' - 0.1')).map(([f, n, op]) => `${f}(${n}${op})`),
    fc.tuple(num, fc.integer({ min: -12, max: 12 })).map(([n, k]) => `pow(${n}, ${k})`),
    yamlDoc,
    csvDoc,
    fc.tuple(tie('expr'), tie('expr'), tie('expr')).map(([c, a, b]) => `(${c} ? ${a} : ${b})`),
    fc.tuple(tie('expr'), tie('scalar')).map(([a, k]) => `${a}[${k}]`),
    tie('expr').map((x) => `"<\${${x}}>"`),
    tie('coll').map((c) => `[for k, v in ${c} : v]`),
    tie('expr').map((x) => `try(${x}, "fallback")`),
  ),
}));

await compareGenerated({
  seed: SEED,
  show: SHOW,
  exprs: fc.sample(expr, { numRuns: CASES, seed: SEED }),
  env: { TF_VAR_b: 'true', TF_VAR_n: '05' },
  files: { 'terraform.tfvars': 'ss = ["b", "a", "b"]\nls = [1, "x"]\n' },
  args: ['-var=s=x y'],
  unknownKey: (why) => why.replace(/"[^"]*"|\d+(\.\d+)?(e[+-]?\d+)?/g, '…').slice(0, 90),
});
