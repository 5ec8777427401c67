// Which kubeconfig files kubectl reads, in order (client-go clientcmd's precedence). Kept free of client-node so
// that completion can read context names from the same files without loading the Kubernetes client.
import { delimiter, join } from 'node:path';

// Built-ins are taken with process.getBuiltinModule, not ES-module imports, whose namespaces read lazy getters
// that load what nothing here uses (node:fs's promises: docs/performance.md).
const { existsSync } = process.getBuiltinModule('node:fs');

export interface KubeconfigFiles {
  /** Files to merge, first wins. --kubeconfig is listed even when missing (the caller reports it). */
  files: string[];
  from: '--kubeconfig' | 'KUBECONFIG' | 'home' | 'none';
}

export function kubeconfigFiles(
  kubeconfigFlag: string | undefined,
  env: NodeJS.ProcessEnv,
  homeDir: string | undefined,
  exists: (path: string) => boolean = existsSync,
): KubeconfigFiles {
  if (kubeconfigFlag) return { files: [kubeconfigFlag], from: '--kubeconfig' };
  if (env.KUBECONFIG) {
    // Empty entries and files that do not exist are skipped, as kubectl does.
    return { files: env.KUBECONFIG.split(delimiter).filter((file) => file !== '' && exists(file)), from: 'KUBECONFIG' };
  }
  const home = homeDir ? join(homeDir, '.kube', 'config') : undefined;
  return home && exists(home) ? { files: [home], from: 'home' } : { files: [], from: 'none' };
}
