// Holder identities. client-go components use `<hostname>_<uuid>` so that two processes on one host never share
// an identity; apiserver identity leases use `apiserver-<hash>_<uuid>`.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The host and UUID of a `<host>_<uuid>` identity, split at the last `_` so a host containing `_` stays whole.
 * Undefined when the identity does not end in `_<uuid>` or has nothing before it.
 */
export function splitHolderIdentity(identity: string): { host: string; id: string } | undefined {
  const separator = identity.lastIndexOf('_');
  if (separator <= 0) return undefined;
  const id = identity.slice(separator + 1);
  return UUID.test(id) ? { host: identity.slice(0, separator), id } : undefined;
}

/** The identity kube-controller-manager and kube-scheduler use: `<hostname>_<uuid>`. */
export function defaultHolderIdentity(hostname: string, uuid: string): string {
  return `${hostname}_${uuid}`;
}
