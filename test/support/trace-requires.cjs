// `node --require ./test/support/trace-requires.cjs …`: at exit, appends every
// CommonJS file the process required (the vendor bundles, native bindings) to
// $TFW_TRACE_FILE, beside trace-loads.mjs's ES modules.
const { appendFileSync } = require('node:fs');

process.on('exit', () => {
  const file = process.env.TFW_TRACE_FILE;
  if (file) appendFileSync(file, Object.keys(require.cache).map((p) => `${p}\n`).join(''));
});
