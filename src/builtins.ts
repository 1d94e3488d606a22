// Node built-ins that take milliseconds to load and that a warm run never
// calls: loaded on first use, not at start-up. Measured on the development
// machine (Node 22, first require in a process): node:crypto ~3.5 ms,
// node:fs/promises ~1.9 ms — against a budget of a few ms for all of tfw's
// own work on the warm path (docs/startup.md).
import type * as Crypto from 'node:crypto';
import type * as FsPromises from 'node:fs/promises';

export const crypto = (): typeof Crypto => process.getBuiltinModule('node:crypto');
export const fsp = (): typeof FsPromises => process.getBuiltinModule('node:fs/promises');
