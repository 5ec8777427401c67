// `npm run sandbox`: a local Lease apiserver until SIGINT/SIGTERM. The kubeconfig path is the only line on
// stdout (so `export KUBECONFIG=$(npm run -s sandbox &)`-style scripting works); everything for humans goes to stderr.

import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FeatureGateError, type FeatureGates, parseFeatureGates } from './feature-gates.js';
import { startSandbox } from './index.js';

const usage = `usage: sandbox [--port N] [--kubeconfig PATH] [--namespace NS]... [--namespaced-kubeconfig PATH] [--feature-gates CoordinatedLeaderElection=true]`;

interface CliOptions {
  port: number;
  kubeconfig: string;
  namespaces: string[];
  /** A kubeconfig for the user whose RBAC allows only leases in the one --namespace. */
  namespacedKubeconfig: string | undefined;
  featureGates: FeatureGates;
}

class UsageError extends Error {}

function parseCommandLine(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        kubeconfig: { type: 'string' },
        namespace: { type: 'string', multiple: true },
        'namespaced-kubeconfig': { type: 'string' },
        'feature-gates': { type: 'string', multiple: true },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
  const {
    port = '0', kubeconfig = '.sandbox/kubeconfig', namespace = [], 'namespaced-kubeconfig': namespacedKubeconfig, 'feature-gates': featureGateFlags = [],
  } = parsed.values;
  if (!/^\d+$/.test(port) || Number(port) > 65535) throw new UsageError(`--port must be a number from 0 to 65535, got "${port}"`);
  if (namespacedKubeconfig !== undefined && namespace.length !== 1) {
    throw new UsageError(`--namespaced-kubeconfig needs exactly one --namespace, the one its user may work in, got ${namespace.length}`);
  }
  let featureGates: FeatureGates;
  try {
    // Repeating the flag adds to it, as kube-apiserver's does.
    featureGates = parseFeatureGates(featureGateFlags.join(','));
  } catch (error) {
    if (error instanceof FeatureGateError) throw new UsageError(`invalid argument "${featureGateFlags.join(',')}" for "--feature-gates" flag: ${error.message}`);
    throw error;
  }
  return {
    port: Number(port), kubeconfig: resolve(kubeconfig), namespaces: namespace,
    namespacedKubeconfig: namespacedKubeconfig === undefined ? undefined : resolve(namespacedKubeconfig), featureGates,
  };
}

/** `.sandbox/kubeconfig` → `.sandbox/kubeconfig-readonly`. */
const readOnlyPath = (path: string) => `${path}-readonly`;

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`sandbox: ${error.message} (${usage})\n`);
    return 2;
  }

  const sandbox = await startSandbox({ port: options.port, namespaces: options.namespaces, featureGates: options.featureGates });
  const kubeconfig = await sandbox.writeKubeconfig(options.kubeconfig);
  const readOnlyKubeconfig = await sandbox.writeKubeconfig(readOnlyPath(options.kubeconfig), { readOnly: true });
  const tenantNamespace = options.namespaces[0];
  const namespacedKubeconfig = options.namespacedKubeconfig && (await sandbox.writeKubeconfig(options.namespacedKubeconfig, { onlyNamespace: tenantNamespace }));
  // Listening before the line is out: a script that reads it may signal at once, and must get a clean stop.
  const stopRequested = new Promise<void>((resolveSignal) => {
    process.once('SIGINT', () => resolveSignal());
    process.once('SIGTERM', () => resolveSignal());
  });
  process.stdout.write(kubeconfig + '\n');
  process.stderr.write(
    [
      `sandbox: Lease API server at ${sandbox.url}`,
      `  admin token:     ${sandbox.tokens.admin}`,
      `  read-only token: ${sandbox.tokens.readOnly} (user "viewer": get, list, watch)`,
      `  kubeconfig:      ${kubeconfig}`,
      `  read-only:       ${readOnlyKubeconfig}`,
      ...(namespacedKubeconfig ? [`  namespaced:      ${namespacedKubeconfig} (user "tenant": leases in namespace "${tenantNamespace}" only)`] : []),
      `  try:             kubectl --kubeconfig ${kubeconfig} get leases -A`,
      `  faults:          curl --cacert <(kubectl --kubeconfig ${kubeconfig} config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d) \\`,
      `                     -H "Authorization: Bearer ${sandbox.tokens.admin}" -X PUT -d '{"latencyMs":500}' ${sandbox.url}/_sandbox/faults`,
      `Stop with Ctrl-C.`,
      '',
    ].join('\n'),
  );

  await stopRequested;
  await sandbox.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`sandbox: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
