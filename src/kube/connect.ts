// Loaded lazily (dynamic import from the CLI) with the network modules it needs: commands that do not talk to a
// cluster, and --help, never pay for them.
import type { KubeConnection, KubeFlags } from './connection.js';
import { LEASECTL_VERSION } from '../version.js';
import { HttpLeaseClient } from './client.js';
import { credentialsFor, needsClientNode } from './credentials.js';
import { dropDefaultCertificateAuthorities, HttpTransport } from './http.js';
import { resolveKubeconfig, validateNamespace } from './kubeconfig.js';
import { listNamespaceNames } from './namespaces.js';
import { fetchServerVersion } from './server-version.js';

export interface ConnectOptions {
  /**
   * The connection is the only one its process makes (the process edge says so; tests sharing a process do not), so
   * it may set Node's process-wide TLS defaults.
   */
  ownsProcess?: boolean;
}

export async function connect(flags: KubeFlags, env: NodeJS.ProcessEnv, { ownsProcess = false }: ConnectOptions = {}): Promise<KubeConnection> {
  if (flags.namespace !== undefined) validateNamespace(flags.namespace);
  // node:os only without $HOME: nothing else on the way to the first request loads it.
  const resolved = resolveKubeconfig(flags, { env, homeDir: env.HOME || process.getBuiltinModule('node:os').homedir() });
  const credentials = await credentialsFor(resolved, { env, now: Date.now });
  // Every connection sends a request at once: a plugin run now overlaps loading Node's HTTPS client.
  credentials.start?.();
  // Not under client-node: an auth provider makes HTTPS requests of its own (an OIDC token refresh), which need the
  // default CAs.
  if (ownsProcess && credentials.tls.ca && !needsClientNode(resolved)) dropDefaultCertificateAuthorities();
  const transport = new HttpTransport({
    server: resolved.server,
    credentials,
    userAgent: `leasectl/${LEASECTL_VERSION} (${process.platform}/${process.arch}) node/${process.versions.node}`,
    requestTimeoutMs: flags.requestTimeout || undefined,
    processEndsOnClose: ownsProcess,
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
