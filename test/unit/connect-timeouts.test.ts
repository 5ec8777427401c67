// The dial timeout of HttpTransport, against a listener whose accept queue is full: the kernel then drops our SYN,
// and the connection hangs in the dial as it does towards a blackholed address.
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeTransportError } from '../../src/kube/errors.js';
import { HttpTransport } from '../../src/kube/http.js';

let listener: ChildProcess;
let port: number;
const fillers: Socket[] = [];

beforeAll(async () => {
  // Listens with a backlog of one, then blocks its event loop so that it never accepts.
  listener = spawn(
    process.execPath,
    [
      '-e',
      `const server = require('node:net').createServer();
       server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
         process.stdout.write(server.address().port + '\\n');
         setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0), 50);
       });`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  port = await new Promise<number>((resolve) => listener.stdout!.once('data', (data) => resolve(Number(String(data).trim()))));
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (let i = 0; i < 4; i++) fillers.push(connect(port, '127.0.0.1').on('error', () => undefined));
});

afterAll(() => {
  for (const socket of fillers) socket.destroy();
  listener?.kill('SIGKILL');
});

describe('HttpTransport connection set-up', () => {
  it("gives up on a dial that does not complete, in kubectl's words (dial tcp HOST:PORT: i/o timeout)", async () => {
    const transport = new HttpTransport({
      server: `https://127.0.0.1:${port}`,
      credentials: { tls: { rejectUnauthorized: true }, headers: async () => ({}) },
      userAgent: 'test',
      connectTimeouts: { dialMs: 300, tlsHandshakeMs: 10_000 },
    });
    try {
      const failure = await transport.request({ method: 'GET', path: '/version' }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(KubeTransportError);
      expect((failure as Error).message).toBe(`Unable to connect to the server: dial tcp 127.0.0.1:${port}: i/o timeout`);
    } finally {
      transport.close();
    }
  });
});
