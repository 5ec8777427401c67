// "Startup is a feature": --help, completion and static __complete answers must not load the Kubernetes client,
// and cluster commands with static credentials must not load client-node. A module-load hook records every file
// the built bundle loads; the client's chunks are those the connect chunk imports and neither the entry nor the
// completion value source (which reads kubeconfig files with the same yaml library) does.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, LEASECTL_BIN, run, SANDBOX_ONLY, setupCluster, type TestCluster } from './harness.js';

const dist = resolve(dirname(LEASECTL_BIN), '../dist');
let cluster: TestCluster;
let hookDir: string;

/** The chunk files a bundle file imports statically, transitively. */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  for (const match of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*"(\.\/[^"]+\.mjs)"/g)) {
    const target = resolve(dirname(file), match[1] ?? '');
    if (seen.has(target)) continue;
    seen.add(target);
    staticClosure(target, seen);
  }
  return seen;
}

function chunkNamed(prefix: string): string {
  const chunks = join(dist, 'chunks');
  const chunk = readdirSync(chunks).find((file) => file.startsWith(prefix));
  if (!chunk) throw new Error(`no ${prefix}*.mjs chunk in dist/chunks: did the build split it out?`);
  return join(chunks, chunk);
}

/** A lazily imported chunk and what only it pulls in (not the entry, the completion value source, or `besides`). */
function exclusiveChunks(prefix: string, besides: string[] = []): Set<string> {
  const root = chunkNamed(prefix);
  const sharedRoots = [join(dist, 'leasectl.mjs'), chunkNamed('sources-'), ...besides.map(chunkNamed)];
  const shared = new Set(sharedRoots.flatMap((file) => [file, ...staticClosure(file)]));
  const closure = staticClosure(root);
  closure.add(root);
  return new Set([...closure].filter((file) => !shared.has(file)));
}

/** The Kubernetes client: the connect chunk (HTTP transport, lease client, credentials) and what only it needs. */
const kubeChunks = () => exclusiveChunks('connect-');
/** client-node, which only auth providers and proxies need. */
const clientNodeChunks = () => exclusiveChunks('client-node-credentials-', ['connect-']);

/** Runs the built leasectl with a load hook; returns the bundle files it loaded. (Asynchronously: the sandbox runs in this process.) */
async function loadedFiles(args: string[]): Promise<string[]> {
  const log = join(hookDir, `loaded-${Math.random().toString(36).slice(2)}.txt`);
  const result = await run(process.execPath, ['--import', join(hookDir, 'register.mjs'), LEASECTL_BIN, ...args], {
    kubeconfig: cluster.kubeconfig,
    env: { LOAD_LOG: log },
  });
  expect(result.code, result.stderr).toBe(0);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('file://'))
    .map((url) => new URL(url).pathname)
    .filter((path) => path.startsWith(dist));
}

beforeAll(async () => {
  cluster = await setupCluster();
  hookDir = mkdtempSync(join(tmpdir(), 'leasectl-load-hook-'));
  writeFileSync(
    join(hookDir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  if (process.env.LOAD_LOG) appendFileSync(process.env.LOAD_LOG, url + '\\n');
  return nextLoad(url, context);
}
`,
  );
  writeFileSync(join(hookDir, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
});

afterAll(async () => {
  if (hookDir) rmSync(hookDir, { recursive: true, force: true });
  await cluster?.teardown();
});

describe('what loads at startup', () => {
  it('the entry does not import the Kubernetes client statically', () => {
    const heavy = kubeChunks();
    expect(heavy.size).toBeGreaterThan(0);
    const entry = staticClosure(join(dist, 'leasectl.mjs'));
    expect([...entry].filter((file) => heavy.has(file))).toEqual([]);
  });

  it.each([
    [['--help']],
    [['list', '--help']],
    [['--version']],
    [['completion', 'bash']],
    [['__complete', '']],
    [['__complete', 'list', '-o', '']],
    [['__complete', 'list', '--context', '']],
  ])('leasectl %j never loads the Kubernetes client', async (args) => {
    const loaded = await loadedFiles(args);
    expect(loaded.map((file) => basename(file))).toContain('leasectl.mjs');
    const heavy = kubeChunks();
    expect(loaded.filter((file) => heavy.has(file)).map((file) => basename(file))).toEqual([]);
  });

  it('a command that talks to the cluster does load it (so the check above can see it)', async () => {
    const heavy = kubeChunks();
    const loaded = await loadedFiles(['list', '-n', cluster.namespace]);
    expect(loaded.filter((file) => heavy.has(file)).length).toBeGreaterThan(0);
    const completingNames = await loadedFiles(['__complete', 'inspect', '-n', cluster.namespace, '']);
    expect(completingNames.filter((file) => heavy.has(file)).length).toBeGreaterThan(0);
  });

  it.skipIf(againstRealCluster)(`a cluster command with a token in the kubeconfig never loads client-node (${SANDBOX_ONLY})`, async () => {
    const clientNode = clientNodeChunks();
    expect(clientNode.size).toBeGreaterThan(0);
    const loaded = await loadedFiles(['list', '-n', cluster.namespace]);
    expect(loaded.filter((file) => clientNode.has(file)).map((file) => basename(file))).toEqual([]);
  });
});
