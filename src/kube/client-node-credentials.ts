// Auth providers and proxies (and an exec plugin behind a proxy), through client-node's KubeConfig. A separate
// module so that only the users who need it load client-node (a dynamic import from credentials.ts).
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { impersonationHeaders, tlsMaterial, type Credentials } from './credential-parts.js';
import { KubeconfigError } from './errors.js';
import type { ResolvedKubeconfig } from './kubeconfig.js';

export async function clientNodeCredentials(config: ResolvedKubeconfig): Promise<Credentials> {
  const kubeConfig = new KubeConfig();
  // JSON is YAML: client-node parses the one cluster and user exactly as it would from a file.
  kubeConfig.loadFromString(
    JSON.stringify({
      clusters: [{ name: config.clusterName, cluster: { ...config.cluster, server: config.server } }],
      users: [{ name: config.userName || 'user', user: config.user }],
      contexts: [{ name: 'leasectl', context: { cluster: config.clusterName, user: config.userName || 'user' } }],
      'current-context': 'leasectl',
    }),
  );
  const userName = config.userName || 'user';
  // A failing exec plugin or auth provider says only e.g. "spawn /x ENOENT": name the user it was for.
  const authenticate = async (options: RequestOptions) => {
    try {
      await kubeConfig.applyToHTTPSOptions(options);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = message.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'the plugin gave no reason';
      throw new KubeconfigError(`could not get credentials for user "${userName}" from the kubeconfig (${config.source}): ${reason}`);
    }
  };
  const first: RequestOptions = {};
  await authenticate(first);
  const impersonation = impersonationHeaders(config.user);
  return {
    tls: tlsMaterial(config),
    agent: config.cluster['proxy-url'] ? (first.agent as Agent) : undefined,
    async headers() {
      const options: RequestOptions = {};
      await authenticate(options);
      const headers: OutgoingHttpHeaders = { ...impersonation, ...(options.headers as OutgoingHttpHeaders | undefined) };
      if (options.auth) headers.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
      return headers;
    },
  };
}
