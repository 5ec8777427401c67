// kubectl's connection flags laid over the kubeconfig, as client-go's clientcmd does it (ConfigOverrides, merged
// by DirectClientConfig): a flag that is given replaces the field of the cluster or user entry it stands for, and
// with --server no kubeconfig is needed at all (`kubectl -s URL --token T`).
import { resolve } from 'node:path';
import type { KubeFlags } from './connection.js';
import { KubeconfigError, KubeInputError } from './errors.js';

/** A cluster or user entry as written in the file (kubectl's field names), with file paths made absolute. */
export type KubeconfigEntry = Record<string, unknown>;

/** The kubeconfig file fields the flags set, each with its flag: a file that cannot be used is then named by its flag. */
export function fileFieldsFromFlags(flags: KubeFlags): Readonly<Record<string, string>> {
  const fields: Record<string, string> = {};
  if (flags.certificateAuthority) fields['certificate-authority'] = '--certificate-authority';
  if (flags.clientCertificate) fields['client-certificate'] = '--client-certificate';
  if (flags.clientKey) fields['client-key'] = '--client-key';
  return fields;
}

const VALUE_FLAGS: readonly (keyof KubeFlags & string)[] = [
  'server', 'certificateAuthority', 'tlsServerName', 'token', 'clientCertificate', 'clientKey', 'as', 'asUid',
];

const kebab = (name: string) => name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);

/** client-go's DefaultServerURL: a server without a scheme (`10.0.0.1:6443`) is https. */
export function serverUrlFromFlag(server: string): string {
  return server.includes('://') ? server : `https://${server}`;
}

/**
 * What is wrong with the connection flags themselves, checked before any file is read. An empty value is refused
 * rather than ignored as kubectl does: `--token "$TOKEN"` with TOKEN unset would otherwise quietly connect as the
 * kubeconfig's user.
 */
export function checkConnectionFlags(flags: KubeFlags): void {
  for (const name of VALUE_FLAGS) {
    if (flags[name] === '') throw new KubeInputError(`--${kebab(name)} was given an empty value: give it a value, or leave the flag out`);
  }
  if (flags.asGroup?.some((group) => group === '')) throw new KubeInputError('--as-group was given an empty value: give a group name, or leave the flag out');
  if (flags.insecureSkipTlsVerify && flags.certificateAuthority) {
    throw new KubeInputError(
      'specifying a root certificates file with the insecure flag is not allowed: give --certificate-authority or --insecure-skip-tls-verify, not both',
    );
  }
  if (flags.server !== undefined) {
    const url = serverUrlFromFlag(flags.server);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol) || new URL(url).hostname === '') {
      throw new KubeInputError(`--server must be the URL of a Kubernetes API server, such as https://10.0.0.1:6443, got ${JSON.stringify(flags.server)}`);
    }
  }
}

/** The cluster entry with --server, --certificate-authority, --insecure-skip-tls-verify and --tls-server-name applied. */
export function clusterWithFlags(cluster: KubeconfigEntry, flags: KubeFlags): KubeconfigEntry {
  const merged: KubeconfigEntry = { ...cluster };
  if (flags.server) merged.server = serverUrlFromFlag(flags.server);
  if (flags.certificateAuthority) {
    // A CA given on the command line also replaces the kubeconfig's CA data and its insecure setting.
    merged['certificate-authority'] = resolve(flags.certificateAuthority);
    delete merged['certificate-authority-data'];
    delete merged['insecure-skip-tls-verify'];
  }
  if (flags.insecureSkipTlsVerify) {
    // Without a CA flag, --insecure-skip-tls-verify clears the kubeconfig's CA rather than conflicting with it.
    merged['insecure-skip-tls-verify'] = true;
    delete merged['certificate-authority'];
    delete merged['certificate-authority-data'];
  }
  if (flags.tlsServerName) merged['tls-server-name'] = flags.tlsServerName;
  return merged;
}

/** Ways a kubeconfig user proves who it is that --token takes the place of (a client certificate is kept, as in kubectl). */
const REPLACED_BY_TOKEN = ['token', 'tokenFile', 'username', 'password', 'exec', 'auth-provider'];

/**
 * The user entry with --token, --client-certificate, --client-key, --as, --as-group and --as-uid applied. With a
 * token, client-go neither runs the exec plugin nor asks an auth provider: the token is the credential.
 */
export function userWithFlags(user: KubeconfigEntry, flags: KubeFlags, describeUser: string): KubeconfigEntry {
  const merged: KubeconfigEntry = { ...user };
  if (flags.token) {
    for (const field of REPLACED_BY_TOKEN) delete merged[field];
    merged.token = flags.token;
  }
  if (flags.clientCertificate) {
    merged['client-certificate'] = resolve(flags.clientCertificate);
    delete merged['client-certificate-data'];
  }
  if (flags.clientKey) {
    merged['client-key'] = resolve(flags.clientKey);
    delete merged['client-key-data'];
  }
  if (flags.as) merged.as = flags.as;
  if (flags.asGroup && flags.asGroup.length > 0) merged['as-groups'] = [...flags.asGroup];
  if (flags.asUid) merged['as-uid'] = flags.asUid;
  checkImpersonation(merged, flags, describeUser);
  return merged;
}

/** client-go's rule: groups, a uid or extra fields are only sent along with a user to impersonate. */
function checkImpersonation(user: KubeconfigEntry, flags: KubeFlags, describeUser: string): void {
  const groups = user['as-groups'];
  const extra = user['as-user-extra'];
  const wantsMore =
    (Array.isArray(groups) && groups.length > 0) || (typeof user['as-uid'] === 'string' && user['as-uid'] !== '') || (extra !== null && typeof extra === 'object' && Object.keys(extra).length > 0);
  if (!wantsMore || (typeof user.as === 'string' && user.as !== '')) return;
  if (flags.asGroup?.length || flags.asUid) {
    throw new KubeInputError('requesting uid, groups or user-extra without impersonating a user: --as-group and --as-uid need --as USER too');
  }
  throw new KubeconfigError(`requesting uid, groups or user-extra for ${describeUser} without impersonating a user: add as: USER to it, or give --as USER`);
}
