// GET /api/v1/namespaces, for completing -n (KubeConnection.namespaceNames).
import type { HttpTransport } from './http.js';

interface NamespaceList {
  items?: { metadata?: { name?: string } }[];
}

/** Names of every namespace the caller may list; rejects like any LeaseClient call (KubeApiError, KubeTransportError, KubeResponseError). */
export async function listNamespaceNames(transport: HttpTransport, signal?: AbortSignal): Promise<string[]> {
  const list = (await transport.requestObject({ method: 'GET', path: '/api/v1/namespaces', signal })) as NamespaceList;
  return (list.items ?? []).map((item) => item.metadata?.name).filter((name): name is string => Boolean(name));
}
