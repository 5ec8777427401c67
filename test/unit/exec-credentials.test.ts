// client-go's exec rules (plugin/pkg/client/auth/exec/exec.go), with an injected clock: when the plugin runs
// again (expiry, a 401 to the current credential only), how its answer is checked, when it gets our stdin.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execConfig, execCredentials, isInteractive, parseExecCredential } from '../../src/kube/exec-credentials.js';
import { KubeconfigError } from '../../src/kube/errors.js';
import type { ResolvedKubeconfig } from '../../src/kube/kubeconfig.js';

const V1 = 'client.authentication.k8s.io/v1';
const dir = mkdtempSync(join(tmpdir(), 'leasectl-exec-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let scripts = 0;
/** A plugin that counts its runs in a file and prints `status` (with $n, the run's number, expanded). */
function countingPlugin(status: string): { command: string; runs: () => number } {
  const runsFile = join(dir, `runs-${++scripts}`);
  const command = join(dir, `plugin-${scripts}`);
  writeFileSync(command, `#!/bin/sh\necho run >> ${runsFile}\nn=$(wc -l < ${runsFile} | tr -d ' ')\necho "{\\"apiVersion\\":\\"${V1}\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":${status.replaceAll('"', '\\"')}}"\n`);
  chmodSync(command, 0o755);
  return { command, runs: () => readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).length };
}

function resolved(exec: Record<string, unknown>): ResolvedKubeconfig {
  return {
    server: 'https://127.0.0.1:6443',
    clusterName: 'c',
    cluster: { server: 'https://127.0.0.1:6443' },
    userName: 'u',
    user: { exec },
    contextName: 'x',
    contextNamespace: undefined,
    source: 'test',
    fileFlags: {},
  };
}

describe('the exec block', () => {
  it('v1beta1 defaults interactiveMode to IfAvailable; v1 requires it', () => {
    expect(execConfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'p' } }, 'u').interactiveMode).toBe('IfAvailable');
    expect(() => execConfig({ exec: { apiVersion: V1, command: 'p' } }, 'u')).toThrow(/interactiveMode must be specified for u/);
  });

  it('an unknown interactiveMode, a missing command or an unnamed env variable is refused', () => {
    expect(() => execConfig({ exec: { apiVersion: V1, command: 'p', interactiveMode: 'Sometimes' } }, 'u')).toThrow('unknown interactiveMode "Sometimes"');
    expect(() => execConfig({ exec: { apiVersion: V1, interactiveMode: 'Never' } }, 'u')).toThrow('command must be specified for u');
    expect(() => execConfig({ exec: { apiVersion: V1, command: 'p', interactiveMode: 'Never', env: [{ value: 'x' }] } }, 'u')).toThrow('env variable name must be specified');
  });

  it('a bad exec block is a kubeconfig error before any request', () => {
    expect(() => execCredentials(resolved({ apiVersion: 'v2', command: 'p' }), { env: {}, now: () => 0 })).toThrow(KubeconfigError);
  });
});

describe('interactive mode', () => {
  it.each([
    ['Never', true, false],
    ['Never', false, false],
    ['IfAvailable', true, true],
    ['IfAvailable', false, false],
    ['Always', true, true],
  ] as const)('%s with a terminal on stdin: %s gives interactive %s', (mode, terminal, interactive) => {
    expect(isInteractive(mode, terminal)).toBe(interactive);
  });

  it('Always without a terminal is an error', () => {
    expect(() => isInteractive('Always', false)).toThrow('standard input is not a terminal');
  });
});

describe('the plugin answer', () => {
  it('a certificate and key pair, and an RFC 3339 expiry', () => {
    const answer = parseExecCredential(
      JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: { clientCertificateData: 'CERT', clientKeyData: 'KEY', expirationTimestamp: '2030-01-02T03:04:05Z' } }),
      V1,
    );
    expect(answer).toEqual({ headers: {}, certificate: { cert: 'CERT', key: 'KEY' }, expiresAt: Date.parse('2030-01-02T03:04:05Z') });
  });

  it('an expirationTimestamp that is not a time is refused', () => {
    expect(() => parseExecCredential(JSON.stringify({ apiVersion: V1, kind: 'ExecCredential', status: { token: 't', expirationTimestamp: 'soon' } }), V1)).toThrow(
      'expirationTimestamp "soon" is not an RFC 3339 time',
    );
  });
});

describe('when the plugin runs again', () => {
  it('not before expirationTimestamp, then once the clock has passed it', async () => {
    const { command, runs } = countingPlugin('{"token":"t$n","expirationTimestamp":"2030-01-01T00:00:00Z"}');
    let now = Date.parse('2029-12-31T23:59:59Z');
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => now });
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t1' });
    now = Date.parse('2030-01-01T00:00:00Z');
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t1' });
    now += 1;
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t2' });
    expect(runs()).toBe(2);
  });

  it('an answer without expirationTimestamp is kept until the server rejects it', async () => {
    const { command, runs } = countingPlugin('{"token":"t$n"}');
    let now = 0;
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => now });
    const first = await credentials.headers();
    now = 10 * 365 * 24 * 3600_000;
    expect(await credentials.headers()).toBe(first);
    credentials.rejected!(first);
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t2' });
    expect(runs()).toBe(2);
  });

  it('a 401 to a credential already replaced does not run the plugin again', async () => {
    const { command, runs } = countingPlugin('{"token":"t$n"}');
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => 0 });
    const stale = await credentials.headers();
    credentials.rejected!(stale);
    const fresh = await credentials.headers();
    credentials.rejected!(stale);
    expect(await credentials.headers()).toBe(fresh);
    expect(runs()).toBe(2);
  });

  it('concurrent requests wait for one run', async () => {
    const { command, runs } = countingPlugin('{"token":"t$n"}');
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => 0 });
    const all = await Promise.all(Array.from({ length: 8 }, () => credentials.headers()));
    expect(new Set(all.map((headers) => headers.Authorization))).toEqual(new Set(['Bearer t1']));
    expect(runs()).toBe(1);
  });

  it('start() runs the plugin ahead of the first request, which then uses that run', async () => {
    const { command, runs } = countingPlugin('{"token":"t$n"}');
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => 0 });
    credentials.start!();
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t1' });
    expect(await credentials.headers()).toEqual({ Authorization: 'Bearer t1' });
    expect(runs()).toBe(1);
  });

  it('a plugin that fails when started fails the first request, once, in the kubeconfig error', async () => {
    const runsFile = join(dir, 'runs-failing');
    const command = join(dir, 'plugin-failing');
    writeFileSync(command, `#!/bin/sh
echo run >> ${runsFile}
exit 3
`);
    chmodSync(command, 0o755);
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => 0 });
    credentials.start!();
    await expect(credentials.headers()).rejects.toThrow(KubeconfigError);
    expect(readFileSync(runsFile, 'utf8')).toBe('run\n');
  });

  it('a certificate goes with the headers it came with, not in the agent options', async () => {
    const { command } = countingPlugin('{"clientCertificateData":"CERT$n","clientKeyData":"KEY$n"}');
    const credentials = execCredentials(resolved({ apiVersion: V1, command, interactiveMode: 'Never' }), { env: {}, now: () => 0 });
    expect(credentials.tls).not.toHaveProperty('cert');
    expect(credentials.tls).not.toHaveProperty('key');
    const first = await credentials.headers();
    credentials.rejected!(first);
    const second = await credentials.headers();
    expect(credentials.clientCertificate!(first)).toEqual({ cert: 'CERT1', key: 'KEY1' });
    expect(credentials.clientCertificate!(second)).toEqual({ cert: 'CERT2', key: 'KEY2' });
  });

  it('impersonation from the kubeconfig goes with the plugin\'s token', async () => {
    const { command } = countingPlugin('{"token":"t$n"}');
    const config = resolved({ apiVersion: V1, command, interactiveMode: 'Never' });
    config.user.as = 'alice';
    const credentials = execCredentials(config, { env: {}, now: () => 0 });
    expect(await credentials.headers()).toEqual({ 'Impersonate-User': 'alice', Authorization: 'Bearer t1' });
  });
});
