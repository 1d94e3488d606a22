// moto_server as an S3 API on loopback for the S3 backend, started and
// stopped by the test that needs it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface S3Server {
  url: string;
  createBucket(name: string): Promise<void>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export async function startMoto(binary: string): Promise<S3Server> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child: ChildProcess = spawn(binary, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
    const url = `http://127.0.0.1:${port}`;
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const stop = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(1000) });
        await res.arrayBuffer();
        return {
          url,
          async createBucket(name) {
            const r = await fetch(`${url}/${name}`, { method: 'PUT' });
            await r.arrayBuffer();
            if (!r.ok) throw new Error(`moto: create bucket ${name}: ${r.status}`);
          },
          stop,
        };
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await stop();
  }
  throw new Error('moto_server did not start');
}
