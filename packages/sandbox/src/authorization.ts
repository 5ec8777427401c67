// RBAC as the sandbox's users see it: the admin may do anything, the viewer only read, a tenant only work with leases in
// its one namespace, anonymous nothing. Denials use the authorizer's wording, e.g. `User "viewer" cannot update
// resource "leases" in API group "coordination.k8s.io" in the namespace "default"`.

import type { User } from './request.js';
import { forbidden, type GroupResource, leasesResource, namespacesResource } from './status.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const readVerbs: ReadonlySet<Verb> = new Set(['get', 'list', 'watch']);

/** A request without credentials: kube-apiserver's anonymous auth is on by default, and RBAC grants it nothing. */
export const anonymousUser: User = { name: 'system:anonymous', canRead: false, canWrite: false };

/** What system:public-info-viewer lets anyone, anonymous included, get. */
export const publicInfoPaths: ReadonlySet<string> = new Set(['/version', '/healthz', '/livez', '/readyz']);

const isResource = (resource: GroupResource, wanted: GroupResource) => resource.group === wanted.group && resource.resource === wanted.resource;

/** A Role granting every verb on leases in its namespace, plus a get of that namespace (kubectl and clients check it). */
function tenantMay(tenantNamespace: string | null, verb: Verb, resource: GroupResource, namespace: string | undefined): boolean {
  if (namespace !== tenantNamespace) return false;
  return isResource(resource, leasesResource) || (isResource(resource, namespacesResource) && verb === 'get');
}

/**
 * `namespace` is the request's, as kube-apiserver's RequestInfo has it: for `/api/v1/namespaces/NAME` it is NAME,
 * so a denied get of a namespace is worded `in the namespace "NAME"`.
 */
export function authorize(user: User, verb: Verb, resource: GroupResource, namespace: string | undefined, name: string | undefined): void {
  const allowed =
    user.onlyNamespace !== undefined ? tenantMay(user.onlyNamespace, verb, resource, namespace) : user.canWrite || (user.canRead && readVerbs.has(verb));
  if (allowed) return;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  throw forbidden(resource, name ?? '', `User "${user.name}" cannot ${verb} resource "${resource.resource}" in API group "${resource.group}" ${scope}`);
}
