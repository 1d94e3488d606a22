// Stop requests with the real terraform (docs/signals.md): an apply on the S3
// backend (moto_server) whose terraform_data provisioner sleeps is stopped
// once by a SIGTERM to the whole process group (a CI cancel) and once by a
// SIGINT to tfw alone (a supervisor). Terraform must stop gracefully, once:
// never "Two interrupts received", never "Apply complete!". bench/signals.ts
// runs every case 10 times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, TFW_BIN, which } from './support/harness.ts';
import { mfaUser, useS3Bucket, useStsStandIn } from './support/world.ts';

const terraform = which('terraform');
const moto = which('moto_server');
const skip = !terraform ? 'terraform is not on PATH' : !moto ? 'moto_server is not on PATH' : undefined;
if (skip) console.log(`# skipping signal tests with real terraform: ${skip}`);

const ALICE = mfaUser('0031');
const ROLE = 'arn:aws:iam::222222222222:role/switch';
const world = useStsStandIn({ users: [ALICE], roles: [{ arn: ROLE, requireMfa: true }] }, 731000, { skip });
const s3 = useS3Bucket(moto, 'tfstate', { skip });

const MODULE = (key: string): string => `terraform {
  backend "s3" {
    bucket         = "tfstate"
    key            = "${key}/terraform.tfstate"
    region         = "us-east-1"
    profile        = "switch"
    use_path_style = true
  }
}

resource "terraform_data" "slow" {
  provisioner "local-exec" {
    command = "sleep 60"
  }
}
`;

for (const [name, key, send] of [
  ['SIGTERM to the whole process group (a CI cancel)', 'group-term', (pid: number) => process.kill(-pid, 'SIGTERM')],
  ['SIGINT to tfw alone (a supervisor, kill -INT)', 'alone-int', (pid: number) => process.kill(pid, 'SIGINT')],
] as const) {
  test(`real terraform, ${name}: one graceful stop, no "Two interrupts received", per-run files gone`, { skip, timeout: 900_000 }, async (t) => {
    const box = await sandbox(t);
    await box.writeAws(
      `[profile source]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${ROLE}\nmfa_serial = ${ALICE.mfaSerial}\nregion = us-east-1\n`,
      `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n`,
    );
    const dir = join(box.root, 'module');
    await mkdir(dir);
    await writeFile(join(dir, 'main.tf'), MODULE(key));
    const env = box.env({ AWS_ENDPOINT_URL_STS: world.url, AWS_ENDPOINT_URL_S3: s3.url, TF_IN_AUTOMATION: '1', TFW_QUIET: '1' });
    const init = await runTfw(['init', '-input=false', '-no-color'], { cwd: dir, env: { ...env, TFW_MFA_CODE: world.fresh() } });
    assert.equal(init.code, 0, init.stderr + init.stdout);

    // tfw leads its own process group, as a shell or a CI runner starts a job.
    const child = spawn(process.execPath, [TFW_BIN, 'apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    t.after(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    const deadline = Date.now() + 120_000;
    while (!out.includes("Provisioning with 'local-exec'") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 25));
    assert.match(out, /Provisioning with 'local-exec'/);
    await new Promise((r) => setTimeout(r, 500));
    send(child.pid!);
    const status = await Promise.race([closed, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 120_000).unref())]);
    assert.doesNotMatch(out, /Two interrupts received/);
    assert.match(out, /Interrupt received/);
    assert.doesNotMatch(out, /Apply complete!/);
    assert.equal(status, 1, out);
    assert.deepEqual(await readdir(box.runtime), []);
  });
}
