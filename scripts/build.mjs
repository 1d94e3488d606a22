// Bundles src/ into dist/ for bin/tfw.js, in two builds:
//  - dist/cli.js: the whole pass-through path in one file (every terraform
//    command pays for what it loads; each extra chunk costs a few ms);
//  - dist/lazy/: everything else (src/lazy.ts), split so the HCL reader, the
//    AWS SDK and yargs load only on the paths that need them.
// cli.ts reaches the second through `import('./lazy.ts')`, rewritten here.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Prefer packages' ES builds: smaller chunks, and no CommonJS interop between the AWS SDK's parts.
  mainFields: ['module', 'main'],
  sourcemap: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

const lazyEntry = {
  name: 'lazy-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/lazy\.ts$/ }, () => ({ path: './lazy/lazy.js', external: true }));
  },
};

// Stale chunks of earlier builds would ship and confuse the load-trace test.
rmSync('dist', { recursive: true, force: true });

const cli = await build({ ...common, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', plugins: [lazyEntry] });
const lazy = await build({
  ...common,
  entryPoints: { lazy: 'src/lazy.ts' },
  outdir: 'dist/lazy',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  // A native binding (prebuilt per platform): loaded from node_modules, never bundled.
  external: ['@napi-rs/keyring'],
  // CommonJS dependencies (shell-quote) call require() for node builtins.
  banner: { js: "import { createRequire as __tfwCreateRequire } from 'node:module'; const require = __tfwCreateRequire(import.meta.url);" },
});

// Which sources went into which file: tests use it to prove what a path loads.
writeFileSync('dist/meta.json', JSON.stringify({ outputs: { ...cli.metafile.outputs, ...lazy.metafile.outputs } }));
