// "Terraform will refuse this run" (issue 14), derived in one function from
// typed values (issue 17): the reader's problems with their reasons, the
// planner's decisions, and whether a provider configuration can be used at all
// (one nothing refers to is pruned by terraform, so its missing profile stops
// nothing). No file is read to decide it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { terraformWillRefuse } from '../src/run.ts';
import { problem } from '../src/terraform/problems.ts';
import type { AuthTarget, ModuleAuth, ReadReason } from '../src/model.ts';
import type { TargetPlan } from '../src/aws/types.ts';

const target = (name: string, over: Partial<AuthTarget> = {}): AuthTarget => ({
  kind: 'provider', name, source: { file: 'main.tf', line: 1 }, assumeRoles: [], staticCredentials: false, webIdentity: false, unknowns: [], ...over,
});

const notFound = (t: AuthTarget, chain = 1): TargetPlan => ({
  target: t, profile: t.profile ?? 'default', chain: Array.from({ length: chain }, () => ({ profile: 'x' })) as TargetPlan['chain'], action: 'none',
  decision: { action: 'none', cause: { cause: 'profile-not-found', profile: t.profile ?? 'default', searched: [] } } as TargetPlan['decision'], reason: '',
});

const runPlan = (module: ModuleAuth, targets: TargetPlan[] = []) => ({ module, plan: { targets, devices: [], childEnvironment: { keepExportedKeys: false } } as never });

test('a read problem refuses the run exactly when terraform stops on its reason, named with its file:line', () => {
  const cases: Array<[ReadReason, boolean]> = [
    [{ kind: 'syntax', path: 'bad.tf', line: 3, message: 'missing "}"' }, true],
    [{ kind: 'module-dir', path: 'modules/x', module: 'module.x', failure: { reason: 'missing' } }, true],
    [{ kind: 'file', path: 'gone.tfvars', failure: { reason: 'missing' } }, true],
    [{ kind: 'file', path: 'x.tf', failure: { reason: 'binary' } }, true],
    [{ kind: 'invalid-state', path: '.terraform/terraform.tfstate', message: 'x' }, true],
    [{ kind: 'file', path: 'big.tf', failure: { reason: 'too-large', bytes: 9 } }, false],
    [{ kind: 'file', path: 'piped.tfvars', failure: { reason: 'special-file', what: 'pipe' } }, false],
    [{ kind: 'too-deep', path: 'deep.tf', line: 2, message: 'nesting deeper than 128 levels' }, false],
    [{ kind: 'module-cycle', module: 'module.me', path: '.' }, false],
    [{ kind: 'internal', message: 'bug' }, false],
  ];
  for (const [reason, refuses] of cases) {
    const p = problem({ file: 'main.tf', line: 7 }, reason);
    const refused = terraformWillRefuse(runPlan({ targets: [], problems: [p] }), {});
    assert.equal(refused, refuses ? `main.tf:7: ${p.message}` : undefined, JSON.stringify(reason));
  }
});

test('a profile in no AWS file refuses the run when it is named and its provider can be used; an unused provider is pruned by terraform', () => {
  const named = target('aws.west', { profile: 'nosuch' });
  const unused = target('aws.unused', { profile: 'nosuch' });
  const module: ModuleAuth = { targets: [named, unused], problems: [], mayBeUsed: (t) => t !== unused };
  assert.equal(terraformWillRefuse(runPlan(module, [notFound(unused)]), {}), undefined, 'nothing refers to aws.unused');
  assert.equal(terraformWillRefuse(runPlan(module, [notFound(named)]), {}), 'aws.west: profile "nosuch" is in no AWS file');
  // Without the reader's answer every target may be used.
  assert.equal(terraformWillRefuse(runPlan({ targets: [unused], problems: [] }, [notFound(unused)]), {}), 'aws.unused: profile "nosuch" is in no AWS file');
  // An implicit default is skipped by the SDK; AWS_PROFILE or a source_profile hop names it.
  const implicit = target('aws');
  assert.equal(terraformWillRefuse(runPlan({ targets: [implicit], problems: [] }, [notFound(implicit)]), {}), undefined);
  assert.match(terraformWillRefuse(runPlan({ targets: [implicit], problems: [] }, [notFound(implicit)]), { AWS_PROFILE: 'p' }) ?? '', /^aws: profile/);
  assert.match(terraformWillRefuse(runPlan({ targets: [implicit], problems: [] }, [notFound(implicit, 2)]), {}) ?? '', /^aws: profile/);
});
