// `leasectl version` on the built binary: kubectl version's lines and -o json|yaml structure, the server's
// version as kubectl reads it, --client without any cluster, and an unreachable server as kubectl reports it.
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { builtinsLoaded, hasKubectl, setupCluster, type TestCluster } from './harness.js';

let cluster: TestCluster;
/** An environment where no kubeconfig can be found. */
let noKubeconfigEnv: NodeJS.ProcessEnv;
/** https://127.0.0.1:PORT where nothing listens. */
let deadServer: string;

const packageVersion = (JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8')) as { version: string }).version;
const clientNodeVersion = (
  JSON.parse(readFileSync(resolve(import.meta.dirname, '../../node_modules/@kubernetes/client-node/package.json'), 'utf8')) as { version: string }
).version;
const clientLines = `Client Version: v${packageVersion}\nClient-Node Version: v${clientNodeVersion}\n`;

/** A port that refuses connections: one just let go of. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

beforeAll(async () => {
  cluster = await setupCluster();
  const home = join(cluster.workDir, 'empty-home');
  mkdirSync(home);
  noKubeconfigEnv = { KUBECONFIG: join(cluster.workDir, 'no-such-kubeconfig'), HOME: home };
  deadServer = `https://127.0.0.1:${await closedPort()}`;
});

afterAll(async () => {
  await cluster?.teardown();
});

describe('leasectl version', () => {
  it("prints the client, client-node and server versions, the server's as kubectl reads it", async () => {
    const result = await cluster.leasectl(['version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${clientLines.replaceAll('.', '\\.')}Server Version: v\\d+\\.\\d+\\.\\d+\\S*\\n$`));
    if (hasKubectl) {
      const theirs = await cluster.kubectl(['version']);
      expect(result.stdout).toContain(/^Server Version: .*$/m.exec(theirs.stdout)![0]);
    }
  });

  it("-o json has kubectl's structure, with the serverVersion kubectl gets", async () => {
    const result = await cluster.leasectl(['version', '-o', 'json']);
    expect(result.code, result.stderr).toBe(0);
    // kubectl's json.MarshalIndent: two spaces, fields in their declared order.
    expect(result.stdout).toMatch(/^\{\n {2}"clientVersion": \{\n {4}"major": /);
    const report = JSON.parse(result.stdout) as Record<string, Record<string, unknown>>;
    expect(Object.keys(report)).toEqual(['clientVersion', 'clientNodeVersion', 'serverVersion']);
    expect(report.clientVersion).toEqual({
      major: packageVersion.split('.')[0],
      minor: packageVersion.split('.')[1],
      gitVersion: `v${packageVersion}`,
      nodeVersion: expect.stringMatching(/^v\d+\./),
      platform: `${process.platform}/${process.arch}`,
    });
    expect(report.clientNodeVersion).toBe(clientNodeVersion);
    expect(report.serverVersion).toMatchObject({ major: expect.any(String), minor: expect.any(String), gitVersion: expect.stringMatching(/^v/) });
    if (hasKubectl) {
      const theirs = JSON.parse((await cluster.kubectl(['version', '-o', 'json'])).stdout) as Record<string, unknown>;
      expect(report.serverVersion).toEqual(theirs.serverVersion);
    }
  });

  it("-o yaml is the same report, with keys sorted as kubectl's yaml has them", async () => {
    const [yaml, json] = await Promise.all([cluster.leasectl(['version', '-o', 'yaml']), cluster.leasectl(['version', '-o', 'json'])]);
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(parse(yaml.stdout)).toEqual(JSON.parse(json.stdout));
    expect(yaml.stdout).toMatch(/^clientNodeVersion: .*\nclientVersion:\n {2}gitVersion: /);
  });

  it('--client needs no kubeconfig or cluster and exits 0', async () => {
    const result = await cluster.leasectl(['version', '--client'], { env: noKubeconfigEnv });
    expect(result).toMatchObject({ code: 0, stdout: clientLines, stderr: '' });
    const json = await cluster.leasectl(['version', '--client', '-o', 'json'], { env: noKubeconfigEnv });
    expect(json.code).toBe(0);
    expect(Object.keys(JSON.parse(json.stdout) as object)).toEqual(['clientVersion', 'clientNodeVersion']);
  });

  it('--client loads neither http nor TLS', async () => {
    // (node:net is loaded anyway: stdout is a pipe)
    const loaded = await builtinsLoaded(['version', '--client'], { kubeconfig: cluster.kubeconfig, stdinFromDevNull: true });
    expect(loaded.filter((module) => /^NativeModule (https|http|tls|_tls_wrap)$/.test(module))).toEqual([]);
  });

  it("an unreachable server: the client versions, then kubectl's error, exit 1, as kubectl version does", async () => {
    const args = ['version', '-s', deadServer, '--token', 'x'];
    const result = await cluster.leasectl(args, { env: noKubeconfigEnv });
    const refused = `The connection to the server ${deadServer.replace('https://', '')} was refused - did you specify the right host or port?\n`;
    expect(result).toMatchObject({ code: 1, stdout: clientLines, stderr: refused });
    if (hasKubectl) expect(await cluster.kubectl(args, { env: noKubeconfigEnv })).toMatchObject({ code: 1, stderr: refused });
  });

  it('-o json with an unreachable server prints the report without serverVersion, then the error, exit 1', async () => {
    const result = await cluster.leasectl(['version', '-o', 'json', '-s', deadServer, '--token', 'x'], { env: noKubeconfigEnv });
    expect(result.code).toBe(1);
    expect(Object.keys(JSON.parse(result.stdout) as object)).toEqual(['clientVersion', 'clientNodeVersion']);
    expect(result.stderr).toMatch(/^The connection to the server .* was refused/);
  });

  it('no kubeconfig at all: the client versions, then the kubeconfig error, exit 1', async () => {
    const result = await cluster.leasectl(['version'], { env: noKubeconfigEnv });
    expect(result).toMatchObject({ code: 1, stdout: clientLines, stderr: expect.stringMatching(/^error: none of the files in KUBECONFIG exist/) });
  });

  it('-o wide, a format version does not have, is refused, exit 2', async () => {
    const result = await cluster.leasectl(['version', '-o', 'wide']);
    expect(result).toMatchObject({ code: 2, stdout: '', stderr: expect.stringContaining("argument 'wide' is invalid. Allowed choices are json, yaml.") });
  });
});
