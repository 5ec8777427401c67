// Startup at the runtime's floor: a command loads only the Node.js modules its own work needs. Each module named
// here was once loaded on every start by an ES-module import of a built-in (whose namespace reads lazy getters),
// by commander, or by touching process.stdin (docs/performance.md). Behaviour, not milliseconds: the bench times it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, builtinsLoaded, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

let cluster: TestCluster;

beforeAll(async () => {
  cluster = await setupCluster();
  await cluster.createLeases(cluster.namespace, [{ metadata: { name: uniqueName('startup') }, spec: { holderIdentity: 'someone' } }]);
});

afterAll(async () => {
  await cluster?.teardown();
});

/** What a start loaded of `unwanted`; stdin is /dev/null, as under cron, so that building process.stdin shows. */
async function loadedOf(args: string[], unwanted: string[]): Promise<string[]> {
  const loaded = await builtinsLoaded(args, { kubeconfig: cluster.kubeconfig, stdinFromDevNull: true });
  return unwanted.filter((module) => loaded.includes(`NativeModule ${module}`));
}

/** Modules no command needs before it runs: child processes, crypto, the watch's line reader, fs/promises and friends. */
const NEVER_AT_START = [
  'child_process', // commander's, for executable subcommands leasectl never declares
  'perf_hooks', // the monotonic clock takes the global performance
  'readline', // only a watch reads lines
  'internal/fs/streams', // process.stdin from a file, built only by a command that reads stdin
  'internal/util/diff', // node:util's lazy TextDecoder and friends, read by an ES-module import of node:util
  'worker_threads', // the same, through node:util
  // node:fs's lazy `promises`, read by an ES-module import of node:fs (Node 20's own ES-module loader reads files
  // with fs/promises, so there it is loaded whatever leasectl does; CI runs this on 22 and 24 too)
  ...(Number(process.versions.node.split('.')[0]) >= 22 ? ['internal/fs/promises'] : []),
];

describe('what a start loads of Node.js itself', () => {
  it.each([[['--help']], [['list', '--help']], [['__complete', '']], [['completion', 'bash']]])(
    'leasectl %j loads no crypto, no HTTP and nothing only a command needs',
    async (args) => {
      expect(await loadedOf(args, [...NEVER_AT_START, 'crypto', 'http', 'https', 'tls'])).toEqual([]);
    },
  );

  it.each([[['--help']], [['list', '--help']]])('a bare help request %j does not load node:vm: it is printed without compiling the bundle', async (args) => {
    expect(await loadedOf(args, ['vm'])).toEqual([]);
    // The check can see what it looks for: a command that runs the bundle loads it.
    expect(await loadedOf(['completion', 'bash'], ['vm'])).toEqual(['vm']);
  });

  it.skipIf(againstRealCluster)(`list with a token loads one HTTPS client and nothing else of the kind (${SANDBOX_ONLY})`, async () => {
    const unwanted = [
      ...NEVER_AT_START,
      'http', // an https:// server needs only node:https
      'internal/crypto/webcrypto', // node:crypto's lazy webcrypto, read by an ES-module import of node:crypto
      'internal/blocklist', // node:net's lazy BlockList, the same through node:net
    ];
    expect(await loadedOf(['list', '-n', cluster.namespace], unwanted)).toEqual([]);
    // The check can see what it looks for: list does load the HTTPS client.
    expect(await loadedOf(['list', '-n', cluster.namespace], ['https'])).toEqual(['https']);
  });

});

describe('the kubeconfig, read with js-yaml', () => {
  it('a kubeconfig with a YAML tag nobody defines is read without a warning or a stack, as kubectl reads it', async () => {
    const kubeconfig = join(cluster.kubeconfig, '..', uniqueName('kubeconfig-tagged'));
    writeFileSync(kubeconfig, `${readFileSync(cluster.kubeconfig, 'utf8').trimEnd()}\nx-leasectl-test: !custom []\n`);
    for (const args of [['list', '-n', cluster.namespace], ['__complete', 'list', '--context', '']]) {
      const result = await cluster.leasectl(args, { kubeconfig });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
  });
});
