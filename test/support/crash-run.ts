// Runs tfw (src/cli.ts `start`, as bin/tfw.js does) with one fault injected:
// once the per-run files exist, a timer throws an exception nothing catches,
// as a bug in a callback would. test/secrets.test.ts checks what is left.
import { realDeps, start } from '../../src/cli.ts';

const deps = realDeps();
const log = deps.log;
await start(process.argv.slice(2), {
  ...deps,
  log: {
    ...log,
    debug: (message) => {
      log.debug(message);
      if (message.startsWith('per-run files in')) {
        setTimeout(() => {
          throw new Error('injected fault: a callback threw');
        }, 0);
      }
    },
  },
});
