// `node --import ./test/support/trace-loads.mjs …`: records every ES module
// the process loads, with a marker for the heavy ones, in $TFW_TRACE_FILE.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url, { data: { file: process.env.TFW_TRACE_FILE } });
