// yamldecode beyond the hand-written subset loads the `yaml` package from
// node_modules (never bundled): the built tfw must find it and read the
// profile it names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { moduleSandbox, runTfw } from './support/harness.ts';

const CONFIG = `[profile from-yaml]
region = eu-west-1
`;
const MAIN = `locals {
  accounts = yamldecode(<<-EOT
    base: &base {profile: from-yaml, regions: [eu-west-1]}
    prod:
      <<: *base
      role: |-
        admin
    EOT
  )
}
provider "aws" {
  profile = local.accounts.prod.profile
  region  = local.accounts.prod.regions[0]
}
`;

test('the built tfw reads a profile from YAML with anchors, merge keys, flow and block scalars', async (t) => {
  const { box, env } = await moduleSandbox(t, { config: CONFIG, credentials: '', mainTf: MAIN, env: { AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' } });
  const r = await runTfw(['auth', 'explain', '-chdir=module', '--json'], { cwd: box.root, env });
  assert.equal(r.code, 0, r.stderr);
  const target = JSON.parse(r.stdout).targets[0];
  assert.equal(target.profile, 'from-yaml');
  assert.deepEqual(target.unknowns, []);
});
