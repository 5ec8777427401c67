// Creates leases in a sandbox through its HTTPS API, many requests at once over keep-alive: the demo and the
// benchmark need realistic clusters quickly, and seeding is not what they show or measure.
import https from 'node:https';
import type { Lease } from '../src/lease/types.js';
import type { Sandbox } from '@leasectl/sandbox';

const PARALLEL_REQUESTS = 64;

export async function seedLeases(sandbox: Sandbox, namespace: string, leases: Lease[]): Promise<void> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: sandbox.caPem });
  const create = (lease: Lease) =>
    new Promise<void>((resolve, reject) => {
      const request = https.request(`${sandbox.url}/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, {
        method: 'POST',
        agent,
        headers: { Authorization: `Bearer ${sandbox.tokens.admin}`, 'Content-Type': 'application/json', 'User-Agent': 'leasectl-seed' },
      });
      request.on('response', (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () =>
          response.statusCode === 201 ? resolve() : reject(new Error(`seeding ${namespace}/${lease.metadata.name}: HTTP ${response.statusCode} ${body}`)),
        );
      });
      request.on('error', reject);
      request.end(JSON.stringify({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', ...lease }));
    });
  try {
    for (let start = 0; start < leases.length; start += PARALLEL_REQUESTS) {
      await Promise.all(leases.slice(start, start + PARALLEL_REQUESTS).map(create));
    }
  } finally {
    agent.destroy();
  }
}
