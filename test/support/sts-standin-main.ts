// The STS stand-in as a process, for the demo and end-to-end runs with real
// terraform:
//
//   node --import tsx test/support/sts-standin-main.ts FIXTURE.json
//
// FIXTURE.json: { "users": [StandInUser…], "roles": [StandInRole…],
//                 "acceptCodes"?: ["123456", …], "latencyMs"?: number }
// (without acceptCodes any 6 digits are accepted, each once per device).
// Prints one line of JSON, {"url": "http://127.0.0.1:PORT"}, when ready; stops
// on SIGTERM / SIGINT. With STS_STANDIN_LOG=1 each request is written to stderr
// as one JSON line ({action, accessKeyId, params}; no secrets), as it comes in.
import { readFile } from 'node:fs/promises';
import { startStsStandIn, type StandInRole, type StandInUser } from './sts-standin.ts';

interface Fixture {
  users: StandInUser[];
  roles: StandInRole[];
  acceptCodes?: string[];
  latencyMs?: number;
}

async function main(): Promise<number> {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: node --import tsx test/support/sts-standin-main.ts FIXTURE.json\n');
    return 2;
  }
  const fixture = JSON.parse(await readFile(file, 'utf8')) as Fixture;
  const accepted = fixture.acceptCodes ? new Set(fixture.acceptCodes) : undefined;
  const standIn = await startStsStandIn({
    users: fixture.users ?? [],
    roles: fixture.roles ?? [],
    ...(accepted ? { acceptCode: (_serial: string, code: string) => accepted.has(code) } : {}),
    ...(fixture.latencyMs !== undefined ? { latencyMs: fixture.latencyMs } : {}),
    ...(process.env.STS_STANDIN_LOG === '1'
      ? {
          fault: (request) => {
            process.stderr.write(`${JSON.stringify(request)}\n`);
            return undefined;
          },
        }
      : {}),
  });
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);
  });
  await standIn.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`sts-standin: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
