// What every kind of credential shares: the TLS material of the cluster and user (files or base64 data, checked
// before any connection, in kubectl's words) and kubectl's impersonation headers. Static credentials
// (credentials.ts), exec plugins (exec-credentials.ts) and client-node's authenticators all build on it.
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Agent, OutgoingHttpHeaders } from 'node:http';
import { openFailure } from '../file-errors.js';
import { KubeconfigError } from './errors.js';
import type { KubeconfigEntry, ResolvedKubeconfig } from './kubeconfig.js';

// Built-ins are taken with process.getBuiltinModule, not ES-module imports, whose namespaces read lazy getters
// that load what nothing here uses (node:fs's promises, node:crypto's Web Crypto: docs/performance.md).
const { readFileSync } = process.getBuiltinModule('node:fs');
const nodeCrypto = process.getBuiltinModule('node:crypto');

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
  /** Starts getting the first request's headers now (an exec plugin runs while the rest of the connection is set up). */
  start?(): void;
  /** The client certificate that goes with headers() just returned, when it may change (an exec plugin's). */
  clientCertificate?(sent: OutgoingHttpHeaders): ClientCertificate | undefined;
  /** The server answered 401 to a request sent with these headers: the next headers() must get fresh ones. */
  rejected?(sent: OutgoingHttpHeaders): void;
  /** An agent the requests must use (a proxy's), when the credentials bring one. */
  agent?: Agent;
}

export function text(entry: KubeconfigEntry, field: string): string | undefined {
  const value = entry[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Whose field it is, for messages: `user "admin" in /home/me/.kube/config`. */
export function owner(config: ResolvedKubeconfig, kind: 'cluster' | 'user'): string {
  return kind === 'cluster' ? `cluster "${config.clusterName}" in ${config.source}` : `user "${config.userName}" in ${config.source}`;
}

/** Reads a file the kubeconfig names; kubectl's wording (clientcmd validation) when it cannot be read. */
export function readNamedFile(config: ResolvedKubeconfig, kind: 'cluster' | 'user', field: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    const flag = config.fileFlags[field];
    if (flag) throw new KubeconfigError(`unable to read ${flag} ${path} due to ${openFailure(path, error)}; fix the path given to ${flag}`);
    throw new KubeconfigError(`unable to read ${field} ${path} for ${owner(config, kind)} due to ${openFailure(path, error)}; fix the path or remove ${field}`);
  }
}

interface Material {
  bytes: Buffer;
  /** The field it came from, for messages: `client-certificate /x` or `client-certificate-data`, or the flag: `--client-key /x`. */
  from: string;
  fromFlag: boolean;
}

/** `*-data` fields are base64 in the kubeconfig; their file twins are paths (and win, as in kubectl). */
function material(config: ResolvedKubeconfig, kind: 'cluster' | 'user', fileField: string, dataField: string): Material | undefined {
  const entry = kind === 'cluster' ? config.cluster : config.user;
  const file = text(entry, fileField);
  const flag = config.fileFlags[fileField];
  if (file) return { bytes: readNamedFile(config, kind, fileField, file), from: `${flag ?? fileField} ${file}`, fromFlag: flag !== undefined };
  const data = text(entry, dataField);
  return data ? { bytes: Buffer.from(data, 'base64'), from: dataField, fromFlag: false } : undefined;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g;
const PEM_PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;

/** Every certificate in PEM material, or undefined when there is none or one does not parse. */
function certificates(pem: Buffer): X509Certificate[] | undefined {
  const blocks = pem.toString('latin1').match(PEM_CERTIFICATE);
  if (!blocks) return undefined;
  try {
    return blocks.map((block) => new nodeCrypto.X509Certificate(block));
  } catch {
    return undefined;
  }
}

function privateKey(pem: Buffer): KeyObject | undefined {
  if (!PEM_PRIVATE_KEY.test(pem.toString('latin1'))) return undefined;
  try {
    return nodeCrypto.createPrivateKey(pem);
  } catch {
    return undefined;
  }
}

/**
 * Checks certificates and keys before any connection, so that a broken one is named here (with Go's wording for
 * what is wrong) rather than failing in OpenSSL with a code such as `error:0480006C:PEM routines::no start line`.
 */
function checkTls(config: ResolvedKubeconfig, tls: { ca?: Material; cert?: Material; key?: Material }): void {
  const invalid = (kind: 'cluster' | 'user', what: Material, problem: string, fix: string) =>
    new KubeconfigError(`${what.from}${what.fromFlag ? '' : ` of ${owner(config, kind)}`} is not usable: ${problem}; ${fix}`);
  const base64Fix = (what: Material, expected: string) =>
    what.from.endsWith('-data') ? `it must be the base64 of a PEM ${expected} (base64 -w0 < file)` : `the file must hold a PEM ${expected}`;
  if (tls.ca && !certificates(tls.ca.bytes)) {
    throw invalid('cluster', tls.ca, 'unable to load root certificates: unable to parse bytes as PEM block', base64Fix(tls.ca, 'certificate'));
  }
  if (tls.cert && !tls.key) {
    throw new KubeconfigError(`client-key-data or client-key must be specified for ${owner(config, 'user')} to use the clientCert authentication method`);
  }
  if (!tls.cert || !tls.key) return;
  const [certificate] = certificates(tls.cert.bytes) ?? [];
  if (!certificate) throw invalid('user', tls.cert, 'tls: failed to find any PEM data in certificate input', base64Fix(tls.cert, 'certificate'));
  const key = privateKey(tls.key.bytes);
  if (!key) throw invalid('user', tls.key, 'tls: failed to find any PEM data in key input', base64Fix(tls.key, 'private key'));
  if (!certificate.checkPrivateKey(key)) {
    throw invalid('user', tls.key, 'tls: private key does not match public key', `use the key that belongs to ${tls.cert.from}`);
  }
}

export function tlsMaterial(config: ResolvedKubeconfig): TlsMaterial {
  const insecure = config.cluster['insecure-skip-tls-verify'] === true;
  const ca = insecure ? undefined : material(config, 'cluster', 'certificate-authority', 'certificate-authority-data');
  const cert = material(config, 'user', 'client-certificate', 'client-certificate-data');
  const key = material(config, 'user', 'client-key', 'client-key-data');
  checkTls(config, { ca, cert, key });
  return {
    ca: ca?.bytes,
    cert: cert?.bytes,
    // A key without a certificate is no client certificate: kubectl ignores it, and so do we.
    key: cert ? key?.bytes : undefined,
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

