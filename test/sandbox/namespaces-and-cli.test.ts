// The core Namespace API, start/stop behaviour, and the `sandbox` command.

import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { parse as parseYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '@leasectl/sandbox';
import { apiClient, leaseBody, leasesPath, useSandbox, waitFor } from './client.js';

const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));

const harness = useSandbox({ namespaces: ['extra'] });

describe('namespaces API', () => {
  it('lists the built-in namespaces and extra ones', async () => {
    const res = await harness.api.call('GET', '/api/v1/namespaces');
    expect(res.json.kind).toBe('NamespaceList');
    expect(res.json.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual(['default', 'extra', 'kube-node-lease', 'kube-public', 'kube-system']);
  });

  it('creates a namespace with server-set metadata and Active phase', async () => {
    const res = await harness.api.call('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'team-b', uid: expect.any(String), resourceVersion: expect.stringMatching(/^\d+$/), creationTimestamp: expect.any(String), labels: { 'kubernetes.io/metadata.name': 'team-b' } }, status: { phase: 'Active' } });
    expect((await harness.api.call('POST', leasesPath('team-b'), { body: leaseBody('inside') })).status).toBe(201);
    const again = await harness.api.call('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-b' } } });
    expect(again.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'namespaces "team-b" already exists', reason: 'AlreadyExists', details: { name: 'team-b', kind: 'namespaces' }, code: 409 });
  });

  it('validates namespace names as RFC 1123 labels', async () => {
    const res = await harness.api.call('POST', '/api/v1/namespaces', { body: { metadata: { name: 'Team.B' } } });
    expect(res.status).toBe(422);
    expect(res.json.message).toBe(`Namespace "Team.B" is invalid: metadata.name: Invalid value: "Team.B": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`);
  });

  it('deleting a namespace removes its leases; protected namespaces cannot be deleted', async () => {
    const deleted = await harness.api.call('DELETE', '/api/v1/namespaces/team-b');
    expect(deleted.status).toBe(200);
    expect(deleted.json.status.phase).toBe('Terminating');
    expect((await harness.api.call('GET', '/api/v1/namespaces/team-b')).json.message).toBe('namespaces "team-b" not found');
    expect((await harness.api.call('GET', '/apis/coordination.k8s.io/v1/leases')).json.items.map((i: { metadata: { name: string } }) => i.metadata.name)).not.toContain('inside');
    const protectedNs = await harness.api.call('DELETE', '/api/v1/namespaces/kube-system');
    expect(protectedNs.json).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'namespaces "kube-system" is forbidden: this namespace may not be deleted', reason: 'Forbidden', details: { name: 'kube-system', kind: 'namespaces' }, code: 403 });
  });

  it('the viewer cannot create namespaces', async () => {
    const res = await harness.api.call('POST', '/api/v1/namespaces', { token: harness.sandbox.tokens.readOnly, body: { metadata: { name: 'nope' } } });
    expect(res.json.message).toBe('namespaces is forbidden: User "viewer" cannot create resource "namespaces" in API group "" at the cluster scope');
  });

  it('createNamespace() makes one programmatically', async () => {
    harness.sandbox.createNamespace('made-in-process');
    expect((await harness.api.call('GET', '/api/v1/namespaces/made-in-process')).status).toBe(200);
  });
});

describe('lifecycle', () => {
  it('writes kubeconfigs for admin and viewer', async () => {
    const path = await harness.sandbox.writeKubeconfig(join(dir, 'nested', 'kc'), { readOnly: true, namespace: 'extra', contextName: 'ro' });
    const config = parseYaml(readFileSync(path, 'utf8'));
    expect(config['current-context']).toBe('ro');
    expect(config.contexts[0].context.namespace).toBe('extra');
    expect(config.users[0].user.token).toBe(harness.sandbox.tokens.readOnly);
    expect(Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString()).toBe(harness.sandbox.caPem);
    expect(config.clusters[0].cluster.server).toBe(harness.sandbox.url);
  });

  it('stop() closes open watches instead of waiting for them to end', async () => {
    const other = await startSandbox();
    const url = new URL(other.url);
    const ended = new Promise<void>((resolve) => {
      const req = httpsRequest({ host: url.hostname, port: url.port, path: `${leasesPath('default')}?watch=1`, ca: other.caPem, headers: { Authorization: `Bearer ${other.tokens.admin}` } }, (res) => {
        res.on('close', () => resolve());
        res.resume();
      });
      req.on('error', () => resolve());
      req.end();
    });
    await new Promise((r) => setTimeout(r, 100));
    // A watch without timeoutSeconds runs for many minutes: a stop() that waited for it would time the test out.
    await other.stop();
    await ended;
  });
});

describe('sandbox command', () => {
  let bundle: string;

  beforeAll(async () => {
    bundle = join(dir, 'sandbox.mjs');
    await build({
      entryPoints: ['packages/sandbox/src/cli.ts'], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent',
      banner: { js: "import{createRequire as r}from'node:module';const require=r(import.meta.url);" },
    });
  });

  it('prints only the kubeconfig path on stdout, serves until SIGTERM, then exits 0', async () => {
    const kubeconfig = join(dir, 'cli', 'kubeconfig');
    const child = spawn(process.execPath, [bundle, '--kubeconfig', kubeconfig, '--namespace', 'cli-a', '--namespace', 'cli-b'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    // stdout and stderr are separate pipes: the stderr banner may arrive after the stdout line.
    await waitFor(() => stdout.includes('\n') && stderr.includes('Lease API server at https://127.0.0.1:'), 15_000);
    expect(stdout).toBe(`${kubeconfig}\n`);
    const config = parseYaml(readFileSync(kubeconfig, 'utf8'));
    const readOnly = parseYaml(readFileSync(`${kubeconfig}-readonly`, 'utf8'));
    expect(readOnly.users[0].user.token).not.toBe(config.users[0].user.token);
    const url = new URL(config.clusters[0].cluster.server);
    const ca = Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString();
    const names = await new Promise<string[]>((resolve, reject) => {
      httpsRequest({ host: url.hostname, port: url.port, path: '/api/v1/namespaces', ca, headers: { Authorization: `Bearer ${config.users[0].user.token}` } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve(JSON.parse(body).items.map((n: { metadata: { name: string } }) => n.metadata.name)));
      }).on('error', reject).end();
    });
    expect(names).toEqual(expect.arrayContaining(['cli-a', 'cli-b', 'default']));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('--feature-gates CoordinatedLeaderElection=true keeps spec.strategy', async () => {
    const kubeconfig = join(dir, 'gated', 'kubeconfig');
    const child = spawn(process.execPath, [bundle, '--kubeconfig', kubeconfig, '--feature-gates', 'CoordinatedLeaderElection=true'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor(() => stdout.includes('\n'), 15_000);
      const config = parseYaml(readFileSync(kubeconfig, 'utf8'));
      const token = config.users[0].user.token as string;
      const served = apiClient({
        url: config.clusters[0].cluster.server,
        caPem: Buffer.from(config.clusters[0].cluster['certificate-authority-data'], 'base64').toString(),
        token,
      });
      const created = await served.call('POST', leasesPath('default'), { body: leaseBody('coordinated', { strategy: 'OldestEmulationVersion' }) });
      served.close();
      expect(created.json.spec).toEqual({ strategy: 'OldestEmulationVersion' });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('rejects an unknown feature gate as kube-apiserver does, with exit code 2', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, [bundle, '--feature-gates', 'Bogus=true'], (error, _stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^sandbox: invalid argument "Bogus=true" for "--feature-gates" flag: unrecognized feature gate: Bogus \(usage: /);
  });

  it('rejects bad flags with one line and exit code 2', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [bundle, '--bogus'], (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });
});
