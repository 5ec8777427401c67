// How requests to the cluster authenticate. Static credentials (bearer token, token file, client certificate,
// basic auth, impersonation) are applied here directly, exec plugins by exec-credentials.ts; auth providers
// (oidc, azure, gcp) and proxies go through client-node's authenticators, loaded only for the users who need
// them, because the client-node bundle costs every command tens of milliseconds of start-up (docs/performance.md).
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import type { RequestOptions } from 'node:https';
import { impersonationHeaders, readNamedFile, text, tlsMaterial, type Credentials } from './credential-parts.js';
import { KubeconfigError } from './errors.js';
import type { ExecEnvironment } from './exec-credentials.js';
import type { ResolvedKubeconfig } from './kubeconfig.js';

export function needsClientNode(config: ResolvedKubeconfig): boolean {
  return config.user['auth-provider'] !== undefined || text(config.cluster, 'proxy-url') !== undefined;
}

function staticCredentials(config: ResolvedKubeconfig): Credentials {
  const { user } = config;
  const tokenFile = text(user, 'tokenFile');
  const username = text(user, 'username');
  const impersonation = impersonationHeaders(user);
  return {
    tls: tlsMaterial(config),
    async headers() {
      // A token file is re-read for every request: service-account tokens are rotated in place.
      const token = text(user, 'token') ?? (tokenFile ? readNamedFile(config, 'user', 'tokenFile', tokenFile).toString('utf8').trim() : undefined);
      if (token) return { ...impersonation, Authorization: `Bearer ${token}` };
      if (username) {
        const basic = Buffer.from(`${username}:${text(user, 'password') ?? ''}`).toString('base64');
        return { ...impersonation, Authorization: `Basic ${basic}` };
      }
      return impersonation;
    },
  };
}

/** `environment` is what an exec plugin inherits and the clock its expiry is read by. */
export async function credentialsFor(
  config: ResolvedKubeconfig,
  environment: ExecEnvironment = { env: process.env, now: Date.now },
): Promise<Credentials> {
  if (!needsClientNode(config)) {
    if (config.user.exec === undefined) return staticCredentials(config);
    const { execCredentials } = await import('./exec-credentials.js');
    return execCredentials(config, environment);
  }
  return clientNodeCredentials(config);
}

async function clientNodeCredentials(config: ResolvedKubeconfig): Promise<Credentials> {
  const { clientNodeAuthenticator } = await import('./client-node-auth.js');
  const userName = config.userName || 'user';
  const authenticator = clientNodeAuthenticator(config, userName);
  // A failing exec plugin or auth provider says only e.g. "spawn /x ENOENT": name the user it was for.
  const authenticate = async (options: RequestOptions) => {
    try {
      await authenticator(options);
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
