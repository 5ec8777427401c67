// RBAC as the sandbox's users see it: the admin may do anything, the viewer only read, anonymous nothing. Denials use the
// authorizer's wording, e.g. `User "viewer" cannot update resource "leases" in API group "coordination.k8s.io" in
// the namespace "default"`.

import type { User } from './request.js';
import { forbidden, type GroupResource } from './status.js';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const readVerbs: ReadonlySet<Verb> = new Set(['get', 'list', 'watch']);

/** A request without credentials: kube-apiserver's anonymous auth is on by default, and RBAC grants it nothing. */
export const anonymousUser: User = { name: 'system:anonymous', canRead: false, canWrite: false };

/** What system:public-info-viewer lets anyone, anonymous included, get. */
export const publicInfoPaths: ReadonlySet<string> = new Set(['/version', '/healthz', '/livez', '/readyz']);

export function authorize(user: User, verb: Verb, resource: GroupResource, namespace: string | undefined, name: string | undefined): void {
  if (user.canWrite || (user.canRead && readVerbs.has(verb))) return;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  throw forbidden(resource, name ?? '', `User "${user.name}" cannot ${verb} resource "${resource.resource}" in API group "${resource.group}" ${scope}`);
}
