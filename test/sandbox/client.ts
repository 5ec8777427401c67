// A minimal HTTPS client for talking to the sandbox the way any apiserver client would, and the hooks that give
// a test file its own sandbox, or, where the file can run there too, the cluster LEASECTL_TEST_KUBECONFIG names.

import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '@leasectl/sandbox';

const realKubeconfig = process.env.LEASECTL_TEST_KUBECONFIG;
export const againstRealCluster = Boolean(realKubeconfig);
export const SANDBOX_ONLY = 'needs the sandbox (fault injection, clock offset, its viewer token, its own rhythm or state): skipped against a real cluster';
/** A file that makes namespaces of its own cannot keep to the one LEASECTL_TEST_NAMESPACE. */
const ONE_NAMESPACE = 'makes namespaces of its own: skipped while LEASECTL_TEST_NAMESPACE confines the run to one';

export interface Response {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** Parsed body; untyped because tests probe arbitrary response shapes. */
  json: any;
}

export interface RequestOptions {
  body?: unknown;
  token?: string | null;
  headers?: Record<string, string>;
  contentType?: string;
}

/** Where requests go and as whom: the sandbox, or the current context of a kubeconfig. */
export interface ServerAccess {
  url: string;
  caPem?: string;
  /** Sent unless a call says otherwise; none when a client certificate says who the caller is. */
  token?: string;
  clientCertificate?: { cert: string; key: string };
  insecureSkipTlsVerify?: boolean;
}

export const sandboxAccess = (sandbox: Pick<Sandbox, 'url' | 'caPem' | 'tokens'>): ServerAccess =>
  ({ url: sandbox.url, caPem: sandbox.caPem, token: sandbox.tokens.admin });

/** A client for anything serving like the sandbox: an in-process one, one started as a command, or a real cluster. */
export function apiClient(server: ServerAccess) {
  const tls = { ca: server.caPem, rejectUnauthorized: !server.insecureSkipTlsVerify };
  const agent = new Agent({ ...tls, ...server.clientCertificate, keepAlive: true, maxSockets: 8 });
  // A call that names its own token (or none) must not be authenticated by the kubeconfig's client certificate.
  const uncertified = server.clientCertificate ? new Agent({ ...tls, keepAlive: true, maxSockets: 8 }) : agent;
  const url = new URL(server.url);
  const call = (method: string, path: string, options: RequestOptions = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const token = options.token === undefined ? server.token : options.token;
      const via = options.token === undefined ? agent : uncertified;
      const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      const headers: Record<string, string> = { 'User-Agent': 'sandbox-test/1.0', ...options.headers };
      if (token !== null && token !== undefined) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) {
        headers['Content-Type'] = options.contentType ?? 'application/json';
        // Node sends DELETE bodies without chunking, so the length must be explicit.
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
      const req = httpsRequest({ host: url.hostname, port: url.port, path, method, agent: via, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  /** What a request of its own (a watch on a connection of its own, `agent: false`) needs to reach the server. */
  const connection = {
    host: url.hostname, port: url.port, ...tls, ...server.clientCertificate,
    headers: server.token === undefined ? {} : { Authorization: `Bearer ${server.token}` },
  };
  return {
    call, agent, connection, close: () => {
      agent.destroy();
      uncertified.destroy();
    },
  };
}

export type ApiClient = ReturnType<typeof apiClient>;

/**
 * The server and credentials of a kubeconfig's current context. Only what a test rig's kubeconfig holds is read:
 * a token or a client certificate, inline or as files; an exec plugin or auth provider is refused by name.
 */
export function kubeconfigAccess(path: string): ServerAccess {
  const config = parseYaml(readFileSync(path, 'utf8'));
  const named = (list: 'clusters' | 'users' | 'contexts', name: string) => {
    const entry = (config[list] ?? []).find((item: { name: string }) => item.name === name);
    if (!entry) throw new Error(`${path}: no ${list.slice(0, -1)} named "${name}"`);
    return entry[list.slice(0, -1)] ?? {};
  };
  const context = named('contexts', config['current-context']);
  const cluster = named('clusters', context.cluster);
  const user = named('users', context.user);
  const fromFile = (file: string) => readFileSync(resolve(dirname(path), file), 'utf8');
  const inlineOrFile = (data: string | undefined, file: string | undefined) =>
    data !== undefined ? Buffer.from(data, 'base64').toString('utf8') : file !== undefined ? fromFile(file) : undefined;
  if (user.exec || user['auth-provider']) throw new Error(`${path}: user "${context.user}" needs ${user.exec ? 'an exec plugin' : 'an auth provider'}; test/sandbox speaks only tokens and client certificates`);
  const cert = inlineOrFile(user['client-certificate-data'], user['client-certificate']);
  const key = inlineOrFile(user['client-key-data'], user['client-key']);
  return {
    url: cluster.server,
    caPem: inlineOrFile(cluster['certificate-authority-data'], cluster['certificate-authority']),
    token: user.token ?? (user.tokenFile ? fromFile(user.tokenFile).trim() : undefined),
    ...(cert !== undefined && key !== undefined ? { clientCertificate: { cert, key } } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

export interface SandboxUnderTest {
  /** The sandbox; only for what a real cluster cannot do, in tests that skip there. */
  readonly sandbox: Sandbox;
  /** A client with the admin token (or the kubeconfig's credentials), made on first use and closed at the end. */
  readonly api: ApiClient;
  /** Whether this file runs against LEASECTL_TEST_KUBECONFIG rather than a sandbox of its own. */
  readonly againstRealCluster: boolean;
  /**
   * The namespace this file calls `name`: itself in the sandbox; on a real cluster, one made for this file (so
   * `default` stays untouched) and deleted after it.
   */
  namespace(name: string): string;
}

export interface HarnessOptions extends SandboxOptions {
  /** The file's tests hold on a real kube-apiserver too: run them against LEASECTL_TEST_KUBECONFIG when it is set. */
  orRealCluster?: boolean;
}

/**
 * Starts a sandbox before this file's tests and stops it after them; read it only inside hooks and tests. Against
 * a real cluster, a file that cannot run there skips every test with the reason.
 */
export function useSandbox(options: HarnessOptions = {}): SandboxUnderTest {
  const { orRealCluster = false, ...sandboxOptions } = options;
  const real = againstRealCluster && orRealCluster;
  const skipped = againstRealCluster && !orRealCluster ? SANDBOX_ONLY
    : real && process.env.LEASECTL_TEST_NAMESPACE ? ONE_NAMESPACE : undefined;
  let sandbox: Sandbox | undefined;
  let api: ApiClient | undefined;
  const namespaces = new Map<string, string>();
  if (skipped) {
    beforeEach((context) => context.skip(skipped));
  } else if (real) {
    beforeAll(async () => {
      for (const name of ['default', ...(sandboxOptions.namespaces ?? [])]) {
        const made = `sbx-${name}-${randomBytes(4).toString('hex')}`;
        const res = await client().call('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: made } } });
        if (res.status !== 201) throw new Error(`creating namespace ${made} on the real cluster: ${res.status} ${res.text}`);
        namespaces.set(name, made);
      }
    });
    afterAll(async () => {
      for (const made of namespaces.values()) await client().call('DELETE', `/api/v1/namespaces/${made}`);
      api?.close();
    });
  } else {
    beforeAll(async () => {
      sandbox = await startSandbox(sandboxOptions);
    });
    afterAll(async () => {
      api?.close();
      await sandbox?.stop();
    });
  }
  const started = (): Sandbox => {
    if (real || skipped) throw new Error(`${SANDBOX_ONLY}: guard this test with it.skipIf(harness.againstRealCluster)`);
    if (sandbox === undefined) throw new Error('the sandbox starts in beforeAll: use it inside a hook or a test');
    return sandbox;
  };
  function client(): ApiClient {
    return (api ??= apiClient(real ? kubeconfigAccess(realKubeconfig!) : sandboxAccess(started())));
  }
  return {
    get sandbox() {
      return started();
    },
    get api() {
      return client();
    },
    againstRealCluster: real,
    namespace(name) {
      if (!real) return name;
      const made = namespaces.get(name);
      if (made === undefined) throw new Error(`namespace "${name}" is not one this file asked for (useSandbox({ namespaces }))`);
      return made;
    },
  };
}

export const leasesPath = (namespace: string, name?: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases${name ? `/${name}` : ''}`;

export const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

export function leaseBody(name: string, spec: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, ...metadata }, spec };
}

/** Polls until `condition` holds; events arrive asynchronously from the in-process server or a child process. */
export async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A failure Status as the apiserver writes it; `details` is left out when not given. */
export const failureStatus = (code: number, reason: string, message: string, details?: Record<string, unknown>) => ({
  kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code,
});
