// Discovery documents kubectl reads before anything else. Only the legacy (unaggregated) form is served: kubectl
// asks for aggregated discovery first and falls back when the answer's Content-Type is plain application/json.
// The OpenAPI documents are in openapi.ts.

/** The release whose behaviour the sandbox models (and whose recorded exchanges its tests replay). */
export const sandboxVersion = {
  major: '1',
  minor: '26',
  gitVersion: 'v1.26.1',
  gitCommit: 'd15ef3101210b20aac2e7a044ef087f397ad58c0',
  gitTreeState: 'clean',
  buildDate: '2023-01-18T15:51:25Z',
  goVersion: 'go1.19.8',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const coordinationV1 = { groupVersion: 'coordination.k8s.io/v1', version: 'v1' };

const coordinationGroup = { name: 'coordination.k8s.io', versions: [coordinationV1], preferredVersion: coordinationV1 };

/** The documents by path; `/api` needs the server address, so it is built per server. */
export function discoveryDocuments(serverAddress: string): Map<string, unknown> {
  return new Map<string, unknown>([
    ['/version', sandboxVersion],
    ['/api', { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] }],
    ['/api/v1', {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [{ name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list'], shortNames: ['ns'], storageVersionHash: 'Q3oi5N2YM8M=' }],
    }],
    ['/apis', { kind: 'APIGroupList', apiVersion: 'v1', groups: [coordinationGroup] }],
    ['/apis/coordination.k8s.io', { kind: 'APIGroup', apiVersion: 'v1', ...coordinationGroup }],
    ['/apis/coordination.k8s.io/v1', {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'coordination.k8s.io/v1',
      resources: [{ name: 'leases', singularName: '', namespaced: true, kind: 'Lease', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], storageVersionHash: 'gqkMMb/YqFM=' }],
    }],
  ]);
}
