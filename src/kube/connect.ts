// Loaded lazily (dynamic import from the CLI) with the network modules it needs: commands that do not talk to a
// cluster, and --help, never pay for them.
import { homedir } from 'node:os';
import type { KubeConnection, KubeFlags } from './connection.js';
import { LEASECTL_VERSION } from '../version.js';
import { HttpLeaseClient } from './client.js';
import { credentialsFor } from './credentials.js';
import { HttpTransport } from './http.js';
import { resolveKubeconfig, validateNamespace } from './kubeconfig.js';
import { listNamespaceNames } from './namespaces.js';
import { fetchServerVersion } from './server-version.js';

export async function connect(flags: KubeFlags, env: NodeJS.ProcessEnv): Promise<KubeConnection> {
  if (flags.namespace !== undefined) validateNamespace(flags.namespace);
  const resolved = resolveKubeconfig(flags, { env, homeDir: env.HOME || homedir() });
  const transport = new HttpTransport({
    server: resolved.server,
    credentials: await credentialsFor(resolved, { env, now: Date.now }),
    userAgent: `leasectl/${LEASECTL_VERSION} (${process.platform}/${process.arch}) node/${process.versions.node}`,
    requestTimeoutMs: flags.requestTimeout || undefined,
  });
  return {
    client: new HttpLeaseClient(transport),
    namespace: flags.namespace ?? resolved.contextNamespace ?? 'default',
    namespaceFromFlag: flags.namespace !== undefined,
    namespaceNames: (signal) => listNamespaceNames(transport, signal),
    close: () => transport.close(),
    serverVersion: (signal) => fetchServerVersion(transport, signal),
  };
}
