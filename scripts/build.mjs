// Bundles src/ into dist/ for bin/tfw.js, all CommonJS (dist/package.json
// says so): Node's ES module loader costs a few ms at every start.
//  - dist/cli.js: the whole pass-through path in one file (every terraform
//    command that reaches Node pays for what it loads);
//  - dist/lazy/lazy.cjs: everything else of tfw's own code (src/lazy.ts and
//    what it reaches: the reader, the plan, the cache, the run, `tfw auth`) in
//    one file, which dist/lazy/lazy.js (what cli.js requires for ./lazy.ts)
//    runs through node:vm with a V8 code cache (src/codecache.ts);
//  - dist/lazy/vendor/*.cjs: the AWS SDK clients, execa and yargs, each one
//    file, required only on the paths that use them (a cache miss,
//    `mfa_process`, `tfw auth …`): a warm run reads none of them.
// One file for all of tfw's own code past cli.js: a module in two bundles is
// two modules (its classes, its state), and a warm run loads one file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Prefer packages' ES builds: smaller, and no CommonJS interop between the AWS SDK's parts.
  mainFields: ['module', 'main'],
  sourcemap: false,
  // Whitespace and comments out, names kept (stack traces under TFW_DEBUG still name functions);
  // ASCII only (a non-ASCII character makes V8 hold the whole source as two-byte): less to read, compile and scan.
  minifyWhitespace: true,
  charset: 'ascii',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

const lazyEntry = {
  name: 'lazy-entry',
  setup(b) {
    b.onResolve({ filter: /^\.\/lazy\.ts$/ }, () => ({ path: './lazy/lazy.js', external: true }));
    b.onResolve({ filter: /^\.\/warm\.ts$/ }, () => ({ path: './lazy/warm.js', external: true }));
  },
};

// The plan memo's build id (src/memo.ts): a placeholder while bundling, then the digest of both bundles that
// plan or read a memo, written over it: another build (another planner) never reads this one's memos.
const BUILD_PLACEHOLDER = 'tfw-build-0000000000000000';

// What the lazy bundle imports dynamically from packages: one CommonJS file each, beside it.
// yargs (with cliui, string-width, emoji-regex…: a third of the bundle) serves `tfw auth` only: every
// credentialed run would read it (~10 µs per KB here) for nothing.
const VENDOR = { '@aws-sdk/client-sts': 'client-sts', '@aws-sdk/client-iam': 'client-iam', execa: 'execa', yargs: 'yargs' };
const vendor = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /^(@aws-sdk\/client-sts|@aws-sdk\/client-iam|execa|yargs)$/ }, (a) => ({ path: `./vendor/${VENDOR[a.path]}.cjs`, external: true }));
  },
};

// Stale files of earlier builds would ship and confuse the load-trace test.
rmSync('dist', { recursive: true, force: true });

// import.meta.url in a CommonJS file: its own file URL.
const metaUrl = {
  banner: { js: '"use strict"; const __tfwImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  define: { 'import.meta.url': '__tfwImportMetaUrl' },
};
// import() becomes require(): of the lazy bundle (cli.js), of a vendor file (lazy.cjs, which runs as a vm.Script, with no import()).
const noImport = { supported: { 'dynamic-import': false } };

mkdirSync('dist');
writeFileSync('dist/package.json', '{ "type": "commonjs" }\n');
const cli = await build({ ...common, ...metaUrl, ...noImport, entryPoints: { cli: 'src/cli.ts' }, outdir: 'dist', plugins: [lazyEntry] });

// A bundle src/codecache.ts runs with a code cache (dist/lazy/NAME.cjs): everything src/NAME.ts reaches but the vendors.
const cachedBundle = (name) =>
  build({
    ...common,
    ...noImport,
    entryPoints: { [name]: `src/${name}.ts` },
    outdir: 'dist/lazy',
    outExtension: { '.js': '.cjs' },
    plugins: [vendor],
    // A native binding (prebuilt per platform): loaded from node_modules, never bundled.
    external: ['@napi-rs/keyring'],
    // src/codecache.ts runs the bundle in a function with this parameter.
    define: { 'import.meta.url': '__tfwImportMetaUrl', __TFW_BUILD__: JSON.stringify(BUILD_PLACEHOLDER) },
  });
const lazy = await cachedBundle('lazy');
// The warm path (src/warm.ts): a run the plan memo serves loads this small bundle and not the lazy one.
const warm = await cachedBundle('warm');
const planner = createHash('sha256');
for (const f of ['dist/lazy/lazy.cjs', 'dist/lazy/warm.cjs']) planner.update(readFileSync(f));
const memoBuild = `tfw-build-${planner.digest('hex').slice(0, 16)}`;
// Each is written as the function src/codecache.ts runs (its CommonJS parameters, and the code cache's hook): loading it
// then makes no second copy of the source to wrap it (a copy is garbage the run's one scavenge has to sweep).
const WRAP = ['(function (exports, require, module, __filename, __dirname, __tfwImportMetaUrl, __tfwCodeCache) {', '\n})'];
for (const f of ['dist/lazy/lazy.cjs', 'dist/lazy/warm.cjs']) writeFileSync(f, WRAP[0] + readFileSync(f, 'utf8').replaceAll(BUILD_PLACEHOLDER, memoBuild) + WRAP[1]);

const { yargs: _, ...packages } = VENDOR;
const vendors = await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(packages).map(([pkg, name]) => [name, pkg])),
  outdir: 'dist/lazy/vendor',
  outExtension: { '.js': '.cjs' },
});
// yargs is an ES module whose default export is the function: the file's module.exports is that function,
// as `import yargs from 'yargs'` in the lazy bundle (Node's interop) expects. It finds its locales from import.meta.url.
const yargsVendor = await build({
  ...common,
  ...metaUrl,
  stdin: { contents: "module.exports = require('yargs').default;\n", resolveDir: '.', sourcefile: 'vendor-yargs.cjs', loader: 'js' },
  outfile: 'dist/lazy/vendor/yargs.cjs',
});

// What cli.js requires for ./lazy.ts and ./warm.ts: the names each exports, from its bundle loaded with its code cache.
async function shimFor(bundle, onlyOnceUsed) {
  const names = (await build({ entryPoints: [`src/${bundle}.ts`], bundle: false, write: false, metafile: true, format: 'esm', outdir: 'x' })).metafile.outputs[`x/${bundle}.js`].exports;
  const buildId = createHash('sha256').update(readFileSync(`dist/lazy/${bundle}.cjs`)).digest('hex').slice(0, 16);
  return build({
    ...common,
    ...metaUrl,
    stdin: {
      contents: `import { loadBundle } from './codecache.ts';\nexport const { ${names.join(', ')} } = loadBundle(new URL('./${bundle}.cjs', import.meta.url), ${JSON.stringify(buildId)}, process.env, ${JSON.stringify(bundle)}, ${onlyOnceUsed}, require);\n`,
      resolveDir: 'src',
      sourcefile: `${bundle}-shim.ts`,
      loader: 'ts',
    },
    outfile: `dist/lazy/${bundle}.js`,
  });
}
const shim = await shimFor('lazy', false);
// Its code cache is made by a run the memo served (src/codecache.ts): most runs load it only to look.
const warmShim = await shimFor('warm', true);

// Which sources went into which file: tests use it to prove what a path loads.
const outputs = Object.assign({}, ...[cli, lazy, warm, vendors, yargsVendor, shim, warmShim].map((r) => r.metafile.outputs));
writeFileSync('dist/meta.json', JSON.stringify({ outputs }));
