// The recording layer of the plan memo (src/inputs.ts): each kind of input is
// noted as it is read, judged again by doing the same call, and never kept as
// a secret; and every file-system call the reader and the planner make on a
// module goes through it (a read it did not note would let the memo serve a
// plan whose input changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, utimes, writeFile, unlink } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namesWithPrefix, racy, recorded, recordingEnv, Recording, stillHolds } from '../src/inputs.ts';
import { readModuleAuth } from '../src/terraform/index.ts';
import { loadFilesForTargets } from '../src/aws/files.ts';
import { FIXTURES } from './support/harness.ts';

async function tempDir(t: { after(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tfw-inputs-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a file: a same-size rewrite with the old mtime put back still reads as changed (ctime); a removed file too', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'main.tf');
  await writeFile(file, 'profile = "alpha"\n');
  const old = new Date(Date.now() - 60_000);
  await utimes(file, old, old);
  const rec = new Recording();
  rec.stat(file);
  const [o] = rec.observations;
  assert.ok(stillHolds(o!, {}));
  await writeFile(file, 'profile = "bravo"\n');
  await utimes(file, old, old);
  assert.equal(stillHolds(o!, {}), false, 'same size, same mtime, new ctime');
  const again = new Recording();
  again.stat(file);
  await unlink(file);
  assert.equal(stillHolds(again.observations[0]!, {}), false);
  const missing = new Recording();
  missing.stat(file);
  assert.ok(stillHolds(missing.observations[0]!, {}), 'still missing');
  await writeFile(file, 'x');
  assert.equal(stillHolds(missing.observations[0]!, {}), false, 'created since');
});

test('a listing, a real path and a symlink retargeted are judged by doing the call again', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'a'));
  await mkdir(join(dir, 'b'));
  await symlink(join(dir, 'a'), join(dir, 'link'));
  const rec = new Recording();
  rec.list(dir);
  rec.realpath(join(dir, 'link'));
  rec.realpath(join(dir, 'link'), true);
  rec.stat(join(dir, 'link'), false);
  assert.ok(rec.observations.every((o) => stillHolds(o, {})));
  await writeFile(join(dir, 'extra.tf'), '');
  await unlink(join(dir, 'link'));
  await symlink(join(dir, 'b'), join(dir, 'link'));
  assert.deepEqual(
    rec.observations.map((o) => stillHolds(o, {})),
    [false, false, false, false],
  );
});

test('the environment: each variable read, and an enumeration, are noted; configuration is kept as it is, anything else only as a digest', () => {
  const env = { HOME: '/home/me', TF_VAR_password: 'hunter2-secret', TF_VAR_region: 'eu', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG', OTHER: 'x' };
  const rec = new Recording();
  const seen = recordingEnv(env, rec);
  assert.equal(seen.HOME, '/home/me');
  assert.equal(seen.AWS_SECRET_ACCESS_KEY, 'wJalrXUtnFEMI/K7MDENG');
  assert.equal(seen.AWS_PROFILE, undefined);
  assert.deepEqual(namesWithPrefix(seen, 'TF_VAR_').sort(), ['TF_VAR_password', 'TF_VAR_region']);
  for (const n of namesWithPrefix(seen, 'TF_VAR_')) void seen[n];
  const kept = JSON.stringify(rec.observations);
  for (const secret of ['hunter2-secret', 'wJalrXUtnFEMI/K7MDENG']) assert.ok(!kept.includes(secret), `${secret} is not kept`);
  assert.ok(kept.includes('/home/me'), 'HOME is configuration');
  assert.ok(!kept.includes('OTHER'), 'a variable nobody read or listed is not an input');
  assert.ok(rec.observations.every((o) => stillHolds(o, env)));
  const judge = (changed: Record<string, string | undefined>) => rec.observations.every((o) => stillHolds(o, { ...env, ...changed }));
  assert.equal(judge({ TF_VAR_password: 'other' }), false, 'a value read');
  assert.equal(judge({ TF_VAR_new: 'x' }), false, 'a name under a listed prefix');
  assert.equal(judge({ AWS_PROFILE: 'p' }), false, 'a variable read while unset');
  assert.equal(judge({ OTHER: 'y', UNRELATED: 'z' }), true, 'what was neither read nor listed');
  // An enumeration of the whole environment makes every name an input.
  const all = new Recording();
  void Object.keys(recordingEnv(env, all));
  assert.equal(all.observations.every((o) => stillHolds(o, { ...env, UNRELATED: 'z' })), false);
});

test('racy: a file changed within the timestamp granularity of the recording is not trusted', () => {
  const now = 1_800_000_000_000_000_000n;
  const id = (mtimeNs: bigint, ctimeNs = mtimeNs) => `1:2:33188:10:${mtimeNs}:${ctimeNs}`;
  assert.equal(racy(id(now - 5_000_000_000n), now), false);
  assert.equal(racy(id(now - 50_000_000n + 1n), now), true, 'fine timestamps: within 100 ms');
  assert.equal(racy(id(now - 1_500_000_000n + 7n), now), false);
  assert.equal(racy(id(now - 1_000_000_000n), now), true, 'whole seconds: within 2 s');
  assert.equal(racy(id(now - 10_000_000_000n, now), now), true, 'ctime counts');
  assert.equal(racy('E:ENOENT', now), false);
});

test('a recording whose input changes while it is made is not settled', async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, 'x.tf');
  await writeFile(file, 'a');
  const old = new Date(Date.now() - 60_000);
  await utimes(file, old, old);
  const { recording } = await recorded(async (rec) => {
    rec.stat(file);
  });
  // ctime is now: the file was just written, so it is racy whatever its mtime says.
  assert.equal(recording.settled({}), false);
  const settledLater = new Recording();
  Object.defineProperty(settledLater, 'startedAtNs', { value: BigInt(Date.now() + 10_000) * 1_000_000n });
  settledLater.stat(file);
  assert.equal(settledLater.settled({}), true);
  await writeFile(file, 'b');
  assert.equal(settledLater.settled({}), false);
});

// Every path the reader and the planner touch, through any fs call, must be noted.
const FS_CALLS = ['readFileSync', 'statSync', 'lstatSync', 'readdirSync', 'realpathSync', 'existsSync', 'openSync', 'accessSync', 'opendirSync'] as const;
const FSP_CALLS = ['readFile', 'stat', 'lstat', 'readdir', 'realpath', 'open', 'access', 'opendir'] as const;

async function touchedPaths<T>(fn: () => Promise<T>): Promise<Set<string>> {
  const touched = new Set<string>();
  const saved = new Map<string, unknown>();
  const wrap = (owner: Record<string, unknown>, name: string, key: string) => {
    const orig = owner[name] as (...a: unknown[]) => unknown;
    saved.set(key, orig);
    const wrapped = function (this: unknown, p: unknown, ...rest: unknown[]) {
      if (typeof p === 'string') touched.add(p);
      return orig.call(this, p, ...rest);
    };
    if ('native' in orig) Object.assign(wrapped, { native: (p: string, ...r: unknown[]) => (touched.add(p), (orig as unknown as { native: (...a: unknown[]) => unknown }).native(p, ...r)) });
    owner[name] = wrapped;
  };
  const fsm = fs as unknown as Record<string, unknown>;
  const fsp = fs.promises as unknown as Record<string, unknown>;
  for (const n of FS_CALLS) wrap(fsm, n, `fs.${n}`);
  for (const n of FSP_CALLS) wrap(fsp, n, `fsp.${n}`);
  syncBuiltinESMExports();
  try {
    await fn();
  } finally {
    for (const n of FS_CALLS) fsm[n] = saved.get(`fs.${n}`);
    for (const n of FSP_CALLS) fsp[n] = saved.get(`fsp.${n}`);
    syncBuiltinESMExports();
  }
  return touched;
}

test('every path the reader and the planner read is an observation (each root module of the fixtures, with its AWS files)', async () => {
  const roots = new Set<string>();
  const walk = (d: string, depth: number) => {
    if (depth > 3) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), depth + 1);
      else if (e.name.endsWith('.tf')) roots.add(d);
    }
  };
  walk(FIXTURES, 0);
  assert.ok(roots.size >= 5, `fixture modules found: ${roots.size}`);
  let checked = 0;
  for (const dir of [...roots].sort()) {
    const env = { HOME: join(dir, 'no-home'), TF_VAR_x: '1' };
    let observed: Set<string> = new Set();
    const touched = await touchedPaths(async () => {
      const { recording } = await recorded(async (rec) => {
        const seen = recordingEnv(env, rec);
        const module = await readModuleAuth({ dir, cwd: dir, env: seen, vars: [], backendConfig: [], command: 'plan' });
        await loadFilesForTargets(module.targets, seen);
      });
      observed = new Set(recording.observations.flatMap((o) => ('p' in o ? [o.p] : [])));
    });
    const unnoted = [...touched].filter((p) => !observed.has(p) && !p.startsWith('/proc/'));
    assert.deepEqual(unnoted, [], `${dir}: read without being noted`);
    checked++;
  }
  assert.ok(checked >= 5);
});

test('what a path is (a directory, the same one as $PWD) holds while entries come and go in it, not once it is another', async (t) => {
  const dir = await tempDir(t);
  const module = join(dir, 'module');
  await mkdir(module);
  const rec = new Recording();
  rec.node(module);
  rec.node(join(dir, 'absent'));
  // terraform's lock file comes and goes in the module directory on every run.
  await writeFile(join(module, '.terraform.tfstate.lock.info'), '{}');
  await unlink(join(module, '.terraform.tfstate.lock.info'));
  assert.ok(rec.observations.every((o) => stillHolds(o, {})));
  // Another directory put in its place (made while the first exists, so not a reused inode).
  await mkdir(join(dir, 'other'));
  await rename(module, join(dir, 'old'));
  await rename(join(dir, 'other'), module);
  assert.equal(stillHolds(rec.observations[0]!, {}), false, 'another directory by the same name');
  await writeFile(join(dir, 'absent'), '');
  assert.equal(stillHolds(rec.observations[1]!, {}), false, 'there now');
});
