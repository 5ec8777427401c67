// How requests to the cluster authenticate. Static credentials (bearer token, token file, client certificate,
// basic auth, impersonation) are applied here directly, exec plugins by exec-credentials.ts; auth providers
// (oidc, azure, gcp) and proxies go through client-node's authenticators, loaded only for the users who need
// them, because the client-node bundle costs every command tens of milliseconds of start-up (docs/performance.md).
import { impersonationHeaders, readNamedFile, text, tlsMaterial, type Credentials } from './credential-parts.js';
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
  const { clientNodeCredentials } = await import('./client-node-credentials.js');
  return clientNodeCredentials(config);
}
