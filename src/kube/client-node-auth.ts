// Auth providers and proxies (and an exec plugin behind a proxy), through client-node's KubeConfig. It is built
// into a file of its own (scripts/build.mjs) that only the users who need it load, so it imports nothing of ours
// but types: a copy of one of our modules in it would be a second copy at run time (its error classes would fail
// instanceof at the edge). credentials.ts wraps what it answers.
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedKubeconfig } from './kubeconfig.js';

/** Sets the headers (and, behind a proxy, the agent) that client-node's authenticator gives for `config`'s user. */
export type ClientNodeAuthenticator = (options: RequestOptions) => Promise<void>;

export function clientNodeAuthenticator(config: ResolvedKubeconfig, userName: string): ClientNodeAuthenticator {
  const kubeConfig = new KubeConfig();
  // JSON is YAML: client-node parses the one cluster and user exactly as it would from a file.
  kubeConfig.loadFromString(
    JSON.stringify({
      clusters: [{ name: config.clusterName, cluster: { ...config.cluster, server: config.server } }],
      users: [{ name: userName, user: config.user }],
      contexts: [{ name: 'leasectl', context: { cluster: config.clusterName, user: userName } }],
      'current-context': 'leasectl',
    }),
  );
  return (options) => kubeConfig.applyToHTTPSOptions(options);
}
