// Generated YAML against terraform console: random documents (flow and block
// collections, block scalars, multi-line and quoted scalars, anchors, aliases,
// merge keys, tags, timestamps, and deliberate breakage) through yamldecode,
// and random values through yamlencode. Wrong must be 0.
//   node --import tsx bench/yaml-differential.ts --cases=2000 --seed=1 [--show=wrong|unknown|all]
import fc from 'fast-check';
import { compareGenerated } from './generated.ts';

const arg = (name: string, def: string): string => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? def;
const CASES = Number(arg('cases', '1000'));
const SEED = Number(arg('seed', '1'));
const SHOW = arg('show', 'wrong');

const word = fc.constantFrom('a', 'b', 'dev', 'prod', 'x y', 'role', 'arn:aws:iam::1:role/r', 'é', 'http://h/p', 'k-1', 'a#b', 'v.1');
const plainScalar = fc.constantFrom(
  'yes', 'No', 'on', '~', 'null', 'true', '0x1F', '0o17', '012', '1e3', '-1', '+2', '.5', '1.', '1_0', '1.50', '3.14', '12345678901234567890',
  '2024-01-02', '2024-1-2 3:4:5', '2024-01-02T10:00:00Z', '2024-01-02T10:00:00+01:00', '2024-02-30', '2024-01-02x', '<<', '-', 'a b c', 'a: b',
  '.inf', '.nan', 'x # c', 'é', 'k:v', 'a?b', 'a,b', '*x', '&y z', '!t',
);
const quoted = fc.constantFrom('"q"', '"a\\tb"', '"\\x41\\u00e9"', '"\\/"', '"l1\\nl2"', "'s'", "'it''s'", '"a # b"', '"1"', "'true'", '""', "''", '"\\N"', '"ok\\\n  cont"');
const tagged = fc.tuple(fc.constantFrom('!!str', '!!int', '!!bool', '!!float', '!!null', '!!timestamp', '!!binary', '!foo', '!'), fc.oneof(plainScalar, quoted, fc.constantFrom('aGk=', 'abc', '1', 'yes'))).map(([t, v]) => `${t} ${v}`);
const scalar = fc.oneof({ weight: 4, arbitrary: plainScalar }, { weight: 2, arbitrary: word }, { weight: 2, arbitrary: quoted }, { weight: 1, arbitrary: tagged });
const anchorName = fc.constantFrom('a', 'b', 'x1', 'a.b');
const key = fc.oneof({ weight: 5, arbitrary: fc.constantFrom('a', 'b', 'c', 'dev', 'key one', '"q"', "'s'", '1', 'true', 'yes', '~', '<<', '1.50', '2024-01-02') }, { weight: 1, arbitrary: fc.constantFrom('? a', '!!str 1', '[k]', '"<<"') });

const flow: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: 'small' },
    scalar,
    fc.array(tie('f'), { maxLength: 3 }).chain((xs) => fc.constantFrom(`[${xs.join(', ')}]`, `[${xs.join(',')}]`, `[ ${xs.join(' ,\n  ')} ]`)),
    fc.array(fc.tuple(key, tie('f')), { maxLength: 3 }).map((kv) => `{${kv.map(([k, v]) => `${k}: ${v}`).join(', ')}}`),
    fc.tuple(key, tie('f'), fc.constantFrom(': ', ':', ' : ')).map(([k, v, sep]) => `[${k}${sep}${v}]`),
    fc.constantFrom('[a:]', '[a:, b]', '{a:}', '[arn:aws:iam::1:role/a, b]', '{u: http://h:80/p}', '[a ?b]', '[-1, - 2]', '[::v]', '{q: :v}', '{"q":v}'),
  ),
})).f;

const blockScalar = fc.tuple(fc.constantFrom('|', '>', '|-', '>-', '|+', '>+', '|2', '>1-'), fc.array(fc.constantFrom('text', 'more words', '  indented', '', '1.50', 'true', '- x', '# h', 'a: b'), { minLength: 0, maxLength: 4 }))
  .map(([ind, lines]) => ({ head: ind, lines }));

type Node = { inline: string } | { block: string[] };
const indent = (ls: string[], n: number) => ls.map((l) => (l === '' ? '' : ' '.repeat(n) + l));

const node: fc.Arbitrary<Node> = fc.letrec<{ n: Node }>((tie) => ({
  n: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    scalar.map((s) => ({ inline: s })),
    flow.map((s) => ({ inline: s })),
    blockScalar.map((b) => ({ inline: `${b.head}\n${indent(b.lines, 2).join('\n')}` })),
    fc.tuple(anchorName, scalar).map(([a, s]) => ({ inline: `&${a} ${s}` })),
    anchorName.map((a) => ({ inline: `*${a}` })),
    fc.constantFrom('plain\n  continued', '"dq\n  folded"', "'sq\n\n  para'").map((s) => ({ inline: s })),
    fc.array(fc.tuple(key, tie('n'), fc.option(anchorName, { nil: undefined })), { minLength: 1, maxLength: 4 }).map((kv) => ({
      block: kv.flatMap(([k, v, a]) => {
        const anchor = a === undefined ? '' : ` &${a}`;
        if ('inline' in v) {
          const [first, ...rest] = v.inline.split('\n');
          return [`${k}:${anchor} ${first}`, ...indent(rest, 2)];
        }
        return [`${k}:${anchor}`, ...indent(v.block, 2)];
      }),
    })),
    fc.array(tie('n'), { minLength: 1, maxLength: 3 }).map((xs) => ({
      block: xs.flatMap((v) => {
        if ('inline' in v) {
          const [first, ...rest] = v.inline.split('\n');
          return [`- ${first}`, ...indent(rest, 2)];
        }
        const [first, ...rest] = v.block;
        return [`- ${first}`, ...indent(rest, 2)];
      }),
    })),
  ),
})).n;

// Occasional damage: a character swapped for an indicator, a line's indentation changed, a second document.
const damage = fc.tuple(fc.integer({ min: 0, max: 9 }), fc.nat(), fc.constantFrom(':', '-', '?', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '@', '`', ' ', '\n', '\t', '...', '---'));
const yamlDoc = fc.tuple(node, damage).map(([n, [p, at, ch]]) => {
  let text = 'inline' in n ? n.inline : n.block.join('\n');
  if (p === 0 && text.length > 0) { const i = at % text.length; text = text.slice(0, i) + ch + text.slice(i + 1); }
  if (p === 1) text = text.replace(/\n {2}/, '\n ');
  if (p === 2) text = `${text}\n---\nz: 1`;
  if (p === 3) text = `---\n${text}\n...\n`;
  return text;
});
const hcl = (s: string): string => JSON.stringify(s).replace(/\$\{/g, '$${').replace(/%\{/g, '%%{');

// Values for yamlencode.
const str = fc.oneof(
  fc.constantFrom('', ' ', 'a', 'true', '1', 'null', 'yes', '- x', 'a: b', '#', 'é', '🙂', 'tab\there', 'l1\nl2', 'l1\nl2\n', '\nlead', 'trail \nx', ' lead\nx', 'x\n\n', '"q"', 'back\\slash', 'a\u0085b', 'a\u2028b'),
  fc.array(fc.constantFrom('word', 'longer words', ' ', '  ', '\n', 'é', 'x'), { maxLength: 30 }).map((p) => p.join('')),
);
const value: fc.Arbitrary<string> = fc.letrec<{ v: string }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    str.map(hcl),
    fc.constantFrom('1', '-1.5', '0.1', '1e21', '12345678901234567890', 'true', 'false', 'null', '1/3'),
    fc.array(tie('v'), { maxLength: 4 }).map((xs) => `[${xs.join(', ')}]`),
    fc.array(fc.tuple(str, tie('v')), { maxLength: 4 }).map((kv) => `{ ${kv.map(([k, v]) => `${hcl(k)} = ${v}`).join(', ')} }`),
  ),
})).v;

const expr = fc.oneof({ weight: 3, arbitrary: yamlDoc.map((d) => `yamldecode(${hcl(d)})`) }, { weight: 1, arbitrary: value.map((v) => `yamlencode(${v})`) });

await compareGenerated({
  seed: SEED,
  show: SHOW,
  exprs: [...new Set(fc.sample(expr, { numRuns: CASES, seed: SEED }))],
  unknownKey: (why) => why.replace(/"[^"]*"/g, '…').slice(0, 110),
});
