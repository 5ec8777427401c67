// Kubeconfig files pointing at the sandbox, for kubectl and for leasectl.

import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  caPem: string;
  token: string;
  userName: string;
  contextName?: string;
  namespace?: string;
}

export function kubeconfigYaml(options: KubeconfigOptions): string {
  const contextName = options.contextName ?? 'sandbox';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'sandbox', cluster: { server: options.server, 'certificate-authority-data': Buffer.from(options.caPem).toString('base64') } }],
    users: [{ name: options.userName, user: { token: options.token } }],
    contexts: [{ name: contextName, context: { cluster: 'sandbox', user: options.userName, namespace: options.namespace ?? 'default' } }],
    'current-context': contextName,
    preferences: {},
  });
}

/** Writes the file (owner-only: it holds a token), creating parent directories. */
export async function writeKubeconfigFile(path: string, options: KubeconfigOptions): Promise<string> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, kubeconfigYaml(options), { mode: 0o600 });
  return path;
}
