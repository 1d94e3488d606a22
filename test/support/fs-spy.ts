// Records the calls that create files and directories (writeFile, mkdir,
// mkdtemp of node:fs/promises, and their *Sync forms in node:fs) made by the code under test, with the modes
// they asked for: "created with mode X" is a property of the creating call,
// which a final stat cannot show (a file created 0644, then chmod-ed, ends
// 0600 too). Restored after the test.
import { createRequire, syncBuiltinESMExports } from 'node:module';

export interface Creation {
  call: 'writeFile' | 'mkdir' | 'mkdtemp';
  path: string;
  mode?: number;
  flag?: string;
}

type Fsp = typeof import('node:fs/promises');
type Fs = typeof import('node:fs');

export function recordCreations(t: { after(fn: () => void): void }): Creation[] {
  const fsp = createRequire(import.meta.url)('node:fs/promises') as Fsp;
  const original = { writeFile: fsp.writeFile, mkdir: fsp.mkdir, mkdtemp: fsp.mkdtemp };
  const creations: Creation[] = [];
  const opts = (o: unknown): { mode?: number; flag?: string } => (typeof o === 'object' && o !== null ? (o as { mode?: number; flag?: string }) : {});
  fsp.writeFile = (async (path: Parameters<Fsp['writeFile']>[0], data: Parameters<Fsp['writeFile']>[1], options?: Parameters<Fsp['writeFile']>[2]) => {
    const { mode, flag } = opts(options);
    creations.push({ call: 'writeFile', path: String(path), ...(mode !== undefined ? { mode } : {}), ...(flag !== undefined ? { flag } : {}) });
    return original.writeFile(path, data, options);
  }) as Fsp['writeFile'];
  fsp.mkdir = (async (path: Parameters<Fsp['mkdir']>[0], options?: Parameters<Fsp['mkdir']>[1]) => {
    const { mode } = opts(options);
    creations.push({ call: 'mkdir', path: String(path), ...(mode !== undefined ? { mode } : {}) });
    return original.mkdir(path, options);
  }) as Fsp['mkdir'];
  fsp.mkdtemp = (async (prefix: string, options?: Parameters<Fsp['mkdtemp']>[1]) => {
    const path = await original.mkdtemp(prefix, options);
    // mkdtemp always creates 0700 (mkdtemp(3)).
    creations.push({ call: 'mkdtemp', path: String(path), mode: 0o700 });
    return path;
  }) as Fsp['mkdtemp'];
  const fs = createRequire(import.meta.url)('node:fs') as Fs;
  const originalSync = { writeFileSync: fs.writeFileSync, mkdirSync: fs.mkdirSync, mkdtempSync: fs.mkdtempSync };
  fs.writeFileSync = ((path: Parameters<Fs['writeFileSync']>[0], data: Parameters<Fs['writeFileSync']>[1], options?: Parameters<Fs['writeFileSync']>[2]) => {
    const { mode, flag } = opts(options);
    creations.push({ call: 'writeFile', path: String(path), ...(mode !== undefined ? { mode } : {}), ...(flag !== undefined ? { flag } : {}) });
    return originalSync.writeFileSync(path, data, options);
  }) as Fs['writeFileSync'];
  fs.mkdirSync = ((path: Parameters<Fs['mkdirSync']>[0], options?: Parameters<Fs['mkdirSync']>[1]) => {
    const { mode } = opts(options);
    creations.push({ call: 'mkdir', path: String(path), ...(mode !== undefined ? { mode } : {}) });
    return originalSync.mkdirSync(path, options);
  }) as Fs['mkdirSync'];
  fs.mkdtempSync = ((prefix: string, options?: Parameters<Fs['mkdtempSync']>[1]) => {
    const path = originalSync.mkdtempSync(prefix, options);
    creations.push({ call: 'mkdtemp', path: String(path), mode: 0o700 });
    return path;
  }) as Fs['mkdtempSync'];
  syncBuiltinESMExports();
  t.after(() => {
    Object.assign(fsp, original);
    Object.assign(fs, originalSync);
    syncBuiltinESMExports();
  });
  return creations;
}
