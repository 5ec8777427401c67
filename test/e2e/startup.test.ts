// Startup at the runtime's floor: a command loads only the Node.js modules its own work needs. Each module named
// here was once loaded on every start by an ES-module import of a built-in (whose namespace reads lazy getters),
// by commander, or by touching process.stdin (docs/performance.md). Behaviour, not milliseconds: the bench times it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { againstRealCluster, builtinsLoaded, runWithPreload, SANDBOX_ONLY, setupCluster, uniqueName, type TestCluster } from './harness.js';

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
      // node:module, which loads the ES-module loader, only for Node 22's compile cache (which loads node:os too); and
      // node:os only for a home directory that $HOME does not give, or a hold's signal
      ...(Number(process.versions.node.split('.')[0]) >= 22 ? [] : ['module', 'os']),
    ];
    expect(await loadedOf(['list', '-n', cluster.namespace], unwanted)).toEqual([]);
    // The check can see what it looks for: list does load the HTTPS client.
    expect(await loadedOf(['list', '-n', cluster.namespace], ['https'])).toEqual(['https']);
  });

});

/** Whether a run read process.stderr, which Node builds on first read (for a pipe, a socket); and its exit code. */
async function readsStderr(args: string[]): Promise<{ read: boolean; code: number | null }> {
  const { result, recorded } = await runWithPreload(
    args,
    "const built = Object.getOwnPropertyDescriptor(process, 'stderr'); let read = false;\n" +
      "Object.defineProperty(process, 'stderr', { configurable: true, get() { read = true; return built.get.call(process); } });\n" +
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.LEASECTL_RECORD, String(read)));\n",
    { kubeconfig: cluster.kubeconfig },
  );
  return { read: recorded === 'true', code: result.code };
}

describe('standard error, built only to write to it', () => {
  it('a list that has nothing to say on stderr never builds it, closing its connection included', async () => {
    expect(await readsStderr(['list', '-n', cluster.namespace])).toEqual({ read: false, code: 0 });
    // The check can see what it looks for: a lease that is not there is reported on stderr.
    expect(await readsStderr(['inspect', '-n', cluster.namespace, uniqueName('missing')])).toEqual({ read: true, code: 1 });
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
