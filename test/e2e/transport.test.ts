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

describe('a server that never answers', () => {
  it("a listener that accepts but never speaks TLS ends in kubectl's TLS handshake timeout, exit 1", async () => {
    const port = await listening(createTcpServer(() => undefined));
    const result = await leasectl(['list'], { kubeconfig: kubeconfig({ server: `https://127.0.0.1:${port}` }), timeoutMs: 25_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Unable to connect to the server: net\/http: TLS handshake timeout \(127\.0\.0\.1:\d+ accepted the connection/);
    expectOneLine(result.stderr);
  });

  it("--request-timeout still bounds the whole request when it is shorter than the handshake timeout", async () => {
    const port = await listening(createTcpServer(() => undefined));
    const result = await leasectl(['list', '--request-timeout', '1s'], { kubeconfig: kubeconfig({ server: `https://127.0.0.1:${port}` }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Unable to connect to the server: net\/http: request canceled \(Client\.Timeout exceeded while awaiting headers\)/);
    expectOneLine(result.stderr);
  });

  it("hold gives up on a server that never answers when --wait runs out, not a request timeout later", async () => {
    const port = await listening(createTcpServer(() => undefined));
    const config = kubeconfig({ server: `https://127.0.0.1:${port}` }, { token: 't' });
    const result = await leasectl(['hold', '--wait', '3s', 'never-answered', '--', 'true'], { kubeconfig: config, timeoutMs: 15_000 });
    expect(result.code).toBe(125);
    // The read was bounded by what was left of --wait (3s, less the few ms from its start to the read), not by the
    // attempt timeout (5s for the default renew deadline).
    const [, boundMs] = /^no answer from the API server within (\d+) ms\n$/.exec(result.stderr) ?? [];
    expect(Number(boundMs)).toBeGreaterThan(2_500);
    expect(Number(boundMs)).toBeLessThanOrEqual(3_000);
  });

  it("hold keeps retrying a server that never answers and says so in its events until --wait runs out", async () => {
    const port = await listening(createTcpServer(() => undefined));
    const config = kubeconfig({ server: `https://127.0.0.1:${port}` }, { token: 't' });
    const result = await leasectl(['hold', '--wait', '8s', '--events', 'json', 'never-answered', '--', 'true'], { kubeconfig: config, timeoutMs: 20_000 });
    expect(result.code).toBe(125);
    const events = result.stderr
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { event: string; error?: string });
    expect(events.filter((event) => event.event === 'api_error').map((event) => event.error)).toEqual(['no answer from the API server within 5000 ms']);
  });
});

describe('certificates that do not verify', () => {
  it("a kubeconfig CA that did not sign the server's certificate fails verification, exit 1; the server's own CA verifies", async () => {
    // The path on which Node's default CA list is emptied at start-up (src/kube/http.ts): only the named CA counts.
    const { port, certPem } = await tlsServer();
    const other = await generate([{ name: 'commonName', value: 'some-other-ca' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    const wrongCa = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority-data': base64(other.cert) }, { token: 't' });
    const wrong = await leasectl(['list'], { kubeconfig: wrongCa });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('x509: certificate signed by unknown authority');
    expectOneLine(wrong.stderr);
    const rightCa = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority-data': base64(certPem) }, { token: 't' });
    const right = await leasectl(['list'], { kubeconfig: rightCa });
    expect(right.stderr).not.toContain('x509');
  });

  it("hold exits 125 at once on a certificate signed by an unknown authority, rather than retrying it", async () => {
    const { port } = await tlsServer();
    const config = kubeconfig({ server: `https://127.0.0.1:${port}` }, { token: 't' });
    const result = await leasectl(['hold', 'tls-unknown-ca', '--', 'true'], { kubeconfig: config, timeoutMs: 15_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/x509: certificate signed by unknown authority \(check certificate-authority-data in the kubeconfig, or use --insecure-skip-tls-verify\)\n$/);
    expectOneLine(result.stderr);
  });

  it("a server certificate that is not valid yet names this machine's clock; list exits 1, hold 125 at once", async () => {
    const { port, certPem } = await tlsServer(new Date(Date.now() + 2 * 24 * 3600_000));
    const config = kubeconfig({ server: `https://127.0.0.1:${port}`, 'certificate-authority-data': base64(certPem) }, { token: 't' });
    const list = await leasectl(['list'], { kubeconfig: config });
    expect(list).toMatchObject({
      code: 1,
      stderr:
        "Unable to connect to the server: tls: failed to verify certificate: x509: certificate has expired or is not yet valid (the server's certificate is not valid yet: check this machine's clock)\n",
    });
    const hold = await leasectl(['hold', 'tls-not-yet-valid', '--', 'true'], { kubeconfig: config, timeoutMs: 15_000 });
    expect(hold.signal).toBeNull();
    expect(hold.code).toBe(125);
    expect(hold.stderr).toContain('x509: certificate has expired or is not yet valid');
    expectOneLine(hold.stderr);
  });
});

describe("answers that are not the Kubernetes API's", () => {
  it(`a bare 431 (text/plain, no Status) is kubectl's "status code 431 but did not return more information", with the fix`, async () => {
    const server = await answering(reply(431, 'text/plain; charset=utf-8', '431 Request Header Fields Too Large'));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'Error from server: the server responded with the status code 431 but did not return more information (the request line or its headers were too long: shorten the --selector or --field-selector)\n',
    });
  });

  it(`a 500 Status without a reason is "Error from server: <message>", as kubectl prints it`, async () => {
    // Recording 099: the apiserver's answer to a 2 MiB holderIdentity.
    const body =
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"rpc error: code = ResourceExhausted desc = trying to send message larger than max (2097391 vs. 2097152)","code":500}\n';
    const server = await answering(reply(500, 'application/json', body));
    const result = await leasectl(['inspect', 'big'], { kubeconfig: server.kubeconfig });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'Error from server: rpc error: code = ResourceExhausted desc = trying to send message larger than max (2097391 vs. 2097152)\n',
    });
  });

  it("a proxy's HTML error page is named by its title, not dumped on the terminal", async () => {
    const page = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1>\n<p>upstream down</p></body></html>\n';
    const server = await answering(reply(502, 'text/html', page));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result).toMatchObject({
      code: 1,
      stderr: 'Error from server (InternalError): an error on the server ("an HTML page: 502 Bad Gateway") has prevented the request from succeeding\n',
    });
  });

  it("an HTML page with status 200 (a login portal) names what came back and the server URL to check, exit 1", async () => {
    const server = await answering(reply(200, 'text/html; charset=utf-8', '<html><body>Please sign in</body></html>'));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: the server answered GET \/apis\/coordination\.k8s\.io\/v1\/namespaces\/default\/leases with text\/html, not a Kubernetes API object: check that the kubeconfig's server URL \(http:\/\/127\.0\.0\.1:\d+\) is the Kubernetes API server, not a proxy or a web page\n$/,
    );
    expect(result.stderr).not.toContain('Unexpected token');
  });

  it("hold exits 125 at once when the answer is not an API object, rather than retrying it", async () => {
    const server = await answering(reply(200, 'text/html', '<html>sign in</html>'));
    const result = await leasectl(['hold', 'behind-a-portal', '--', 'true'], { kubeconfig: server.kubeconfig, timeoutMs: 15_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(125);
    expect(result.stderr).toMatch(/^error: the server answered GET \S+ with text\/html, not a Kubernetes API object/);
    expectOneLine(result.stderr);
  });

  it(`a bare 401 (no Status body) is kubectl's "You must be logged in" with client-go's wording`, async () => {
    const server = await answering(reply(401, 'text/plain', ''));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result).toMatchObject({ code: 1, stderr: 'error: You must be logged in to the server (the server has asked for the client to provide credentials)\n' });
  });

  it("a 200 whose JSON is cut off names the request and the content type, not a JSON parser position", async () => {
    const server = await answering(reply(200, 'application/json', '{"kind":"LeaseList","items":[{"metadata":'));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: the server answered GET \S+ with malformed JSON \(application\/json\), not a Kubernetes API object/);
    expect(result.stderr).not.toMatch(/Unexpected end of JSON|position \d+/);
    expectOneLine(result.stderr);
  });

  it("a list whose items are not leases names the item and what it lacks, exit 1", async () => {
    const list = { kind: 'LeaseList', apiVersion: 'coordination.k8s.io/v1', metadata: {}, items: [{ metadata: { name: 'fine' } }, { spec: {} }] };
    const server = await answering(reply(200, 'application/json', JSON.stringify(list)));
    const result = await leasectl(['list'], { kubeconfig: server.kubeconfig });
    expect(result).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        "error: the server's answer to GET /apis/coordination.k8s.io/v1/namespaces/default/leases is not a lease list as the Kubernetes API sends it: items[1] has no metadata (is a proxy, or a server that is not a kube-apiserver, in the way?)\n",
    });
  });

  it("a lease without a name, or items that are not a list, are refused the same way", async () => {
    const nameless = await answering(reply(200, 'application/json', '{"kind":"Lease","metadata":{},"spec":{}}'));
    const inspect = await leasectl(['inspect', 'x'], { kubeconfig: nameless.kubeconfig });
    expect(inspect.code).toBe(1);
    expect(inspect.stderr).toMatch(/^error: the server's answer to GET \/apis\/coordination\.k8s\.io\/v1\/namespaces\/default\/leases\/x is not a Lease as the Kubernetes API sends it: the object has no metadata\.name/);
    const notAList = await answering(reply(200, 'application/json', '{"kind":"LeaseList","metadata":{},"items":{"a":1}}'));
    const list = await leasectl(['list'], { kubeconfig: notAList.kubeconfig });
    expect(list.code).toBe(1);
    expect(list.stderr).toMatch(/is not a lease list as the Kubernetes API sends it: its items are not a list/);
    expect(list.stderr + inspect.stderr).not.toMatch(/Cannot read properties/);
  });
});

describe('credentials that cannot be used', () => {
  it("a missing tokenFile is named with the user and the fix, not as ENOENT", async () => {
    const missing = join(dir, 'no-such-token');
    const config = kubeconfig({ server: 'https://127.0.0.1:1' }, { tokenFile: missing });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: unable to read tokenFile ${missing} for user "someone" in ${config} due to open ${missing}: no such file or directory; fix the path or remove tokenFile\n`,
    });
  });

  it("a client-certificate file that cannot be read is named in clientcmd's words", async () => {
    const missing = join(dir, 'no-such-client.crt');
    const config = kubeconfig({ server: 'https://127.0.0.1:1' }, { 'client-certificate': missing, 'client-key': missing });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: unable to read client-certificate ${missing} for user "someone" in ${config} due to open ${missing}: no such file or directory; fix the path or remove client-certificate\n`,
    });
  });

  it('a client certificate from the kubeconfig is presented on every connection (one secure context serves them all)', async () => {
    const server = await generate([{ name: 'commonName', value: 'odd-apiserver' }], {
      keyType: 'ec',
      curve: 'P-256',
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
    });
    const client = await generate([{ name: 'commonName', value: 'cert-user' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    const presented: string[] = [];
    const port = await listening(
      createHttpsServer({ cert: server.cert, key: server.private, ca: client.cert, requestCert: true, rejectUnauthorized: true }, (request, response) => {
        presented.push(String((request.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN));
        // A new connection for each answer, so that each request sets up TLS with the certificate again.
        response.setHeader('Connection', 'close');
        const name = request.url!.split('/').pop();
        response.end(JSON.stringify({ kind: 'Lease', apiVersion: 'coordination.k8s.io/v1', metadata: { name, namespace: 'default' }, spec: {} }));
      }),
    );
    const config = kubeconfig(
      { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': base64(server.cert) },
      { 'client-certificate-data': base64(client.cert), 'client-key-data': base64(client.private) },
    );
    const result = await leasectl(['list', 'a', 'b'], { kubeconfig: config });
    expect(presented).toEqual(['cert-user', 'cert-user']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it("garbage client-certificate-data is named with Go's wording and the fix, not as an OpenSSL code", async () => {
    const { private: key } = await generate([{ name: 'commonName', value: 'x' }], { keyType: 'ec', curve: 'P-256' });
    const config = kubeconfig({ server: 'https://127.0.0.1:1' }, { 'client-certificate-data': base64('not a certificate'), 'client-key-data': base64(key) });
    const result = await leasectl(['list'], { kubeconfig: config });
    expect(result).toMatchObject({
      code: 1,
      stderr: `error: client-certificate-data of user "someone" in ${config} is not usable: tls: failed to find any PEM data in certificate input; it must be the base64 of a PEM certificate (base64 -w0 < file)\n`,
    });
    expect(result.stderr).not.toMatch(/error:[0-9A-F]{8}/);
  });

  it("a client key that does not belong to the certificate, and a certificate without a key, are named", async () => {
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

  it("certificate-authority-data that is not a PEM certificate is named before any connection", async () => {
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

  it("0 turns chunking off (no limit is sent), as in kubectl; a size is sent as the limit", async () => {
    const server = await answering(reply(200, 'application/json', emptyList));
    expect((await leasectl(['list', '--chunk-size', '0'], { kubeconfig: server.kubeconfig })).code).toBe(0);
    expect((await leasectl(['list', '--chunk-size', '7'], { kubeconfig: server.kubeconfig })).code).toBe(0);
    expect(server.requests).toEqual(['/apis/coordination.k8s.io/v1/namespaces/default/leases', '/apis/coordination.k8s.io/v1/namespaces/default/leases?limit=7']);
  });

  it("negative and absurd chunk sizes are refused with the range, exit 2, before any request", async () => {
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
