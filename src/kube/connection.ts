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
}

/** The one way commands and completion reach a cluster: a connection for the flags given, closed by the caller or at exit. */
export type ConnectionFactory = (flags: KubeFlags) => Promise<KubeConnection>;
