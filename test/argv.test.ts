import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeArgs } from '../src/argv.ts';

const cases: Array<[string, string[], boolean]> = [
  ['bare terraform prints usage', [], false],
  ['version', ['version'], false],
  ['-version', ['-version'], false],
  ['-help', ['-help'], false],
  ['--help', ['--help'], false],
  ['plan -help is help', ['plan', '-help'], false],
  ['fmt', ['fmt', '-recursive'], false],
  ['validate', ['validate'], false],
  ['providers', ['providers'], false],
  ['workspace show', ['workspace', 'show'], false],
  ['init -backend=false', ['init', '-backend=false'], false],
  ['init', ['init'], true],
  ['plan', ['plan'], true],
  ['apply', ['apply', '-auto-approve'], true],
  ['destroy', ['destroy'], true],
  ['output reads state', ['output', '-json'], true],
  ['state list', ['state', 'list'], true],
  ['workspace select reaches the backend', ['workspace', 'select', 'prod'], true],
  ['import', ['import', 'a.b', 'id'], true],
  ['chdir then plan', ['-chdir=live/prod', 'plan'], true],
  ['chdir then fmt', ['-chdir=x', 'fmt'], false],
];

for (const [name, argv, needs] of cases) {
  test(`${name}: ${needs ? 'needs' : 'does not need'} credentials`, () => {
    assert.equal(analyzeArgs(argv).needsCredentials, needs);
  });
}

test('reads -chdir, -var, -var-file and -backend-config in command-line order without changing argv', () => {
  const argv = ['-chdir=live/prod', 'plan', '-var', 'a=1', '-var=b=2', '-var-file=x.tfvars', '-backend-config=profile=p', '-backend-config', 'b.hcl', '-no-color'];
  const copy = [...argv];
  const a = analyzeArgs(argv);
  assert.deepEqual(argv, copy);
  assert.equal(a.argv, argv);
  assert.equal(a.chdir, 'live/prod');
  assert.equal(a.command, 'plan');
  assert.deepEqual(a.vars, [
    { kind: 'var', value: 'a=1' },
    { kind: 'var', value: 'b=2' },
    { kind: 'var-file', value: 'x.tfvars' },
  ]);
  assert.deepEqual(a.backendConfig, [
    { kind: 'kv', value: 'profile=p' },
    { kind: 'file', value: 'b.hcl' },
  ]);
  assert.equal(a.noColor, true);
});

test('a value that looks like a number stays text (no general parser)', () => {
  const a = analyzeArgs(['plan', '-var', 'n=1e3']);
  assert.deepEqual(a.vars, [{ kind: 'var', value: 'n=1e3' }]);
});

test('arguments after -- are not options', () => {
  const a = analyzeArgs(['console', '--', '-var=x=1']);
  assert.deepEqual(a.vars, []);
});

for (const [argv, scope] of [
  [['init'], 'backend'],
  [['output', '-json'], 'backend'],
  [['state', 'list'], 'backend'],
  [['workspace', 'select', 'prod'], 'backend'],
  [['force-unlock', 'abc'], 'backend'],
  [['plan'], 'all'],
  [['apply'], 'all'],
  [['destroy'], 'all'],
  [['import', 'a.b', 'c'], 'all'],
  [['refresh'], 'all'],
  [['console'], 'all'],
] as const) {
  test(`\`terraform ${argv.join(' ')}\` authenticates ${scope === 'backend' ? 'only the backend' : 'the backend and the providers'}`, () => {
    assert.equal(analyzeArgs(argv).credentialScope, scope);
  });
}

test('property: any argv is analysed without throwing and handed on unchanged', async () => {
  const fc = (await import('fast-check')).default;
  const word = fc.oneof(fc.string(), fc.constantFrom('-chdir=x', '-var', '-var-file', '-backend-config', '--', '-help', 'plan', 'init', '-no-color', '='));
  fc.assert(
    fc.property(fc.array(word, { maxLength: 12 }), (argv) => {
      const copy = [...argv];
      const a = analyzeArgs(argv);
      assert.deepEqual(argv, copy);
      assert.equal(a.argv, argv);
      // every -var value comes from the argv as written
      for (const v of a.vars) assert.ok(argv.some((x) => x === v.value || x.endsWith(`=${v.value}`) || x.endsWith(v.value)));
    }),
  );
});
