// Bundles src/ into dist/ for bin/tfw.js: one file for the pass-through path,
// lazily loaded chunks for the HCL reader, the AWS SDK, prompts and yargs
// (module resolution of unbundled packages costs ~200 ms on a small machine).
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Stale chunks of earlier builds would ship and confuse the load-trace test.
rmSync('dist', { recursive: true, force: true });

const result = await build({
  metafile: true,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  // Prefer packages' ES builds: smaller chunks, and no CommonJS interop between the AWS SDK's parts.
  mainFields: ['module', 'main'],
  target: 'node20',
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS dependencies (prompts, proper-lockfile) call require() for node builtins.
  banner: { js: "import { createRequire as __tfwCreateRequire } from 'node:module'; const require = __tfwCreateRequire(import.meta.url);" },
});

// Which sources went into which chunk: tests use it to prove what a path loads.
writeFileSync('dist/meta.json', JSON.stringify(result.metafile));
