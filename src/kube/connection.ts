import type { LeaseClient } from './lease-client.js';

/** kubectl's connection flags, as the user gave them (declared once in src/cli.ts). */
export interface KubeFlags {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  requestTimeout?: number;
  insecureSkipTlsVerify?: boolean;
  /** -s: the API server's URL, over the kubeconfig cluster's. */
  server?: string;
  certificateAuthority?: string;
  tlsServerName?: string;
  /** A bearer token in place of the kubeconfig user's credentials. */
  token?: string;
  clientCertificate?: string;
  clientKey?: string;
  /** Impersonation: the user, groups (repeatable) and uid to act as. */
  as?: string;
  asGroup?: string[];
  asUid?: string;
}

/** A live connection to one cluster, resolved from the kubeconfig and the flags. */
export interface KubeConnection {
  client: LeaseClient;
  /** -n, else the context's namespace, else "default". */
  namespace: string;
  /** True when the namespace came from -n rather than the kubeconfig. */
  namespaceFromFlag: boolean;
  /** Names of the namespaces the caller may list (for completing -n). */
  namespaceNames(signal?: AbortSignal): Promise<string[]>;
  /** Drops the connection's sockets (idle keep-alive ones, and any request still in flight). */
  close(): void;
  /** The server's GET /version, as it sent it. */
  serverVersion(signal?: AbortSignal): Promise<Record<string, unknown>>;
}

/** The one way commands and completion reach a cluster: a connection for the flags given, closed by the caller or at exit. */
export type ConnectionFactory = (flags: KubeFlags) => Promise<KubeConnection>;
