// /openapi/v2 and /openapi/v3 as kube-apiserver serves them; kubectl's use of them is in kubectl.test.ts.

import { describe, expect, it } from 'vitest';
import { encodeSchema } from '../../packages/sandbox/src/openapi-protobuf.js';
import { useSandbox } from './client.js';

const harness = useSandbox({ orRealCluster: true });

const protobufAccept = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** Every `$ref` in a schema tree. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' ? [inner as string] : refsIn(inner)));
}

describe('/openapi/v2', () => {
  it('answers JSON by default, with the Lease and Namespace kinds findable by their GVK', async () => {
    const res = await harness.api.call('GET', '/openapi/v2');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.json.swagger).toBe('2.0');
    const { definitions } = res.json;
    expect(definitions['io.k8s.api.coordination.v1.Lease']['x-kubernetes-group-version-kind']).toEqual([{ group: 'coordination.k8s.io', kind: 'Lease', version: 'v1' }]);
    expect(definitions['io.k8s.api.coordination.v1.LeaseList']['x-kubernetes-group-version-kind']).toEqual([{ group: 'coordination.k8s.io', kind: 'LeaseList', version: 'v1' }]);
    expect(definitions['io.k8s.api.core.v1.Namespace']['x-kubernetes-group-version-kind']).toEqual([{ group: '', kind: 'Namespace', version: 'v1' }]);
    expect(Object.keys(definitions['io.k8s.api.coordination.v1.LeaseSpec'].properties).sort()).toEqual(
      ['acquireTime', 'holderIdentity', 'leaseDurationSeconds', 'leaseTransitions', 'preferredHolder', 'renewTime', 'strategy'],
    );
    expect(definitions['io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime']).toMatchObject({ type: 'string', format: 'date-time' });
  });

  it('defines everything it refers to (kube-openapi rejects a document with a dangling $ref)', async () => {
    const { definitions } = (await harness.api.call('GET', '/openapi/v2')).json;
    const missing = refsIn(definitions).map((ref) => ref.replace('#/definitions/', '')).filter((name) => !(name in definitions));
    expect(missing).toEqual([]);
  });

  it('answers gnostic protobuf to kubectl\'s Accept, labelled with the parseable `.v1.0` media type', async () => {
    const res = await harness.api.call('GET', '/openapi/v2', { headers: { Accept: protobufAccept } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    // Document { 1: swagger "2.0" } first, as proto.Marshal orders fields.
    expect(res.text.startsWith('\n\u00032.0')).toBe(true);
    expect(res.text).toContain('io.k8s.api.coordination.v1.LeaseSpec');
  });

  it('honours If-None-Match with a 304 and refuses what it cannot produce with a 406', async () => {
    const first = await harness.api.call('GET', '/openapi/v2', { headers: { Accept: protobufAccept } });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9A-F]{128}"$/);
    expect(first.headers.vary).toBe('Accept');
    const again = await harness.api.call('GET', '/openapi/v2', { headers: { Accept: protobufAccept, 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
    expect((await harness.api.call('GET', '/openapi/v2', { headers: { Accept: 'text/html' } })).status).toBe(406);
    expect((await harness.api.call('GET', '/openapi/v2', { headers: { Accept: 'text/html, application/json;q=0.5' } })).headers['content-type']).toBe('application/json');
  });
});

describe('gnostic Schema encoding', () => {
  it('puts each keyword at its OpenAPIv2.proto field number, extensions last as YAML', () => {
    const encoded = encodeSchema({ 'x-a': 'b', type: 'string', description: 'd' });
    expect([...encoded]).toEqual([
      0x22, 0x01, 0x64, // 4: description "d"
      0xb2, 0x01, 0x08, 0x0a, 0x06, ...Buffer.from('string'), // 22: TypeItem { 1: "string" }
      0xfa, 0x01, 0x0b, 0x0a, 0x03, ...Buffer.from('x-a'), 0x12, 0x04, 0x12, 0x02, 0x62, 0x0a, // 31: NamedAny { 1: "x-a", 2: Any { 2: "b\n" } }
    ]);
  });

  it('refuses a keyword it has no encoding for instead of dropping it', () => {
    expect(() => encodeSchema({ maximum: 3 })).toThrow('schema keyword maximum has no protobuf encoding here');
  });
});

describe('/openapi/v3', () => {
  it('lists coordination.k8s.io/v1 under a hash of its content, and that document has the schemas explain needs', async () => {
    const root = (await harness.api.call('GET', '/openapi/v3')).json;
    const url: string = root.paths['apis/coordination.k8s.io/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/coordination\.k8s\.io\/v1\?hash=[0-9A-F]{128}$/);
    const document = (await harness.api.call('GET', url)).json;
    const lease = document.components.schemas['io.k8s.api.coordination.v1.Lease'];
    expect(lease.properties.spec).toEqual({ allOf: [{ $ref: '#/components/schemas/io.k8s.api.coordination.v1.LeaseSpec' }], description: expect.any(String) });
    const missing = refsIn(document.components.schemas).map((ref) => ref.replace('#/components/schemas/', '')).filter((name) => !(name in document.components.schemas));
    expect(missing).toEqual([]);
    const patch = document.paths['/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}'].patch;
    expect(patch.parameters.map((parameter: { name: string }) => parameter.name)).toContain('fieldValidation');
  });
});
