// The warm credentialed path with the sessions in the OS keyring beside the
// file cache (issue 17): `tfw plan` with 4 MFA providers and the fake
// terraform, a cached session in each backend, timed in one interleaved loop.
// The keyring is a real Secret Service (GNOME Keyring on a private D-Bus
// session, test/support/secret-service.ts); without one, says why and skips.
//
//   node --import tsx bench/keyring.ts [--runs=21] [--warmup=3]
// Also called by bench/run.ts (`npm run bench`), which puts the row in docs/performance.md.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { FAKE_TERRAFORM_DIR, TFW_BIN } from '../test/support/harness.ts';
import { secretServiceMissing, startSecretService } from '../test/support/secret-service.ts';
import { interleave, median, ms, timeOnce, type Cmd } from './lib.ts';
import { mfaSetup } from './scenarios.ts';

export interface KeyringBench {
  /** Medians in ms, or why the keyring could not be timed. */
  file?: number;
  keyring?: number;
  floor?: number;
  skipped?: string;
  note: string;
}

export async function benchKeyring(runs: number, warmup: number): Promise<KeyringBench> {
  const missing = secretServiceMissing();
  if (missing) return { skipped: missing, note: `keyring backend not timed: ${missing}` };
  let service;
  try {
    service = await startSecretService();
  } catch (error) {
    return { skipped: (error as Error).message, note: `keyring backend not timed: ${(error as Error).message}` };
  }
  const s = await mfaSetup(4);
  try {
    const env = s.b.env({ AWS_ENDPOINT_URL_STS: s.sts.url, TFW_TERRAFORM: join(FAKE_TERRAFORM_DIR, 'terraform'), DBUS_SESSION_BUS_ADDRESS: service.address });
    const tfw = (backend: string): Cmd => ({ file: process.execPath, args: [TFW_BIN, 'plan'], cwd: s.dir, env: { ...env, TFW_CACHE_BACKEND: backend } });
    for (const [backend, code] of [['file', '123456'], ['keyring', '234567']] as const) {
      const warm = await timeOnce({ ...tfw(backend), env: { ...tfw(backend).env, TFW_MFA_CODE: code } });
      if (warm.code !== 0) throw new Error(`warming the ${backend} backend failed (exit ${warm.code}): ${warm.stderr}`);
    }
    const calls = s.sts.calls.GetSessionToken;
    process.stderr.write(`bench: warm credentialed path, keyring vs file: ${runs} runs each…\n`);
    const times = await interleave(
      [
        { name: 'floor', cmd: () => ({ file: process.execPath, args: ['-e', ''], env }) },
        { name: 'file', cmd: () => tfw('file') },
        { name: 'keyring', cmd: () => tfw('keyring') },
      ],
      { runs, warmup },
    );
    if (s.sts.calls.GetSessionToken !== calls) throw new Error('a timed run asked STS for a session: the cache was not used');
    const m = Object.fromEntries([...times].map(([k, v]) => [k, median(v)]));
    return {
      file: m.file!,
      keyring: m.keyring!,
      floor: m.floor!,
      note: `warm credentialed path by session backend (4 MFA providers, fake terraform, median of ${runs}): file ${ms(m.file!)}, keyring (Secret Service) ${ms(m.keyring!)} (${m.keyring! >= m.file! ? '+' : ''}${ms(m.keyring! - m.file!)}), node floor ${ms(m.floor!)}`,
    };
  } finally {
    await s.cleanup();
    await service.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const flag = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const r = await benchKeyring(Number(flag('runs') ?? 21), Number(flag('warmup') ?? 3));
  console.log(r.note);
}
