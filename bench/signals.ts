// Every stop case with the real terraform, 10 runs each, for terraform
// alone, a tfw build before the signal design and the current one: counts
// "Two interrupts received" (terraform abandoning its graceful stop) and how
// each run ended. docs/signals.md holds the figures.
//
//   npm run build && node --import tsx bench/signals.ts --before=/tmp/tfw-before/bin/tfw.js [--runs=10] [--cases=group-TERM,alone-INT]
//
// The module: the S3 backend on moto_server, one terraform_data whose
// local-exec provisioner sleeps; the signal is sent once terraform is inside
// the provisioner. terraform alone uses a role without MFA (same behaviour,
// no code needed); tfw uses an MFA role through the STS stand-in.
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runTfw, sandbox, TFW_BIN, which } from '../test/support/harness.ts';
import { startMoto } from '../test/support/moto.ts';
import { startStsStandIn } from '../test/support/sts-standin.ts';

const arg = (name: string): string | undefined => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const RUNS = Number(arg('runs') ?? 10);
const BEFORE = arg('before');
const terraform = which('terraform');
const moto = which('moto_server');
const timeoutBin = which('timeout');
const scriptBin = which('script');
if (!terraform || !moto) {
  console.log(`skipping: ${!terraform ? 'terraform' : 'moto_server'} is not on PATH`);
  process.exit(0);
}

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIAALICEEXAMPLE0077', secretAccessKey: 'alice/secret/EXAMPLEKEY0000000000077', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const BOB = { userName: 'bob', account: '444444444444', accessKeyId: 'AKIABOBEXAMPLE000077', secretAccessKey: 'bob/secret/EXAMPLEKEY00000000000077' };
const MFA_ROLE = 'arn:aws:iam::222222222222:role/switch';
const PLAIN_ROLE = 'arn:aws:iam::222222222222:role/plain';

type Sender = 'group' | 'alone' | 'every' | 'timeout' | 'timeout-fg' | 'pty';
interface Case {
  name: string;
  sender: Sender;
  signal: 'SIGINT' | 'SIGTERM';
}
const CASES: Case[] = [
  { name: 'Ctrl-C at a terminal', sender: 'pty', signal: 'SIGINT' },
  { name: 'SIGINT to the process group', sender: 'group', signal: 'SIGINT' },
  { name: 'SIGTERM to the process group', sender: 'group', signal: 'SIGTERM' },
  { name: 'SIGINT to tfw (terraform) alone', sender: 'alone', signal: 'SIGINT' },
  { name: 'SIGTERM to tfw (terraform) alone', sender: 'alone', signal: 'SIGTERM' },
  { name: 'SIGTERM to every process (cgroup)', sender: 'every', signal: 'SIGTERM' },
  { name: 'timeout(1)', sender: 'timeout', signal: 'SIGTERM' },
  { name: 'timeout --foreground', sender: 'timeout-fg', signal: 'SIGTERM' },
];
const wanted = arg('cases')?.split(',');
const caseId = (c: Case): string => `${c.sender}-${c.signal.slice(3)}`;

function groupMembers(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) pids.push(Number(name));
    } catch {
      // gone
    }
  }
  return pids.sort((a, b) => a - b);
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

interface Outcome {
  code: number | null;
  two: boolean;
  interrupted: boolean;
  complete: boolean;
  hung: boolean;
  failed?: boolean;
}

async function trial(command: string[], c: Case, cwd: string, env: Record<string, string>): Promise<Outcome> {
  let child: ChildProcess;
  const { CI: _ci, ...ptyEnv } = env;
  if (c.sender === 'pty') {
    child = spawn(scriptBin!, ['-qfec', command.map(quote).join(' '), '/dev/null'], { cwd, env: { TERM: 'xterm', ...ptyEnv }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  } else if (c.sender === 'timeout' || c.sender === 'timeout-fg') {
    child = spawn(timeoutBin!, [...(c.sender === 'timeout-fg' ? ['--foreground'] : []), '600', ...command], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  } else {
    child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  }
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + 120_000;
  while (!out.includes("Provisioning with 'local-exec'") && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  await new Promise((r) => setTimeout(r, 500));
  const pid = child.pid!;
  if (child.exitCode !== null || !out.includes("Provisioning with 'local-exec'")) {
    process.stderr.write(`the run did not reach the provisioner (exit ${child.exitCode}):\n${out}\n`);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
    return { code: child.exitCode, two: false, interrupted: false, complete: false, hung: false, failed: true };
  }
  switch (c.sender) {
    case 'pty':
      child.stdin!.write('\x03');
      break;
    case 'group':
      process.kill(-pid, c.signal);
      break;
    case 'alone': {
      // the direct child of the job: tfw, or terraform alone
      process.kill(pid, c.signal);
      break;
    }
    case 'every':
      for (const member of groupMembers(pid)) {
        try {
          process.kill(member, c.signal);
        } catch {
          // gone
        }
      }
      break;
    case 'timeout':
    case 'timeout-fg':
      process.kill(pid, 'SIGALRM');
      break;
  }
  const code = await Promise.race([closed, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 120_000))]);
  if (code === 'hung') {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  // the pty's job may outlive script(1) a moment
  await new Promise((r) => setTimeout(r, 200));
  return {
    code: code === 'hung' ? null : code,
    two: /Two interrupts received/.test(out),
    interrupted: /Interrupt received/.test(out),
    complete: /Apply complete!/.test(out),
    hung: code === 'hung',
  };
}

const MODULE = (key: string, profile: string): string => `terraform {
  backend "s3" {
    bucket         = "tfstate"
    key            = "${key}/terraform.tfstate"
    region         = "us-east-1"
    profile        = "${profile}"
    use_path_style = true
  }
}

resource "terraform_data" "slow" {
  triggers_replace = timestamp()
  provisioner "local-exec" {
    command = "sleep 20"
  }
}
`;

async function main(): Promise<void> {
  const sts = await startStsStandIn({ users: [ALICE, { ...BOB, mfaSerial: 'arn:aws:iam::444444444444:mfa/bob' }], roles: [{ arn: MFA_ROLE, requireMfa: true }, { arn: PLAIN_ROLE, requireMfa: false }] });
  const s3 = await startMoto(moto!);
  await s3.createBucket('tfstate');
  const box = await sandbox({ after: () => {} });
  await box.writeAws(
    `[profile source]\nregion = us-east-1\nmfa_serial = ${ALICE.mfaSerial}\n\n[profile switch]\nsource_profile = source\nrole_arn = ${MFA_ROLE}\nmfa_serial = ${ALICE.mfaSerial}\nregion = us-east-1\n\n[profile bob]\nregion = us-east-1\n\n[profile plain]\nsource_profile = bob\nrole_arn = ${PLAIN_ROLE}\nregion = us-east-1\n`,
    `[source]\naws_access_key_id = ${ALICE.accessKeyId}\naws_secret_access_key = ${ALICE.secretAccessKey}\n\n[bob]\naws_access_key_id = ${BOB.accessKeyId}\naws_secret_access_key = ${BOB.secretAccessKey}\n`,
  );
  const env = box.env({ AWS_ENDPOINT_URL_STS: sts.url, AWS_ENDPOINT_URL_S3: s3.url, TF_IN_AUTOMATION: '1', TFW_QUIET: '1' });
  const variants: Array<{ name: string; command: (args: string[]) => string[]; dir: string }> = [];
  const add = async (name: string, profile: string, command: (args: string[]) => string[]) => {
    const dir = join(box.root, name.replace(/\W+/g, '-'));
    await mkdir(dir);
    await writeFile(join(dir, 'main.tf'), MODULE(name.replace(/\W+/g, '-'), profile));
    variants.push({ name, command, dir });
  };
  await add('terraform alone', 'plain', (args) => [terraform!, ...args]);
  if (BEFORE) await add('tfw before', 'switch', (args) => [process.execPath, BEFORE, ...args]);
  await add('tfw after', 'switch', (args) => [process.execPath, TFW_BIN, ...args]);
  let code = 900100;
  for (const v of variants) {
    const init = v.name === 'terraform alone'
      ? await new Promise<number | null>((resolve) => spawn(terraform!, ['init', '-input=false', '-no-color'], { cwd: v.dir, env, stdio: 'ignore' }).on('close', resolve))
      : (await runTfw(v.command(['init', '-input=false', '-no-color']).slice(2), { cwd: v.dir, env: { ...env, TFW_MFA_CODE: String(code++) } })).code;
    if (init !== 0) throw new Error(`init failed for ${v.name}`);
  }
  const rows: string[] = [];
  for (const c of CASES) {
    if (wanted && !wanted.includes(caseId(c))) continue;
    if ((c.sender === 'pty' && !scriptBin) || (c.sender.startsWith('timeout') && !timeoutBin)) continue;
    const cells: string[] = [];
    for (const v of variants) {
      const outcomes: Outcome[] = [];
      for (let i = 0; i < RUNS; i++) outcomes.push(await trial(v.command(['apply', '-auto-approve', '-input=false', '-no-color']), c, v.dir, env));
      const two = outcomes.filter((o) => o.two).length;
      const codes = new Map<string, number>();
      for (const o of outcomes) {
        const key = o.failed ? 'did not start' : o.hung ? 'hung' : o.complete ? `completed(${o.code})` : `exit ${o.code}`;
        codes.set(key, (codes.get(key) ?? 0) + 1);
      }
      const stopped = outcomes.filter((o) => o.interrupted).length;
      cells.push(`${two}/${RUNS} two; ${stopped}/${RUNS} stopped; ${[...codes].map(([k, n]) => `${k}×${n}`).join(', ')}`);
      process.stderr.write(`${c.name} / ${v.name}: ${cells.at(-1)}\n`);
    }
    rows.push(`| ${c.name} | ${cells.join(' | ')} |`);
  }
  console.log(`| case | ${variants.map((v) => v.name).join(' | ')} |`);
  console.log(`|---|${variants.map(() => '---').join('|')}|`);
  for (const row of rows) console.log(row);
  await sts.stop();
  await s3.stop();
  process.exit(0);
}

await main();
