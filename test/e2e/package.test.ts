// The npm package as a user gets it: `npm pack`, a global install into a temporary prefix with no registry and
// an empty cache (the bundle carries every runtime dependency), then the installed commands run with nothing but
// Node.js on PATH, against the sandbox.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime } from '../../src/lease/time.js';
import { LEASE_API_VERSION, LEASE_KIND } from '../../src/lease/types.js';
import { run, setupCluster, uniqueName, type RunResult, type TestCluster } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
/** npm_config_* that make any registry access fail at once. */
const NO_REGISTRY = { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };

let cluster: TestCluster;
let work: string;
let prefix: string;
let packed: { filename: string; files: { path: string }[] };
/** The lease the installed leasectl reads, named apart from any other file's in a shared namespace. */
const packaged = uniqueName('packaged');

async function npm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return run('npm', args, { kubeconfig: cluster.kubeconfig, cwd: work, env: { ...NO_REGISTRY, npm_config_cache: join(work, 'npm-cache'), ...env }, timeoutMs: 120_000 });
}

/** Runs an installed bin with only Node.js's own directory on PATH. */
function installed(bin: string, args: string[]): Promise<RunResult> {
  return run(join(prefix, 'bin', bin), args, { kubeconfig: cluster.kubeconfig, cwd: work, env: { PATH: dirname(process.execPath), NODE_PATH: '' } });
}

beforeAll(async () => {
  cluster = await setupCluster();
  work = mkdtempSync(join(tmpdir(), 'leasectl-package-'));
  prefix = join(work, 'prefix');
  const pack = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work, root], {
    kubeconfig: cluster.kubeconfig,
    cwd: work,
    env: NO_REGISTRY,
    timeoutMs: 120_000,
  });
  expect(pack.code, pack.stderr).toBe(0);
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0] as typeof packed;
  const install = await npm(['install', '--global', '--prefix', prefix, '--offline', '--ignore-scripts', join(work, packed.filename)]);
  expect(install.code, install.stderr).toBe(0);

  const connection = await connect({ kubeconfig: cluster.kubeconfig }, {});
  try {
    await connection.client.create(cluster.namespace, {
      apiVersion: LEASE_API_VERSION,
      kind: LEASE_KIND,
      metadata: { name: packaged, namespace: cluster.namespace, labels: cluster.labels },
      spec: { holderIdentity: 'installer', leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now()) },
    });
  } finally {
    connection.close();
  }
}, 180_000);

afterAll(async () => {
  if (work) rmSync(work, { recursive: true, force: true });
  await cluster?.teardown();
});

describe('the npm package', () => {
  it('ships the bundle, the launchers and the completions, and nothing else of the repository', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'bin/leasectl',
        'bin/kubectl-lease',
        'bin/kubectl_complete-lease',
        'bin/package.json',
        'dist/launcher.cjs',
        'dist/help.json',
        'dist/leasectl.cjs',
        'dist/client-node.cjs',
        'completions/leasectl.bash',
        'completions/_leasectl',
        'completions/leasectl.fish',
      ]),
    );
    expect(files.filter((file) => !/^(package\.json|README\.md|LICENSE|bin\/|dist\/(launcher|leasectl|client-node)\.cjs$|dist\/help\.json$|dist\/THIRD_PARTY_LICENSES\.txt$|completions\/|examples\/)/.test(file))).toEqual([]);
    // Every file of ours the bundle can require is in the package.
    for (const file of files.filter((name) => name.endsWith('.cjs'))) {
      for (const match of readFileSync(join(root, file), 'utf8').matchAll(/(?:require|import)\("\.\/([\w.-]+)"\)/g)) {
        expect(files, `${file} loads ${match[1]}`).toContain(`dist/${match[1]}`);
      }
    }
  });

  it('declares no runtime dependencies, the three executables and Node.js 20', () => {
    const manifest = JSON.parse(readFileSync(join(prefix, 'lib/node_modules', rootPackage.name, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.bin).toEqual({ leasectl: 'bin/leasectl', 'kubectl-lease': 'bin/kubectl-lease', 'kubectl_complete-lease': 'bin/kubectl_complete-lease' });
    expect(manifest.engines).toEqual({ node: expect.stringMatching(/^>=20/) });
    expect(existsSync(join(prefix, 'lib/node_modules', rootPackage.name, 'node_modules'))).toBe(false);
  });

  it('installed globally, leasectl --version names itself and the client-node release it speaks through', async () => {
    const result = await installed('leasectl', ['--version']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^leasectl ${rootPackage.version.replace(/\./g, '\\.')} \\(@kubernetes/client-node \\d+\\.\\d+\\.\\d+, coordination\\.k8s\\.io/v1\\)\\n$`));
  });

  it('installed globally, leasectl list reads the cluster', async () => {
    const result = await installed('leasectl', ['list', '-n', cluster.namespace, '-l', cluster.selector, '-o', 'name']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`lease.coordination.k8s.io/${packaged}\n`);
    const table = await installed('leasectl', ['list', '-n', cluster.namespace, '-l', cluster.selector]);
    expect(table.stdout).toMatch(new RegExp(`^NAME\\s+HOLDER\\s+AGE\\n${packaged}\\s+installer\\s+\\d+s\\n$`));
  });

  it('installs kubectl-lease and kubectl_complete-lease next to leasectl', async () => {
    const help = await installed('kubectl-lease', ['list', '--help']);
    expect(help.stdout).toMatch(/^Usage: kubectl lease list/);
    const completion = await installed('kubectl_complete-lease', ['inspect', '-n', cluster.namespace, packaged.slice(0, -2)]);
    expect(completion.stdout).toBe(`${packaged}\theld by installer\n:4\n`);
  });

  it('ships completion scripts identical to what the installed leasectl prints', async () => {
    for (const [shell, file] of [['bash', 'leasectl.bash'], ['zsh', '_leasectl'], ['fish', 'leasectl.fish']] as const) {
      const printed = await installed('leasectl', ['completion', shell]);
      expect(printed.stdout).toBe(readFileSync(join(prefix, 'lib/node_modules', rootPackage.name, 'completions', file), 'utf8'));
    }
  });
});
