#!/usr/bin/env node
// Thin: loads the bundle, nothing else (see scripts/build.mjs).
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (error) {
  // A checkout without a build (npm ci / npm link build it): one line, not a stack trace.
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('tfw: the build in dist/ is missing: run `npm run build` in the tfw checkout\n');
  process.exit(1);
}
await cli.start();
