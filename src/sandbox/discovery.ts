// Discovery documents kubectl reads before anything else. Only the legacy (unaggregated) form is served: kubectl
// asks for aggregated discovery first and falls back when the answer's Content-Type is plain application/json.
// OpenAPI v3 is served only as far as kubectl needs it to see that the server validates fields itself (the
// fieldValidation parameter on the Lease PATCH operation); without that, `kubectl create -f` insists on
// downloading the whole OpenAPI v2 schema to validate on the client. There are no schemas, so kubectl's client-side
// apply falls back to its built-in Lease type for patch computation, as it does against any server without them.

export const sandboxVersion = {
  major: '1',
  minor: '34',
  gitVersion: 'v1.34.0-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-01-01T00:00:00Z',
  goVersion: 'go1.24.0',
  compiler: 'gc',
  platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
};

const coordinationV1 = { groupVersion: 'coordination.k8s.io/v1', version: 'v1' };

const coordinationGroup = { name: 'coordination.k8s.io', versions: [coordinationV1], preferredVersion: coordinationV1 };

const leaseOpenApiHash = 'sandbox-coordination-v1';

const patchParameters = ['dryRun', 'fieldManager', 'fieldValidation', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

const leaseOpenApi = {
  openapi: '3.0.0',
  info: { title: 'Kubernetes', version: 'v1.34.0-sandbox' },
  paths: {
    '/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}': {
      patch: {
        tags: ['coordination_v1'],
        operationId: 'patchCoordinationV1NamespacedLease',
        parameters: patchParameters,
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' },
      },
    },
  },
  components: { schemas: {} },
};

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
    ['/openapi/v3', { paths: { 'apis/coordination.k8s.io/v1': { serverRelativeURL: `/openapi/v3/apis/coordination.k8s.io/v1?hash=${leaseOpenApiHash}` } } }],
    ['/openapi/v3/apis/coordination.k8s.io/v1', leaseOpenApi],
    ['/apis/coordination.k8s.io/v1', {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'coordination.k8s.io/v1',
      resources: [{ name: 'leases', singularName: '', namespaced: true, kind: 'Lease', verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], storageVersionHash: 'gqkMMb/YqFM=' }],
    }],
  ]);
}
