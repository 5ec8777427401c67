// Impersonation as kube-apiserver's filter does it (k8s.io/apiserver endpoints/filters/impersonation.go): a
// requestor whom RBAC lets `impersonate` (here the admin, as a cluster-admin may) sends Impersonate-User, and
// optionally Impersonate-Group (repeated) and Impersonate-Uid; each is authorized in that order, the first denied
// one answers 403 in the authorizer's words, and the request then runs as the impersonated user, under its RBAC.

import type { IncomingMessage } from 'node:http';
import type { User } from './request.js';
import { forbidden, type GroupResource, internalError } from './status.js';

const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;
/** kube-apiserver's superuser group: its members may do anything. */
const MASTERS_GROUP = 'system:masters';

const usersResource: GroupResource = { group: '', resource: 'users' };
const serviceAccountsResource: GroupResource = { group: '', resource: 'serviceaccounts' };
const groupsResource: GroupResource = { group: '', resource: 'groups' };
const uidsResource: GroupResource = { group: 'authentication.k8s.io', resource: 'uids' };

/** Only the admin holds the `impersonate` verb (the viewer's and a tenant's roles do not grant it). */
const mayImpersonate = (user: User) => user.canWrite && user.onlyNamespace === undefined;

function denied(requestor: User, resource: GroupResource, name: string, namespace?: string) {
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return forbidden(resource, name, `User "${requestor.name}" cannot impersonate resource "${resource.resource}" in API group "${resource.group}" ${scope}`);
}

/**
 * The sandbox's RBAC for whoever is impersonated: system:masters may do anything; a name the sandbox has a token for
 * (admin, viewer, tenant) gets that user's rights; a service account gets leases in its own namespace (what a
 * leader-elected controller's Role grants); anyone else is authenticated but bound to nothing.
 */
function rightsOf(name: string, groups: readonly string[], known: Iterable<User>): User {
  if (groups.includes(MASTERS_GROUP)) return { name, canRead: true, canWrite: true };
  for (const user of known) if (user.name === name) return { ...user };
  const serviceAccount = SERVICE_ACCOUNT.exec(name);
  if (serviceAccount) return { name, canRead: true, canWrite: false, onlyNamespace: serviceAccount[1]! };
  return { name, canRead: true, canWrite: false, onlyNamespace: null };
}

/** The user a request runs as: the requestor, or whom its Impersonate-* headers name, once each one is allowed. */
export function impersonatedUser(requestor: User, request: IncomingMessage, known: Iterable<User>): User {
  const headers = request.headersDistinct;
  const name = headers['impersonate-user']?.[0] ?? '';
  const groups = headers['impersonate-group'] ?? [];
  const uid = headers['impersonate-uid']?.[0] ?? '';
  if (name === '') {
    // The apiserver answers this with an internal error too, before any authorization.
    if (groups.length > 0 || uid !== '') throw internalError('requested groups or a uid without impersonating a user');
    return requestor;
  }
  if (!mayImpersonate(requestor)) {
    const serviceAccount = SERVICE_ACCOUNT.exec(name);
    throw serviceAccount
      ? denied(requestor, serviceAccountsResource, serviceAccount[2]!, serviceAccount[1])
      : denied(requestor, usersResource, name);
  }
  return rightsOf(name, groups, known);
}
