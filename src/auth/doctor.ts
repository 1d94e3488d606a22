// `tfw auth doctor`: what tfw needs, checked one by one, each a line with
// ✓ or ✗ and the fix. Checks are values (a status, what was found, the fix);
// one presenter turns them into text or JSON. Never prompts; the one network
// call is an unsigned request to STS for reachability and its clock.
import { execFile } from 'node:child_process';
import { readFile, realpath, stat } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { cacheDir, checkCacheDir } from '../aws/cache.ts';
import { defaultConfigPaths, defaultCredentialsPaths, expandHome, homeDirOf, loadAwsFiles, profileSection } from '../aws/files.ts';
import { environmentKeys, profileFromEnv } from '../aws/environment.ts';
import type { Deps } from '../deps.ts';
import { isTfwError } from '../errors.ts';
import { truthy } from '../log.ts';
import { planRun, type RunPlan } from '../prepare.ts';
import { stsEndpoint, stsTimeouts } from '../settings.ts';
import { resolveTerraform } from '../spawn.ts';
import { asPlanArgs, planForProfiles, profileList } from './commands.ts';
import { hideSensitive, type Style } from './explain.ts';

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'info';

export interface Check {
  check: 'terraform' | 'aws-files' | 'cache' | 'profile' | 'sts' | 'clock' | 'shell';
  status: CheckStatus;
  /** What was found. */
  detail: string;
  /** What to do, when something is wrong (or could be better). */
  fix?: string;
}

export interface DoctorOptions {
  terraformArgs: readonly string[];
  profile: string | undefined;
  json: boolean;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function terraformVersion(path: string, env: Deps['env']): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(path, ['version', '-json'], { env: { ...env, CHECKPOINT_DISABLE: '1' }, timeout: 15_000 }, (error, stdout) => {
      if (error) return resolve(undefined);
      try {
        resolve(String(JSON.parse(stdout).terraform_version ?? '') || undefined);
      } catch {
        resolve(undefined);
      }
    });
  });
}

async function checkTerraform(deps: Deps): Promise<Check> {
  try {
    const path = resolveTerraform(deps.env, deps.cwd, deps.selfPaths);
    const version = await terraformVersion(path, deps.env);
    return { check: 'terraform', status: 'ok', detail: `${path}${version ? ` (${version})` : ''}` };
  } catch (e) {
    return { check: 'terraform', status: 'fail', detail: message(e), fix: 'install terraform on PATH (https://developer.hashicorp.com/terraform/install), or set TFW_TERRAFORM to its path' };
  }
}

async function checkAwsFiles(deps: Deps): Promise<Check[]> {
  const checks: Check[] = [];
  const paths = [
    ...defaultConfigPaths(deps.env).map((p) => ({ kind: 'config', path: expandHome(p, deps.env) })),
    ...defaultCredentialsPaths(deps.env).map((p) => ({ kind: 'credentials', path: expandHome(p, deps.env) })),
  ];
  let found = 0;
  for (const { kind, path } of paths) {
    let info;
    try {
      info = await stat(path);
    } catch {
      continue; // missing is fine; unreadable is among loadAwsFiles' problems below
    }
    found++;
    if (kind === 'credentials' && info.isFile() && (info.mode & 0o077) !== 0) {
      checks.push({ check: 'aws-files', status: 'warn', detail: `${path} is readable by others (mode ${(info.mode & 0o777).toString(8).padStart(4, '0')})`, fix: `chmod 600 ${path}` });
    }
  }
  const files = await loadAwsFiles({ env: deps.env });
  for (const problem of files.problems ?? []) {
    checks.push({ check: 'aws-files', status: 'fail', detail: problem, fix: 'point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE at a readable file, or fix that one' });
  }
  if (found === 0) {
    checks.push({ check: 'aws-files', status: 'fail', detail: `no AWS config or credentials file (${paths.map((p) => p.path).join(', ')})`, fix: 'create ~/.aws/config and ~/.aws/credentials (see the README), or set AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE' });
  } else if (!checks.some((c) => c.status === 'fail')) {
    checks.unshift({ check: 'aws-files', status: 'ok', detail: `${[...files.configPaths, ...files.credentialsPaths].join(', ')} readable` });
  }
  return checks;
}

async function checkCache(deps: Deps): Promise<Check> {
  if (truthy(deps.env.TFW_NO_CACHE)) return { check: 'cache', status: 'info', detail: 'the session cache is off (TFW_NO_CACHE): every run asks for a code' };
  const dir = cacheDir(deps.env);
  try {
    await checkCacheDir(dir);
    return { check: 'cache', status: 'ok', detail: `${dir} is private to you` };
  } catch (e) {
    return { check: 'cache', status: 'fail', detail: message(e), fix: `chmod 700 ${dir} (owned by you), or set TFW_CACHE_DIR to a private directory` };
  }
}

async function checkProfiles(options: DoctorOptions, deps: Deps): Promise<{ checks: Check[]; plan?: RunPlan }> {
  const quiet: Deps = { ...deps, log: { ...deps.log, warn: () => {}, note: () => {} } };
  let plan: RunPlan;
  try {
    if (options.profile !== undefined) {
      plan = await planForProfiles([options.profile], quiet);
      if (profileSection(plan.awsFiles, options.profile) === undefined) {
        return { checks: [{ check: 'profile', status: 'fail', detail: `profile ${options.profile} is not in the AWS config or credentials files (${profileList(plan.awsFiles)})`, fix: `add [profile ${options.profile}] to ~/.aws/config, or name another profile` }] };
      }
    } else {
      plan = await planRun(asPlanArgs(options.terraformArgs, deps.env), quiet);
      if (plan.module.targets.length === 0) {
        const profile = profileFromEnv(deps.env);
        plan = await planForProfiles([undefined], quiet);
        if (environmentKeys(deps.env).kind === 'none' && profileSection(plan.awsFiles, profile) === undefined) {
          return {
            checks: [{ check: 'profile', status: deps.env.AWS_PROFILE ? 'fail' : 'info', detail: `no module here, and profile ${profile} (${deps.env.AWS_PROFILE ? 'AWS_PROFILE' : 'the default'}) is not in the AWS files (${profileList(plan.awsFiles)})`, fix: 'run doctor in a module directory, or with --profile P' }],
            plan,
          };
        }
      }
    }
  } catch (e) {
    return { checks: [{ check: 'profile', status: 'fail', detail: isTfwError(e) ? e.message : message(e), fix: 'fix the profile chain in ~/.aws/config (tfw auth explain shows it)' }] };
  }
  const checks: Check[] = [];
  for (const p of plan.module.problems) checks.push({ check: 'profile', status: 'warn', detail: `could not read ${p.source.file}:${p.source.line}: ${p.message}`, fix: 'terraform will say more (terraform validate)' });
  const serialOf = new Map(plan.plan.devices.map((d) => [d.id, d.serial]));
  for (const t of plan.plan.targets) {
    const chain = t.chain.map((h) => h.profile).join(' → ') || t.profile;
    const device = t.deviceId ? serialOf.get(t.deviceId) : undefined;
    if (t.action === 'unmanaged') {
      checks.push({ check: 'profile', status: 'fail', detail: `${t.target.name}: profile ${chain}: ${t.reason}`, fix: t.mfaSerial ? 'tfw auth explain shows the chain; tfw auth explain --find-device names the device' : 'tfw auth explain shows why' });
    } else if (device) {
      checks.push({ check: 'profile', status: 'ok', detail: `${t.target.name}: profile ${chain}, MFA device ${device}` });
    } else {
      checks.push({ check: 'profile', status: 'ok', detail: `${t.target.name}: profile ${chain}: ${t.reason}` });
    }
  }
  if (checks.length === 0) checks.push({ check: 'profile', status: 'info', detail: 'no provider "aws" and no backend "s3" here: terraform runs untouched' });
  return { checks: hideSensitive(checks, plan.module.targets), plan };
}

/** The STS endpoint an unsigned request can reach: the configured one, else AWS's regional one. */
function stsUrl(deps: Deps, plan: RunPlan | undefined): string {
  const configured = stsEndpoint(deps.env);
  if (configured) return configured;
  const region = deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION || plan?.plan.devices[0]?.region || 'us-east-1';
  return `https://sts.${region}.amazonaws.com/`;
}

async function checkSts(deps: Deps, plan: RunPlan | undefined): Promise<Check[]> {
  const url = stsUrl(deps, plan);
  const sent = deps.now().getTime();
  let date: string | null;
  try {
    const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(stsTimeouts(deps.env).requestTimeoutMs), redirect: 'manual' });
    date = response.headers.get('date');
    await response.body?.cancel();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? message(e);
    return [{ check: 'sts', status: 'fail', detail: `cannot reach STS at ${url} (${why})`, fix: 'check the network, a proxy or firewall, and AWS_ENDPOINT_URL_STS; TFW_STS_TIMEOUT waits longer' }];
  }
  const checks: Check[] = [{ check: 'sts', status: 'ok', detail: `STS answers at ${url}` }];
  const server = date ? Date.parse(date) : NaN;
  if (Number.isNaN(server)) {
    checks.push({ check: 'clock', status: 'info', detail: 'STS sent no Date header: the clock could not be compared' });
    return checks;
  }
  // The Date header has whole seconds: the middle of the request is the best guess of "now" for it.
  const local = (sent + deps.now().getTime()) / 2;
  const skew = Math.round((local - server) / 1000);
  const said = `this machine's clock is ${Math.abs(skew)}s ${skew >= 0 ? 'ahead of' : 'behind'} STS's`;
  if (Math.abs(skew) > 300) checks.push({ check: 'clock', status: 'fail', detail: said, fix: 'sync the clock (NTP: timedatectl set-ntp true, or your OS\'s time settings): STS refuses requests more than 5 minutes off' });
  else if (Math.abs(skew) > 30) checks.push({ check: 'clock', status: 'warn', detail: said, fix: 'sync the clock (NTP); the MFA device\'s clock matters too (codes are time-based)' });
  else checks.push({ check: 'clock', status: 'ok', detail: `${said} (within 30s)` });
  return checks;
}

const fileId = (path: string): string | undefined => {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
};

/** How the shell reaches tfw: `terraform` on PATH being tfw (a symlink or copy), or an alias in a shell's rc file. */
async function checkShell(deps: Deps): Promise<Check> {
  const self = new Set(deps.selfPaths.map(fileId).filter((id): id is string => id !== undefined));
  for (const dir of (deps.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, 'terraform');
    const id = fileId(candidate);
    if (id === undefined) continue;
    if (self.has(id)) {
      let target = candidate;
      try {
        target = await realpath(candidate);
      } catch {
        // shown as found
      }
      return { check: 'shell', status: 'ok', detail: `terraform on PATH is tfw (${candidate}${target !== candidate ? ` → ${target}` : ''})` };
    }
    break;
  }
  const home = homeDirOf(deps.env);
  for (const rc of ['.bashrc', '.bash_aliases', '.bash_profile', '.zshrc', '.profile', '.config/fish/config.fish']) {
    let text: string;
    try {
      text = await readFile(join(home, rc), 'utf8');
    } catch {
      continue;
    }
    const line = text.split('\n').find((l) => /^\s*alias\s+terraform[= ]\s*['"]?tfw\b/.test(l));
    if (line) return { check: 'shell', status: 'ok', detail: `~/${rc}: ${line.trim()}` };
  }
  return {
    check: 'shell',
    status: 'info',
    detail: '`terraform` runs terraform itself; tfw only as `tfw`',
    fix: 'for a drop-in: alias terraform=tfw in your shell\'s rc file, or a symlink named terraform to tfw early on PATH',
  };
}

export async function runChecks(options: DoctorOptions, deps: Deps): Promise<Check[]> {
  const [terraform, files, cache, profiles, shell] = await Promise.all([checkTerraform(deps), checkAwsFiles(deps), checkCache(deps), checkProfiles(options, deps), checkShell(deps)]);
  const sts = await checkSts(deps, profiles.plan);
  return [terraform, ...files, cache, ...profiles.checks, ...sts, shell];
}

const MARK: Record<CheckStatus, string> = { ok: '✓', fail: '✗', warn: '!', info: '·' };
const LABEL: Record<Check['check'], string> = { terraform: 'terraform', 'aws-files': 'AWS files', cache: 'cache', profile: 'profile', sts: 'STS', clock: 'clock', shell: 'shell' };

export function doctorText(checks: readonly Check[], style: Style): string {
  const lines: string[] = [];
  for (const c of checks) {
    const mark = c.status === 'fail' || c.status === 'warn' ? style.warn(MARK[c.status]) : MARK[c.status];
    lines.push(`${mark} ${LABEL[c.check].padEnd(10)} ${c.detail}`);
    if (c.fix && c.status !== 'ok') lines.push(`  ${' '.repeat(10)} ${style.dim(`fix: ${c.fix}`)}`);
  }
  const failed = checks.filter((c) => c.status === 'fail').length;
  lines.push('');
  lines.push(failed === 0 ? 'No problem found.' : `${failed} problem${failed > 1 ? 's' : ''} found: see the fix under each ✗.`);
  return `${lines.join('\n')}\n`;
}

export async function doctor(options: DoctorOptions, deps: Deps, style: Style): Promise<number> {
  const checks = await runChecks(options, deps);
  const ok = checks.every((c) => c.status !== 'fail');
  deps.out(options.json ? `${JSON.stringify({ version: 1, ok, checks }, null, 2)}\n` : doctorText(checks, style));
  return ok ? 0 : 1;
}
