// GET /api/v1/namespaces, for completing -n (KubeConnection.namespaceNames).
import type { HttpTransport } from './http.js';

interface NamespaceList {
  items?: { metadata?: { name?: string } }[];
}

/** Names of every namespace the caller may list; rejects like any LeaseClient call (KubeApiError, KubeTransportError). */
export async function listNamespaceNames(transport: HttpTransport, signal?: AbortSignal): Promise<string[]> {
  const response = await transport.request({ method: 'GET', path: '/api/v1/namespaces', signal });
  const list = JSON.parse(response.body) as NamespaceList;
  return (list.items ?? []).map((item) => item.metadata?.name).filter((name): name is string => Boolean(name));
}
