// Connections, credentials and the server's answers: every way the way to the API server can go wrong ends in
// one line naming the problem and the fix, with a documented exit code, and nothing waits forever. The odd
// servers are started here, in the test: they need no cluster, so this file runs the same against a real one.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LEASECTL_BIN, run, type RunOptions } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'leasectl-transport-'));
const servers: Server[] = [];
const sockets = new Set<Socket>();

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(dir, { recursive: true, force: true });
});

async function listening(server: Server): Promise<number> {
  servers.push(server);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

let kubeconfigs = 0;

/** A kubeconfig with one cluster and one user, as given. */
function kubeconfig(cluster: Record<string, unknown>, user: Record<string, unknown> = {}): string {
  const path = join(dir, `kubeconfig-${++kubeconfigs}`);
  writeFileSync(
    path,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': 'odd',
      clusters: [{ name: 'odd', cluster }],
      users: [{ name: 'someone', user }],
      contexts: [{ name: 'odd', context: { cluster: 'odd', user: 'someone', namespace: 'default' } }],
    }),
  );
  return path;
}

/** An HTTP server answering every request with `answer`; returns a kubeconfig for it and the requests it saw. */
async function answering(answer: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ kubeconfig: string; requests: string[] }> {
  const requests: string[] = [];
  const port = await listening(
    createHttpServer((request, response) => {
      requests.push(request.url ?? '');
      answer(request, response);
    }),
  );
  return { kubeconfig: kubeconfig({ server: `http://127.0.0.1:${port}` }, { token: 't' }), requests };
}

function reply(status: number, contentType: string, body: string) {
  return (_: IncomingMessage, response: ServerResponse) => response.writeHead(status, { 'Content-Type': contentType }).end(body);
}

/** A TLS server with a self-signed certificate for 127.0.0.1, valid from `notBefore`. */
async function tlsServer(notBefore = new Date(Date.now() - 3600_000)): Promise<{ port: number; certPem: string }> {
  const pems = await generate([{ name: 'commonName', value: 'odd-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: new Date(notBefore.getTime() + 30 * 24 * 3600_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const port = await listening(createHttpsServer({ cert: pems.cert, key: pems.private }, (_, response) => response.end('{}')));
  return { port, certPem: pems.cert };
}

const leasectl = (args: string[], options: RunOptions & { kubeconfig: string }) => run(LEASECTL_BIN, args, options);

function expectOneLine(stderr: string): void {
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/^\s+at /m);
}

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('credentials that cannot be used', () => {
  it('a missing tokenFile is named with the user and the fix, not as ENOENT', async () => {
    const missing = join(dir, 'no-such-token');
    const config = kubeconfig({ server: 'https://127.0.0.1:1' }, { tokenFile: missing });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: unable to read tokenFile ${missing} for user "someone" in ${config} due to open ${missing}: no such file or directory; fix the path or remove tokenFile\n`,
    });
  });

  it('garbage client-certificate-data is named with Go\'s wording and the fix, not as an OpenSSL code', async () => {
    const { private: key } = await generate([{ name: 'commonName', value: 'x' }], { keyType: 'ec', curve: 'P-256' });
    const config = kubeconfig({ server: 'https://127.0.0.1:1' }, { 'client-certificate-data': base64('not a certificate'), 'client-key-data': base64(key) });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: client-certificate-data of user "someone" in ${config} is not usable: tls: failed to find any PEM data in certificate input; it must be the base64 of a PEM certificate (base64 -w0 < file)\n`,
    });
    expect(result.stderr).not.toMatch(/error:[0-9A-F]{8}/);
  });

  it('a client key that does not belong to the certificate, and a certificate without a key, are named', async () => {
    const mine = await generate([{ name: 'commonName', value: 'mine' }], { keyType: 'ec', curve: 'P-256' });
    const other = await generate([{ name: 'commonName', value: 'other' }], { keyType: 'ec', curve: 'P-256' });
    const mismatched = kubeconfig({ server: 'https://127.0.0.1:1' }, { 'client-certificate-data': base64(mine.cert), 'client-key-data': base64(other.private) });
    const mismatch = await leasectl(['list'], { kubeconfig: mismatched });
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toBe(
      `error: client-key-data of user "someone" in ${mismatched} is not usable: tls: private key does not match public key; use the key that belongs to client-certificate-data\n`,
    );
    const keyless = kubeconfig({ server: 'https://127.0.0.1:1' }, { 'client-certificate-data': base64(mine.cert) });
    const noKey = await leasectl(['list'], { kubeconfig: keyless });
    expect(noKey).toMatchObject({
      code: 1,
      stderr: `error: client-key-data or client-key must be specified for user "someone" in ${keyless} to use the clientCert authentication method\n`,
    });
  });

  it('certificate-authority-data that is not a PEM certificate is named before any connection', async () => {
    const config = kubeconfig({ server: 'https://127.0.0.1:1', 'certificate-authority-data': base64('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n') });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: certificate-authority-data of cluster "odd" in ${config} is not usable: unable to load root certificates: unable to parse bytes as PEM block; it must be the base64 of a PEM certificate (base64 -w0 < file)\n`,
    });
  });
});

describe('--chunk-size', () => {
  const emptyList = '{"kind":"LeaseList","apiVersion":"coordination.k8s.io/v1","metadata":{"resourceVersion":"1"},"items":[]}';

  it('0 turns chunking off (no limit is sent), as in kubectl; a size is sent as the limit', async () => {
    const server = await answering(reply(200, 'application/json', emptyList));
    expect((await leasectl(['list', '--chunk-size', '0'], { kubeconfig: server.kubeconfig })).code).toBe(0);
    expect((await leasectl(['list', '--chunk-size', '7'], { kubeconfig: server.kubeconfig })).code).toBe(0);
    expect(server.requests).toEqual(['/apis/coordination.k8s.io/v1/namespaces/default/leases', '/apis/coordination.k8s.io/v1/namespaces/default/leases?limit=7']);
  });

  it('negative and absurd chunk sizes are refused with the range, exit 2, before any request', async () => {
    const server = await answering(reply(200, 'application/json', emptyList));
    for (const size of ['-1', '1000001', '99999999999999999999']) {
      const result = await leasectl(['list', '--chunk-size', size], { kubeconfig: server.kubeconfig });
      expect(result.code, size).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(
        `error: option '--chunk-size <n>' argument '${size}' is invalid. expected a whole number from 0 (no chunking: all at once) to 1000000, got "${size}"`,
      );
    }
    expect(server.requests).toEqual([]);
  });
});
