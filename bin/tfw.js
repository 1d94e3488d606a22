#!/usr/bin/env node
// Thin: loads the bundle, nothing else (see scripts/build.mjs). CommonJS, as
// the bundle is (bin/package.json): Node's ES module loader costs a few ms at
// every start.
'use strict';
let cli;
try {
  cli = require('../dist/cli.js');
} catch (error) {
  // A checkout without a build (npm ci / npm link build it): one line, not a stack trace.
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('dist/cli.js')) throw error;
  process.stderr.write('tfw: the build in dist/ is missing: run `npm run build` in the tfw checkout\n');
  process.exit(1);
}
cli.start();
