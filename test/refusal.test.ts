// Which provider configurations can terraform use at all: one nothing refers to
// is pruned by terraform, so its missing profile stops nothing (run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mayBeUsedIn, providerAlias } from '../src/run.ts';
import type { AuthTarget } from '../src/model.ts';

const target = (name: string, file = 'main.tf', kind: AuthTarget['kind'] = 'provider'): AuthTarget => ({
  kind, name, source: { file, line: 1 }, assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [],
});

test('the alias of a provider target, whatever module or for_each key it carries', () => {
  for (const [name, alias] of [
    ['aws', undefined], ['aws.west', 'west'], ['module.net: aws.west', 'west'], ['aws.by_region["eu-west-1"]', 'by_region'], ['module.a.module.b: aws', undefined],
  ] as const) assert.equal(providerAlias(target(name)), alias, name);
  assert.equal(providerAlias(target('backend "s3"', 'main.tf', 'backend')), undefined);
});

test('an aliased provider is unused only when no file of its module refers to aws.ALIAS; the default provider and the backend always count', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-refusal-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'main.tf'), 'provider "aws" {\n  alias   = "unused"\n  profile = "nosuch"\n}\nprovider "aws" {\n  alias = "used"\n}\n');
  await writeFile(join(dir, 'data.tf.json'), JSON.stringify({ data: { aws_caller_identity: { me: { provider: 'aws.used' } } } }));
  const used = mayBeUsedIn(dir);
  assert.equal(used(target('aws.unused')), false);
  assert.equal(used(target('aws.used')), true, 'referred to from a .tf.json file');
  assert.equal(used(target('aws')), true);
  assert.equal(used(target('backend "s3"', 'main.tf', 'backend')), true);
  assert.equal(used(target('aws.unused', 'no/such/dir/main.tf')), true, 'an unreadable module counts as used');
});
