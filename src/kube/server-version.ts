// GET /version (KubeConnection.serverVersion): what `kubectl version` reports as the server's version.
import type { HttpTransport } from './http.js';

/** The server's version.Info as it sent it (major, minor, gitVersion, ...); rejects like any LeaseClient call. */
export function fetchServerVersion(transport: HttpTransport, signal?: AbortSignal): Promise<Record<string, unknown>> {
  return transport.requestObject({ method: 'GET', path: '/version', signal });
}
