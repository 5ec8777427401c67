// When a connection empties Node's process-wide default CA list (src/kube/http.ts, for start-up): only when the
// process edge says the run owns its process, the cluster names its CA, and no client-node authenticator (whose
// auth providers make HTTPS requests of their own) is in use. The setter is replaced by a spy, so this test file's
// own process keeps its defaults.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connect } from '../../src/kube/connect.js';

const tls = process.getBuiltinModule('node:tls') as typeof import('node:tls') & { setDefaultCACertificates?: (certificates: string[]) => void };
const caPem = (await generate([{ name: 'commonName', value: 'test-ca' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' })).cert;
const dir = mkdtempSync(join(tmpdir(), 'leasectl-tls-defaults-'));

function kubeconfig(name: string, cluster: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(
    path,
    JSON.stringify({
      'current-context': 'c',
      clusters: [{ name: 'k', cluster: { server: 'https://k.example:6443', ...cluster } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'c', context: { cluster: 'k', user: 'u' } }],
    }),
  );
  return path;
}

const withCa = { 'certificate-authority-data': Buffer.from(caPem).toString('base64') };
const original = tls.setDefaultCACertificates;
let setDefaults: ReturnType<typeof vi.fn<(certificates: string[]) => void>>;

beforeEach(() => {
  setDefaults = vi.fn<(certificates: string[]) => void>();
  tls.setDefaultCACertificates = setDefaults;
});

afterEach(() => {
  if (original) tls.setDefaultCACertificates = original;
  else delete tls.setDefaultCACertificates;
});

async function connectedWith(cluster: Record<string, unknown>, ownsProcess: boolean): Promise<void> {
  const connection = await connect({ kubeconfig: kubeconfig(`${Math.random().toString(36).slice(2)}.yaml`, cluster) }, {}, { ownsProcess });
  connection.close();
}

describe("a connection and Node's default CA list", () => {
  it('empties it when the run owns its process and the cluster names its CA', async () => {
    await connectedWith(withCa, true);
    expect(setDefaults).toHaveBeenCalledWith([]);
  });

  it('leaves it alone in a process it shares (tests, by default)', async () => {
    await connectedWith(withCa, false);
    expect(setDefaults).not.toHaveBeenCalled();
  });

  it('leaves it alone for a cluster trusted through the default CAs, or not verified at all', async () => {
    await connectedWith({}, true);
    await connectedWith({ 'insecure-skip-tls-verify': true }, true);
    expect(setDefaults).not.toHaveBeenCalled();
  });

  it('leaves it alone where client-node authenticates (a proxy here)', async () => {
    await connectedWith({ ...withCa, 'proxy-url': 'http://127.0.0.1:1' }, true);
    expect(setDefaults).not.toHaveBeenCalled();
  });
});
