// kubectl's kubeconfig rules (client-go tools/clientcmd/loader.go), which client-node's loadFromDefault does
// not follow: KUBECONFIG entries that do not exist are skipped, and for every named cluster, user and context,
// and for current-context, the FIRST file that sets it wins (client-node lets the last win, or throws on a
// duplicate or a missing file). The files are read with js-yaml rather than client-node, which is only loaded
// when a user entry needs its authenticators (see credentials.ts): that keeps every command's start-up small.
import { dirname, isAbsolute, join } from 'node:path';
import type { KubeFlags } from './connection.js';
import { KubeconfigError, KubeInputError } from './errors.js';
import { kubeconfigFiles } from './kubeconfig-files.js';
import { parseKubeconfigYaml } from './kubeconfig-yaml.js';
import { checkConnectionFlags, clusterWithFlags, fileFieldsFromFlags, userWithFlags, type KubeconfigEntry } from './overrides.js';
import { namespaceSegmentProblem } from './path-segments.js';

export type { KubeconfigEntry } from './overrides.js';

// Built-ins are taken with process.getBuiltinModule, not ES-module imports, whose namespaces read lazy getters
// that load what nothing here uses (node:fs's promises, node:net's BlockList: docs/performance.md).
const { existsSync, readFileSync } = process.getBuiltinModule('node:fs');
const { isIPv6 } = process.getBuiltinModule('node:net');

const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';



export interface KubeconfigEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir: string | undefined;
  fileExists?: (path: string) => boolean;
  /** Where the in-cluster service account files live (tests point it elsewhere). */
  serviceAccountDir?: string;
}

export interface ResolvedKubeconfig {
  server: string;
  clusterName: string;
  cluster: KubeconfigEntry;
  userName: string;
  user: KubeconfigEntry;
  contextName: string | undefined;
  /** The context's namespace, trimmed (the in-cluster namespace file ends with a newline); checked unless -n was given. */
  contextNamespace: string | undefined;
  /** Where the configuration came from, for -v and for error messages. */
  source: string;
  /** File fields that a flag set (`client-key` → `--client-key`): a file that cannot be used is named by its flag. */
  fileFlags: Readonly<Record<string, string>>;
}

interface NamedEntries {
  clusters: Map<string, KubeconfigEntry>;
  users: Map<string, KubeconfigEntry>;
  contexts: Map<string, KubeconfigEntry>;
  currentContext: string | undefined;
  /** The in-cluster namespace file, when the context's namespace was read from it. */
  namespaceFile?: string;
}

// kubectl resolves these relative to the file that names them.
const PATH_FIELDS: Record<'cluster' | 'user', string[]> = {
  cluster: ['certificate-authority'],
  user: ['client-certificate', 'client-key', 'tokenFile'],
};

function withAbsolutePaths(entry: KubeconfigEntry, kind: 'cluster' | 'user', directory: string): KubeconfigEntry {
  const copy = { ...entry };
  for (const field of PATH_FIELDS[kind]) {
    const value = copy[field];
    if (typeof value === 'string' && value !== '' && !isAbsolute(value)) copy[field] = join(directory, value);
  }
  return copy;
}

function readKubeconfigFile(file: string): Record<string, unknown> {
  try {
    const document = parseKubeconfigYaml(readFileSync(file, 'utf8'));
    if (document === null || document === undefined) return {};
    if (typeof document !== 'object' || Array.isArray(document)) throw new Error('not a kubeconfig (expected a map)');
    return document as Record<string, unknown>;
  } catch (error) {
    throw new KubeconfigError(`error loading kubeconfig ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
}

function mergeFirstWins(files: string[]): NamedEntries {
  const merged: NamedEntries = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined };
  for (const file of files) {
    const document = readKubeconfigFile(file);
    const directory = dirname(file);
    const add = (list: unknown, key: 'cluster' | 'user' | 'context', into: Map<string, KubeconfigEntry>) => {
      if (!Array.isArray(list)) return;
      for (const item of list as { name?: unknown; [field: string]: unknown }[]) {
        if (!item || typeof item.name !== 'string' || into.has(item.name)) continue;
        const entry = (item[key] ?? {}) as KubeconfigEntry;
        into.set(item.name, key === 'context' ? entry : withAbsolutePaths(entry, key, directory));
      }
    };
    add(document.clusters, 'cluster', merged.clusters);
    add(document.users, 'user', merged.users);
    add(document.contexts, 'context', merged.contexts);
    if (!merged.currentContext && typeof document['current-context'] === 'string' && document['current-context']) {
      merged.currentContext = document['current-context'];
    }
  }
  return merged;
}

/** A pod's service account, as client-go's InClusterConfig reads it. */
function inClusterEntries(env: NodeJS.ProcessEnv, serviceAccountDir: string): NamedEntries {
  const host = env.KUBERNETES_SERVICE_HOST!;
  const server = `https://${isIPv6(host) ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? '443'}`;
  const namespaceFile = join(serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  return {
    clusters: new Map([['in-cluster', { server, 'certificate-authority': join(serviceAccountDir, 'ca.crt') }]]),
    users: new Map([['in-cluster', { tokenFile: join(serviceAccountDir, 'token') }]]),
    contexts: new Map([['in-cluster', { cluster: 'in-cluster', user: 'in-cluster', namespace }]]),
    currentContext: 'in-cluster',
    namespaceFile,
  };
}

const NO_ENTRIES: NamedEntries = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: undefined };

function loadEntries(flags: KubeFlags, environment: KubeconfigEnvironment): { entries: NamedEntries; source: string } {
  const exists = environment.fileExists ?? existsSync;
  const { files, from } = kubeconfigFiles(flags.kubeconfig, environment.env, environment.homeDir, exists);
  if (from === '--kubeconfig' && !exists(files[0]!)) {
    throw new KubeconfigError(`stat ${files[0]}: no such file or directory (from --kubeconfig)`);
  }
  // As kubectl: with --server, a missing kubeconfig is no error, and the pod's service account is not used either.
  if (files.length === 0 && flags.server) return { entries: NO_ENTRIES, source: 'the command line (no kubeconfig)' };
  if (from === 'KUBECONFIG' && files.length === 0) {
    throw new KubeconfigError(
      `none of the files in KUBECONFIG exist (${environment.env.KUBECONFIG}); point KUBECONFIG or --kubeconfig at a kubeconfig file`,
    );
  }
  if (files.length > 0) return { entries: mergeFirstWins(files), source: files.join(':') };
  const serviceAccountDir = environment.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (environment.env.KUBERNETES_SERVICE_HOST && exists(join(serviceAccountDir, 'token'))) {
    return { entries: inClusterEntries(environment.env, serviceAccountDir), source: 'in-cluster service account' };
  }
  throw new KubeconfigError('no kubeconfig found: use --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
}

/** Loads the kubeconfig the way kubectl does and lays the connection flags over it (overrides.ts). */
export function resolveKubeconfig(flags: KubeFlags, environment: KubeconfigEnvironment): ResolvedKubeconfig {
  checkConnectionFlags(flags);
  const { entries, source } = loadEntries(flags, environment);
  const contextName = flags.context ?? entries.currentContext;
  let context: KubeconfigEntry | undefined;
  if (contextName) {
    context = entries.contexts.get(contextName);
    if (!context) {
      throw new KubeconfigError(
        flags.context
          ? `context was not found for specified context: ${contextName} (see the contexts in ${source})`
          : `current-context "${contextName}" is not defined in ${source}; use --context`,
      );
    }
  } else if (!flags.cluster && !flags.server) {
    throw new KubeconfigError(`no current-context is set in ${source}; use --context, or --cluster and --user, or --server`);
  }

  // The cluster a context names need not exist when --server gives the server; one named by --cluster must.
  const clusterName = flags.cluster ?? (context?.cluster as string | undefined) ?? '';
  const found = clusterName ? entries.clusters.get(clusterName) : undefined;
  if (!found && (flags.cluster || !flags.server)) throw new KubeconfigError(`cluster "${clusterName}" is not defined in ${source}`);
  const cluster = clusterWithFlags(found ?? {}, flags);
  if (typeof cluster.server !== 'string' || cluster.server === '') {
    throw new KubeconfigError(`cluster "${clusterName}" in ${source} has no server`);
  }
  if (!URL.canParse(cluster.server) || !/^https?:$/.test(new URL(cluster.server).protocol)) {
    throw new KubeconfigError(`the server of cluster "${clusterName}" in ${source} is not an https:// URL: ${JSON.stringify(cluster.server)}`);
  }
  const userName = flags.user ?? (context?.user as string | undefined) ?? '';
  const user = userName ? entries.users.get(userName) : {};
  if (!user) throw new KubeconfigError(`user "${userName}" is not defined in ${source}`);
  const userWithOverrides = userWithFlags(user, flags, userName ? `user "${userName}" in ${source}` : 'the user');

  const namespace = typeof context?.namespace === 'string' ? context.namespace.trim() : '';
  if (namespace !== '' && flags.namespace === undefined) {
    const invalid = namespaceProblem(namespace);
    const origin = entries.namespaceFile ? `read from ${entries.namespaceFile}` : `the namespace of context "${contextName}" in ${source}`;
    if (invalid) throw new KubeconfigError(`${invalid} (${origin}): correct it there, or give -n NAMESPACE`);
  }
  return {
    server: cluster.server.replace(/\/$/, ''),
    clusterName,
    cluster,
    userName,
    user: userWithOverrides,
    contextName,
    contextNamespace: namespace || undefined,
    source,
    fileFlags: fileFieldsFromFlags(flags),
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * What is wrong with a namespace, whatever it came from: kubectl's words for one that would leave its path
 * segment, else the rule every namespace's name follows (a DNS-1123 label), which catches typos before a request.
 */
function namespaceProblem(namespace: string): string | undefined {
  const leavesSegment = namespaceSegmentProblem(namespace);
  if (leavesSegment !== undefined) return leavesSegment;
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    return `invalid namespace ${JSON.stringify(namespace)}: a namespace is a lowercase RFC 1123 label (letters, digits and '-', at most 63 characters)`;
  }
  return undefined;
}

/** -n, checked before the kubeconfig is read. */
export function validateNamespace(namespace: string): void {
  const invalid = namespaceProblem(namespace);
  if (invalid) throw new KubeInputError(`${invalid}; give -n a namespace such as kube-system`);
}
