// A minimal HTTPS client for talking to the sandbox the way any apiserver client would, and the hooks that give
// a test file its own sandbox.

import { Agent, request as httpsRequest } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { startSandbox, type Sandbox, type SandboxOptions } from '@leasectl/sandbox';

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

/** A client for anything serving like the sandbox: an in-process one, or one started as a command. */
export function apiClient(sandbox: Pick<Sandbox, 'url' | 'caPem' | 'tokens'>) {
  const agent = new Agent({ ca: sandbox.caPem, keepAlive: true, maxSockets: 8 });
  const url = new URL(sandbox.url);
  const call = (method: string, path: string, options: RequestOptions = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const token = options.token === undefined ? sandbox.tokens.admin : options.token;
      const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      const headers: Record<string, string> = { 'User-Agent': 'sandbox-test/1.0', ...options.headers };
      if (token !== null) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) {
        headers['Content-Type'] = options.contentType ?? 'application/json';
        // Node sends DELETE bodies without chunking, so the length must be explicit.
        headers['Content-Length'] = String(Buffer.byteLength(body));
      }
      const req = httpsRequest({ host: url.hostname, port: url.port, path, method, agent, headers }, (res) => {
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
  return { call, agent, close: () => agent.destroy() };
}

export type ApiClient = ReturnType<typeof apiClient>;

export interface SandboxUnderTest {
  readonly sandbox: Sandbox;
  /** A client with the admin token, made on first use and closed with the sandbox. */
  readonly api: ApiClient;
}

/** Starts a sandbox before this file's tests and stops it after them; read it only inside hooks and tests. */
export function useSandbox(options?: SandboxOptions): SandboxUnderTest {
  let sandbox: Sandbox | undefined;
  let api: ApiClient | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox(options);
  });
  afterAll(async () => {
    api?.close();
    await sandbox?.stop();
  });
  const started = (): Sandbox => {
    if (sandbox === undefined) throw new Error('the sandbox starts in beforeAll: use it inside a hook or a test');
    return sandbox;
  };
  return {
    get sandbox() {
      return started();
    },
    get api() {
      return (api ??= apiClient(started()));
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
