// Which kubeconfig files kubectl reads, in order (client-go clientcmd's precedence). Kept free of client-node so
// that completion can read context names from the same files without loading the Kubernetes client.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

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
