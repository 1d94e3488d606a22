import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeArgs } from '../src/argv.ts';
import { analyzeWithEnvironment, shellWords } from '../src/env-args.ts';

const cases: Array<[string, string[], boolean]> = [
  ['bare terraform prints usage', [], false],
  ['version', ['version'], false],
  ['-version', ['-version'], false],
  ['-help', ['-help'], false],
  ['--help', ['--help'], false],
  ['plan -help is help', ['plan', '-help'], false],
  ['fmt', ['fmt', '-recursive'], false],
  ['validate', ['validate'], false],
  ['providers reads the state', ['providers'], true],
  ['providers lock asks the registry only', ['providers', 'lock'], false],
  ['providers schema reads the state', ['providers', 'schema', '-json'], true],
  ['graph reads the state', ['graph'], true],
  ['console reads the state', ['console'], true],
  ['test configures providers', ['test'], true],
  ['a typo', ['paln'], false],
  ['a typo after -chdir', ['-chdir=x', 'paln'], false],
  ["tfw's auth after -chdir is terraform's unknown word", ['-chdir=x', 'auth', 'explain'], false],
  ['an unknown word with plan options', ['planx', '-var', 'a=1'], false],
  ['state alone prints help', ['state'], false],
  ['state with an unknown nested command prints help', ['state', 'lsit'], false],
  ['state list after a flag is state with a flag', ['state', '-x', 'list'], false],
  ['workspace alone prints help', ['workspace'], false],
  ['env select (workspace\'s old name)', ['env', 'select', 'prod'], true],
  ['metadata functions', ['metadata', 'functions', '-json'], false],
  ['modules', ['modules'], false],
  ['get', ['get'], false],
  ['-v anywhere is version', ['plan', '-v'], false],
  ['-version after the command is version', ['apply', '-version'], false],
  ['-h after the command is help', ['apply', '-h'], false],
  ['help after -- still counts for -v', ['console', '--', '-v'], false],
  ['-help after -- is an argument', ['console', '--', '-help'], true],
  ['-install-autocomplete', ['-install-autocomplete'], false],
  ['an unknown flag before the command is refused', ['-foo', 'plan'], false],
  ['--chdir is not terraform\'s', ['--chdir=x', 'plan'], false],
  ['-chdir without =DIR is refused', ['-chdir', 'x', 'plan'], false],
  ['two -chdir: the first one is an invalid flag', ['-chdir=a', '-chdir=b', 'plan'], false],
  ['an empty word before the command is skipped', ['', 'plan'], true],
  ['-- before the command: no command', ['--', 'plan'], false],
  ['a command word with a space', ['plan x'], false],
  ['init -backend=0 (Go booleans)', ['init', '-backend=0'], false],
  ['init --backend=False', ['init', '--backend=False'], false],
  ['init -backend=false -backend=true: the last wins', ['init', '-backend=false', '-backend=true'], true],
  ['init -backend=nonsense is refused', ['init', '-backend=nonsense'], false],
  ['query (terraform 1.14)', ['query'], true],
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
  [['console'], 'backend'],
  [['console', '-plan'], 'all'],
  [['graph'], 'backend'],
  [['providers'], 'backend'],
  [['test'], 'providers'],
] as const) {
  test(`\`terraform ${argv.join(' ')}\` authenticates ${scope === 'backend' ? 'only the backend' : scope === 'providers' ? 'only the providers' : 'the backend and the providers'}`, () => {
    assert.equal(analyzeArgs(argv).credentialScope, scope);
  });
}

test('property: any argv is analysed without throwing and handed on unchanged', async () => {
  const fc = (await import('fast-check')).default;
  const word = fc.oneof(fc.string(), fc.constantFrom('-chdir=x', '-var', '-var-file', '-backend-config', '--', '-help', 'plan', 'init', '-no-color', '=', 'workspace', 'state', 'toString', '__proto__', 'constructor'));
  fc.assert(
    fc.property(fc.array(word, { maxLength: 8 }), fc.string(), fc.string(), (argv, general, specific) => {
      // TF_CLI_ARGS of any shape never makes the analysis throw, nor touches the argv handed on.
      const a = analyzeWithEnvironment(argv, { TF_CLI_ARGS: general, TF_CLI_ARGS_plan: specific, TF_CLI_ARGS_toString: specific });
      assert.equal(a.argv, argv);
    }),
  );
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

test('TF_CLI_ARGS and TF_CLI_ARGS_<command> count as terraform counts them: after the command, the specific one first', () => {
  const env = {
    TF_CLI_ARGS: '-var-file="common vars.tfvars" -var \'region=$REGION\'',
    TF_CLI_ARGS_plan: '-var-file=plan.tfvars',
    TF_CLI_ARGS_init: '-backend-config=backend.hcl',
  };
  const plan = analyzeWithEnvironment(['-chdir=live', 'plan', '-var-file=mine.tfvars'], env);
  assert.deepEqual(plan.argv, ['-chdir=live', 'plan', '-var-file=mine.tfvars'], 'the argv handed on stays the user\'s own');
  assert.equal(plan.chdir, 'live');
  assert.deepEqual(plan.vars, [
    { kind: 'var-file', value: 'plan.tfvars' },
    { kind: 'var-file', value: 'common vars.tfvars' },
    { kind: 'var', value: 'region=$REGION' },
    { kind: 'var-file', value: 'mine.tfvars' },
  ]);
  const init = analyzeWithEnvironment(['init'], env);
  assert.deepEqual(init.backendConfig, [{ kind: 'file', value: 'backend.hcl' }]);
  assert.deepEqual(init.vars, [{ kind: 'var-file', value: 'common vars.tfvars' }, { kind: 'var', value: 'region=$REGION' }]);
});

test('TF_CLI_ARGS_init="-backend=false" makes init need no credentials; nested commands use TF_CLI_ARGS_state_list', () => {
  assert.equal(analyzeWithEnvironment(['init'], { TF_CLI_ARGS_init: '-backend=false' }).needsCredentials, false);
  assert.equal(analyzeWithEnvironment(['init'], {}).needsCredentials, true);
  const list = analyzeWithEnvironment(['state', 'list'], { TF_CLI_ARGS_state_list: '-var=x=1', TF_CLI_ARGS_state: '-var=y=2' });
  assert.deepEqual(list.vars, [{ kind: 'var', value: 'x=1' }]);
});

test('TF_CLI_ARGS can make a bare terraform or a parent command a credentialed one (terraform puts them first, or after the parent)', () => {
  assert.equal(analyzeArgs([]).envMayChange, true);
  assert.equal(analyzeArgs(['state']).envMayChange, true);
  assert.equal(analyzeArgs(['-chdir=x']).envMayChange, true);
  assert.equal(analyzeArgs(['fmt']).envMayChange, false);
  assert.equal(analyzeArgs(['paln']).envMayChange, false);
  assert.equal(analyzeArgs(['-help']).envMayChange, false);
  const bare = analyzeWithEnvironment(['-chdir=live'], { TF_CLI_ARGS: 'plan -var-file=a.tfvars' });
  assert.equal(bare.needsCredentials, true);
  assert.equal(bare.command, 'plan');
  assert.equal(bare.chdir, 'live');
  assert.deepEqual(bare.vars, [{ kind: 'var-file', value: 'a.tfvars' }]);
  assert.equal(analyzeWithEnvironment(['state'], { TF_CLI_ARGS_state: 'list' }).needsCredentials, true);
  assert.equal(analyzeWithEnvironment(['plan'], { TF_CLI_ARGS: '-help' }).needsCredentials, false);
});

test('shellWords splits like go-shellwords: quotes, escapes, no $ expansion, stops at an operator or comment', () => {
  assert.deepEqual(shellWords(`a "b c" 'd $e' f\\ g`), ['a', 'b c', 'd $e', 'f g']);
  assert.deepEqual(shellWords('a *.tfvars | b'), ['a', '*.tfvars']);
  assert.deepEqual(shellWords('a # b'), ['a']);
  assert.deepEqual(shellWords(''), []);
});
