// A real Secret Service for tests: a private D-Bus session bus
// (dbus-run-session) with GNOME Keyring's secrets component, its login
// keyring created and unlocked with a throw-away password fed on stdin (an
// empty one would make gnome-keyring ask a GUI prompter, which cannot run
// here). Debian: `apt-get install gnome-keyring libsecret-tools dbus` (.ci/run
// does it). Where any piece is missing, `reason` says what, and the tests skip.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from './harness.ts';

export interface SecretService {
  /** The bus address to hand to tfw (DBUS_SESSION_BUS_ADDRESS). */
  address: string;
  stop(): Promise<void>;
}

/** Why no Secret Service can be started here, or undefined. */
export function secretServiceMissing(): string | undefined {
  for (const tool of ['dbus-run-session', 'gnome-keyring-daemon']) {
    if (!which(tool)) return `${tool} is not installed (apt-get install gnome-keyring libsecret-tools dbus)`;
  }
  return undefined;
}

const SCRIPT = `printf 'tfw-test-keyring' | gnome-keyring-daemon --unlock --components=secrets >/dev/null || exit 3
echo "READY $DBUS_SESSION_BUS_ADDRESS"
exec cat`;

/** Starts a private bus with an unlocked Secret Service; `stop` ends both (closing the bus's stdin ends the session). */
export async function startSecretService(): Promise<SecretService> {
  const home = await mkdtemp(join(tmpdir(), 'tfw-keyring-home-'));
  const child: ChildProcess = spawn('dbus-run-session', ['--', 'sh', '-c', SCRIPT], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, LANG: 'C' },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Secret Service did not start within 20 s: ${stderr.trim()}`)), 20_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /READY (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Secret Service exited (${code}): ${stderr.trim()}`));
    });
  });
  return {
    address,
    async stop() {
      // Closing stdin ends `cat`, so dbus-run-session ends the bus, and the keyring daemon with it.
      const exited = child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
      child.stdin!.end();
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL'); // the group this helper started
        } catch {
          // already gone
        }
      }, 10_000);
      await exited;
      clearTimeout(timer);
      await rm(home, { recursive: true, force: true });
    },
  };
}
