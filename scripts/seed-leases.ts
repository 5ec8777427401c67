// Creates and changes leases in a sandbox through its HTTPS API, many requests at once over keep-alive: the demo
// and the benchmark need realistic clusters quickly, and seeding is not what they show or measure.
import https from 'node:https';
import type { Lease } from '../src/lease/types.js';
import type { Sandbox } from '@leasectl/sandbox';

const PARALLEL_REQUESTS = 64;

export interface SandboxWriter {
  /** Sends one write with the admin token; rejects unless the answer has the status expected. */
  send(method: string, path: string, body: unknown, expectedStatus: number, contentType?: string): Promise<void>;
  close(): void;
}

/** One keep-alive connection pool to the sandbox's API, for writes outside the product's client. */
export function sandboxWriter(sandbox: Sandbox): SandboxWriter {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: sandbox.caPem });
  return {
    send: (method, path, body, expectedStatus, contentType = 'application/json') =>
      new Promise<void>((resolve, reject) => {
        const request = https.request(`${sandbox.url}${path}`, {
          method,
          agent,
          headers: { Authorization: `Bearer ${sandbox.tokens.admin}`, 'Content-Type': contentType, 'User-Agent': 'leasectl-seed' },
        });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => (response.statusCode === expectedStatus ? resolve() : reject(new Error(`${method} ${path}: HTTP ${response.statusCode} ${text}`))));
        });
        request.on('error', reject);
        request.end(JSON.stringify(body));
      }),
    close: () => agent.destroy(),
  };
}

export const leasesPath = (namespace: string) => `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;

export async function seedLeases(sandbox: Sandbox, namespace: string, leases: Lease[]): Promise<void> {
  const writer = sandboxWriter(sandbox);
  const create = (lease: Lease) => writer.send('POST', leasesPath(namespace), { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }, 201);
  try {
    for (let start = 0; start < leases.length; start += PARALLEL_REQUESTS) {
      await Promise.all(leases.slice(start, start + PARALLEL_REQUESTS).map(create));
    }
  } finally {
    writer.close();
  }
}
