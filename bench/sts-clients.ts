// One STS client per call (src/aws/sts.ts) against one shared client carrying
// each call's credentials in an AsyncLocalStorage (the design before issue
// 17's "no hidden state"): what a call costs in-process, SDK already loaded,
// against the loopback stand-in.
//   node --import tsx bench/sts-clients.ts [OLD_MODULE] [--rounds=N]
// OLD_MODULE: the former sts.ts (git show f95bb07:src/aws/sts.ts, with `redact`
// imported as `redactForms`), saved inside src/aws/ so its imports resolve.
import { performance } from 'node:perf_hooks';
import { startStsStandIn } from '../test/support/sts-standin.ts';
import { median } from './lib.ts';

const ALICE = { userName: 'alice', account: '111111111111', accessKeyId: 'AKIABENCHEXAMPLE0001', secretAccessKey: 'alice/bench/secret/0001', mfaSerial: 'arn:aws:iam::111111111111:mfa/alice' };
const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.split('=')[1] ?? 25);
const oldModule = process.argv.slice(2).find((a) => !a.startsWith('--'));

type Create = (env: Record<string, string>) => import('../src/aws/sts.ts').StsApi;
const variants: Array<[string, Create]> = [['per call', (await import('../src/aws/sts.ts')).createStsApi]];
if (oldModule) variants.push(['shared + ALS', (await import(oldModule)).createStsApi]);

const sts = await startStsStandIn({ users: [ALICE], roles: [] });
const env = { AWS_ENDPOINT_URL_STS: sts.url };
let codes = 0;
const times = new Map<string, { first: number[]; next: number[] }>(variants.map(([n]) => [n, { first: [], next: [] }]));
for (let round = -3; round < ROUNDS; round++) {
  for (const [name, create] of round % 2 ? variants : [...variants].reverse()) {
    const api = create(env);
    let t = performance.now();
    const session = await api.getSessionToken({ keys: ALICE, serial: ALICE.mfaSerial, code: String(100000 + ++codes), durationSeconds: 3600, region: 'us-east-1' });
    const first = performance.now() - t;
    t = performance.now();
    for (let i = 0; i < 3; i++) await api.getCallerIdentity({ credentials: session, region: 'us-east-1' });
    const next = (performance.now() - t) / 3;
    if (round >= 0) {
      times.get(name)!.first.push(first);
      times.get(name)!.next.push(next);
    }
  }
}
await sts.stop();
for (const [name, t] of times) {
  console.log(`${name}: first call (GetSessionToken, new API) ${median(t.first).toFixed(2)} ms; each next call (GetCallerIdentity) ${median(t.next).toFixed(2)} ms (median of ${ROUNDS})`);
}
