// How requests to the cluster authenticate. Static credentials (bearer token, token file, client certificate,
// basic auth, impersonation) are applied here directly, exec plugins by exec-credentials.ts; auth providers
// (oidc, azure, gcp) and proxies go through client-node's authenticators, loaded only for the users who need
// them, because the client-node bundle costs every command tens of milliseconds of start-up (docs/performance.md).
import { readFileSync } from 'node:fs';
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import { KubeconfigError } from './errors.js';
import type { ExecEnvironment } from './exec-credentials.js';
import type { KubeconfigEntry, ResolvedKubeconfig } from './kubeconfig.js';

export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** PEM text, as an exec plugin returns it. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

export interface Credentials {
  tls: TlsMaterial;
  /** Headers for one request; tokens from files and plugins may change between requests. */
  headers(): Promise<OutgoingHttpHeaders>;
  /** The client certificate that goes with headers() just returned, when it may change (an exec plugin's). */
  clientCertificate?(sent: OutgoingHttpHeaders): ClientCertificate | undefined;
  /** The server answered 401 to a request sent with these headers: the next headers() must get fresh ones. */
  rejected?(sent: OutgoingHttpHeaders): void;
  /** An agent the requests must use (a proxy's), when the credentials bring one. */
  agent?: Agent;
}

function text(entry: KubeconfigEntry, field: string): string | undefined {
  const value = entry[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** `*-data` fields are base64 in the kubeconfig; their file twins are paths. */
function material(entry: KubeconfigEntry, fileField: string, dataField: string): Buffer | undefined {
  const file = text(entry, fileField);
  const data = text(entry, dataField);
  try {
    if (file) return readFileSync(file);
  } catch (error) {
    throw new KubeconfigError(`cannot read ${fileField} ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return data ? Buffer.from(data, 'base64') : undefined;
}

export function needsClientNode(config: ResolvedKubeconfig): boolean {
  return config.user['auth-provider'] !== undefined || text(config.cluster, 'proxy-url') !== undefined;
}

export function tlsMaterial(config: ResolvedKubeconfig): TlsMaterial {
  const insecure = config.cluster['insecure-skip-tls-verify'] === true;
  return {
    ca: insecure ? undefined : material(config.cluster, 'certificate-authority', 'certificate-authority-data'),
    cert: material(config.user, 'client-certificate', 'client-certificate-data'),
    key: material(config.user, 'client-key', 'client-key-data'),
    rejectUnauthorized: !insecure,
    servername: text(config.cluster, 'tls-server-name'),
  };
}

/** kubectl's impersonation fields (as, as-groups, as-uid, as-user-extra) as request headers. */
export function impersonationHeaders(user: KubeconfigEntry): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  const as = text(user, 'as');
  if (as) headers['Impersonate-User'] = as;
  const groups = user['as-groups'];
  if (Array.isArray(groups) && groups.length > 0) headers['Impersonate-Group'] = groups.map(String);
  const uid = text(user, 'as-uid');
  if (uid) headers['Impersonate-Uid'] = uid;
  const extra = user['as-user-extra'];
  if (extra && typeof extra === 'object') {
    for (const [key, values] of Object.entries(extra as Record<string, unknown>)) {
      headers[`Impersonate-Extra-${encodeURIComponent(key)}`] = Array.isArray(values) ? values.map(String) : String(values);
    }
  }
  return headers;
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
      const token = text(user, 'token') ?? (tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined);
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
