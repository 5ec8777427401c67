// The sandbox: a local kube-apiserver for coordination.k8s.io/v1 Leases (plus core/v1 Namespaces), used by tests,
// the demo and anyone trying leasectl without a cluster. Anything it does differently from kube-apiserver is a bug.

import { randomBytes } from 'node:crypto';
import { generateServingCertificate } from './cert.js';
import { type FaultControl, Faults } from './faults.js';
import type { FeatureGates } from './feature-gates.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { LeaseApi } from './leases-api.js';
import { LeaseRegistry } from './lease-registry.js';
import { builtInNamespaces, NamespaceRegistry } from './namespaces.js';
import type { User } from './request.js';
import { ApiServer } from './server.js';
import { LeaseStore } from './store.js';
import { WatchHub } from './watch.js';

export type { FaultControl, FaultSettings } from './faults.js';
export type { FeatureGates } from './feature-gates.js';

export interface SandboxOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: '127.0.0.1';
  /** Namespaces to create besides default, kube-system, kube-public and kube-node-lease. */
  namespaces?: string[];
  /** How often watches that allow bookmarks get one; the apiserver's rhythm is about a minute. Default 5000. */
  bookmarkIntervalMs?: number;
  /** kube-apiserver's `--feature-gates`; every gate left out has kube-apiserver's default. */
  featureGates?: FeatureGates;
}

export interface Sandbox {
  /** https://127.0.0.1:PORT */
  url: string;
  caPem: string;
  tokens: { admin: string; readOnly: string };
  /**
   * Writes a kubeconfig (cluster with certificate-authority-data, user with token, context `sandbox` with namespace
   * `default`, current-context set). readOnly picks the viewer token. onlyNamespace instead picks the token of user
   * "tenant", whose RBAC allows only leases in that namespace (made if missing) and a get of it, as a Role would;
   * the context's namespace is then that one. Returns the path.
   */
  writeKubeconfig(path: string, opts?: { readOnly?: boolean; onlyNamespace?: string; namespace?: string; contextName?: string }): Promise<string>;
  faults: FaultControl;
  createNamespace(name: string): void;
  /**
   * What a client cut off for longer than etcd's compaction and the watch cache's window finds: everything before
   * now is gone, so a watch resuming from an older resourceVersion gets 410 Expired (an ERROR event in a 200 stream),
   * and a continue token from before gets 410 with a fresh token in its Status. `{ watchCache: false }` is etcd's
   * compaction alone (`etcdctl compact`): continue tokens and Exact reads from before are Expired, but the watch
   * cache still replays a watch from before, as kube-apiserver's does.
   */
  compact(options?: { watchCache?: boolean }): void;
  /** Closes the server and every open connection, watches included. */
  stop(): Promise<void>;
}

const randomToken = () => randomBytes(24).toString('base64url');

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const certificate = await generateServingCertificate();
  const tokens = { admin: randomToken(), readOnly: randomToken() };
  const users = new Map<string, User>([
    [tokens.admin, { name: 'admin', canRead: true, canWrite: true }],
    [tokens.readOnly, { name: 'viewer', canRead: true, canWrite: false }],
  ]);

  const faults = new Faults();
  const serverNow = () => Date.now() + faults.clockOffsetMs;
  const store = new LeaseStore(0);
  const leaseRegistry = new LeaseRegistry(store, (namespace) => namespaces.has(namespace), serverNow, options.featureGates);
  const namespaces = new NamespaceRegistry(store, serverNow, (namespace) => leaseRegistry.removeNamespace(namespace));
  for (const name of [...builtInNamespaces, ...(options.namespaces ?? [])]) namespaces.ensure(name);
  // The watch cache begins with the server and etcd's early revisions are long compacted: a watch from before now,
  // resourceVersion 1 say, gets 410 Expired, as from kube-apiserver, rather than a replay of the sandbox's life.
  store.compact();

  const watches = new WatchHub(store, faults, options.bookmarkIntervalMs ?? 5000);
  const server = new ApiServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    certPem: certificate.certPem,
    keyPem: certificate.keyPem,
    users,
    faults,
    leases: new LeaseApi(store, leaseRegistry, watches, serverNow),
    namespaces,
  });
  faults.attach({ stopListening: () => server.stopListening(), startListening: () => server.startListening() });
  await server.startListening();

  /** The token of the tenant of each namespace a kubeconfig was asked for. */
  const tenantTokens = new Map<string, string>();
  const tenantToken = (namespace: string) => {
    let token = tenantTokens.get(namespace);
    if (token === undefined) {
      namespaces.ensure(namespace);
      token = randomToken();
      tenantTokens.set(namespace, token);
      users.set(token, { name: 'tenant', canRead: true, canWrite: false, onlyNamespace: namespace });
    }
    return token;
  };

  return {
    url: server.url,
    caPem: certificate.certPem,
    tokens,
    writeKubeconfig: (path, opts = {}) => {
      const { onlyNamespace } = opts;
      const namespace = opts.namespace ?? onlyNamespace;
      return writeKubeconfigFile(path, {
        server: server.url,
        caPem: certificate.certPem,
        token: onlyNamespace ? tenantToken(onlyNamespace) : opts.readOnly ? tokens.readOnly : tokens.admin,
        userName: onlyNamespace ? 'sandbox-tenant' : opts.readOnly ? 'sandbox-viewer' : 'sandbox-admin',
        ...(opts.contextName ? { contextName: opts.contextName } : {}),
        ...(namespace ? { namespace } : {}),
      });
    },
    faults,
    createNamespace: (name) => {
      namespaces.ensure(name);
    },
    compact: (compaction) => store.compact(compaction),
    stop: async () => {
      faults.resume(); // lets paused requests finish instead of hanging on a closed server
      await server.close();
    },
  };
}
