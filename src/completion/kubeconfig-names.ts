// Context, cluster and user names for completing --context, --cluster and --user. Read with the kubeconfig parser
// rather than client-node's KubeConfig so these completions stay as fast as the static ones; the files are
// chosen by kubectl's precedence (--kubeconfig, else every existing file in $KUBECONFIG, else ~/.kube/config).
import { parseKubeconfigYaml } from '../kube/kubeconfig-yaml.js';

// Built-ins are taken with process.getBuiltinModule, not ES-module imports, whose namespaces read lazy getters
// that load what nothing here uses (node:fs's promises: docs/performance.md).
const { readFileSync } = process.getBuiltinModule('node:fs');

export interface KubeconfigNames {
  contexts: string[];
  clusters: string[];
  users: string[];
}

function namesIn(entries: unknown): string[] {
  if (!Array.isArray(entries)) return [];
  return entries
    .map((entry: unknown) => (entry && typeof entry === 'object' ? (entry as { name?: unknown }).name : undefined))
    .filter((name): name is string => typeof name === 'string' && name !== '');
}

/** Names defined across the files, in file order, each once; unreadable files are skipped. */
export function readKubeconfigNames(files: readonly string[]): KubeconfigNames {
  const contexts = new Set<string>();
  const clusters = new Set<string>();
  const users = new Set<string>();
  for (const file of files) {
    let document: Record<string, unknown> | null;
    try {
      document = parseKubeconfigYaml(readFileSync(file, 'utf8')) as Record<string, unknown> | null;
    } catch {
      continue;
    }
    if (!document || typeof document !== 'object') continue;
    for (const name of namesIn(document.contexts)) contexts.add(name);
    for (const name of namesIn(document.clusters)) clusters.add(name);
    for (const name of namesIn(document.users)) users.add(name);
  }
  return { contexts: [...contexts], clusters: [...clusters], users: [...users] };
}
