// Bad input in TF_CLI_ARGS (issue 8): tfw only reads it (terraform applies it
// itself), so no value may stop tfw; `$` is plain text, as to go-shellwords.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { analyzeWithEnvironment, shellWords } from '../src/env-args.ts';
import { FAKE_TERRAFORM_DIR, readRecord, runTfw, sandbox } from './support/harness.ts';
import { join } from 'node:path';

test('property: any TF_CLI_ARGS value is split without an exception', () => {
  const unit = fc.constantFrom('"', "'", '\\', ' ', 'a', '-var', '=', '$', '${', '}', '`', '(', ')', '|', '&', ';', '#', '\n', '*', '{', '<', '>', '$(', 'é');
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 40 })), (v) => {
      assert.ok(Array.isArray(shellWords(v)));
      const args = analyzeWithEnvironment(['plan'], { TF_CLI_ARGS: v, TF_CLI_ARGS_plan: v });
      assert.deepEqual(args.argv, ['plan']);
    }),
    { numRuns: 5000 },
  );
});

test('$ and ${ in TF_CLI_ARGS are kept as written (no "Bad substitution")', () => {
  assert.deepEqual(shellWords('-var=x=${abc'), ['-var=x=${abc']);
  assert.deepEqual(shellWords('-var="p=${HOME}" \'-var=q=$x\' -var=r=${}'), ['-var=p=${HOME}', '-var=q=$x', '-var=r=${}']);
  assert.deepEqual(shellWords('a\\$b $'), ['a$b', '$']);
});

test('a TF_CLI_ARGS that shell-quote refused no longer stops `tfw version` with an internal error', async (t) => {
  const box = await sandbox(t);
  const record = join(box.root, 'record.jsonl');
  const env = box.env({ PATH: `${FAKE_TERRAFORM_DIR}:${process.env.PATH}`, FAKE_TF_RECORD: record, TF_CLI_ARGS: '-var=x=${abc', TF_CLI_ARGS_plan: '${}' });
  for (const args of [['version'], ['plan']]) {
    const r = await runTfw(args, { cwd: box.root, env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|^\s+at /m);
  }
  assert.equal((await readRecord(record)).filter((e) => e.event === 'start').length, 2);
});
