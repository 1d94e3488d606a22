// What `npm pack` ships: the launcher and the bundle, and no dependency the
// bundle already carries (`npm install -g ./tfw-*.tgz` installs only what it
// cannot: the keyring's native module). .ci/run installs the tarball for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from './support/harness.ts';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  dependencies?: Record<string, string>;
  engines: { node: string };
};

// Loaded inside try/catch by the AWS SDK, for features tfw does not use (SigV4a, the CRT signer).
const OPTIONAL = new Set(['@aws-sdk/signature-v4-crt', '@aws-sdk/signature-v4a']);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

test('the bundle imports nothing but Node built-ins and the package\'s own dependencies', () => {
  const bare = new Set<string>();
  for (const file of files(join(ROOT, 'dist')).filter((f) => f.endsWith('.js') || f.endsWith('.cjs'))) {
    const text = readFileSync(file, 'utf8');
    // A module name: no quote, newline or space inside (a string spanning two quotes is not one).
    // createRequire(import.meta.url)(…) loads from node_modules at run time too (the keyring, re2js); in lazy.cjs, `(0, m.createRequire)(__tfwImportMetaUrl)(…)`.
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\(\s*|\brequire\(\s*|\bcreateRequire\w*\)?\((?:import\.meta\.url|__tfwImportMetaUrl)\)\(\s*)(["'])([^"'./\s][^"'\s]*)\1/g)) bare.add(m[2]!);
  }
  const builtins = new Set(builtinModules);
  const name = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  const outside = [...bare].filter((s) => !s.startsWith('node:') && !builtins.has(s) && !OPTIONAL.has(s)).map(name);
  assert.deepEqual([...new Set(outside)].sort(), Object.keys(pkg.dependencies ?? {}).sort(), 'dependencies = what the bundle leaves external');
});

test('npm pack ships the launcher, Node\'s entry and the bundle; `tfw` is the launcher', () => {
  assert.equal(pkg.bin.tfw, 'bin/tfw');
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error) return assert.fail(`npm pack: ${r.error.message}`);
  const listed = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string; mode: number }> }>)[0]!.files;
  const paths = listed.map((f) => f.path);
  for (const p of ['bin/tfw', 'bin/tfw.js', 'dist/cli.js', 'dist/lazy/lazy.js', 'dist/lazy/lazy.cjs', 'dist/lazy/vendor/client-sts.cjs']) assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  assert.ok((listed.find((f) => f.path === 'bin/tfw')!.mode & 0o111) !== 0, 'bin/tfw is executable');
  assert.ok(!paths.some((p) => relative('src', p) === p.slice(4) && p.startsWith('src/')), 'no sources shipped');
});

test('engines names the supported Node lines, 22 and 24', () => {
  assert.equal(pkg.engines.node, '^22.12.0 || >=24');
});
