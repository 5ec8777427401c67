// kubectl's kubeconfig rules (client-go tools/clientcmd/loader.go), which client-node's loadFromDefault does
// not follow: KUBECONFIG entries that do not exist are skipped, and for every named cluster, user and context,
// and for current-context, the FIRST file that sets it wins (client-node lets the last win, or throws on a
// duplicate or a missing file).
import { existsSync } from 'node:fs';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import type { KubeFlags } from '../context.js';
import { UsageError } from '../errors.js';
import { KubeconfigError } from './errors.js';
import { kubeconfigFiles } from './kubeconfig-files.js';

const SERVICE_ACCOUNT_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export interface KubeconfigEnvironment {
  env: NodeJS.ProcessEnv;
  homeDir: string | undefined;
  fileExists?: (path: string) => boolean;
}

export interface ResolvedKubeconfig {
  kubeConfig: KubeConfig;
  contextName: string | undefined;
  /** The context's namespace, trimmed (the in-cluster namespace file ends with a newline). */
  contextNamespace: string | undefined;
  /** Where the configuration came from, for -v and for error messages. */
  source: string;
}

function loadFile(path: string): KubeConfig {
  const config = new KubeConfig();
  try {
    config.loadFromFile(path);
  } catch (error) {
    throw new KubeconfigError(`error loading kubeconfig ${path}: ${(error as Error).message.split('\n')[0]}`);
  }
  return config;
}

function mergeFirstWins(files: string[]): KubeConfig {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext: string | undefined;
  for (const file of files) {
    const config = loadFile(file);
    for (const cluster of config.clusters) if (!clusters.has(cluster.name)) clusters.set(cluster.name, cluster);
    for (const user of config.users) if (!users.has(user.name)) users.set(user.name, user);
    for (const context of config.contexts) if (!contexts.has(context.name)) contexts.set(context.name, context);
    if (!currentContext && config.currentContext) currentContext = config.currentContext;
  }
  const merged = new KubeConfig();
  merged.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
  return merged;
}

function loadBase(flags: KubeFlags, environment: KubeconfigEnvironment): { config: KubeConfig; source: string } {
  const exists = environment.fileExists ?? existsSync;
  const { files, from } = kubeconfigFiles(flags.kubeconfig, environment.env, environment.homeDir, exists);
  if (from === '--kubeconfig' && !exists(files[0]!)) {
    throw new KubeconfigError(`stat ${files[0]}: no such file or directory (from --kubeconfig)`);
  }
  if (from === 'KUBECONFIG' && files.length === 0) {
    throw new KubeconfigError(
      `none of the files in KUBECONFIG exist (${environment.env.KUBECONFIG}); point KUBECONFIG or --kubeconfig at a kubeconfig file`,
    );
  }
  if (files.length > 0) return { config: mergeFirstWins(files), source: files.join(':') };
  if (environment.env.KUBERNETES_SERVICE_HOST && exists(SERVICE_ACCOUNT_TOKEN)) {
    const config = new KubeConfig();
    config.loadFromCluster();
    return { config, source: 'in-cluster service account' };
  }
  throw new KubeconfigError('no kubeconfig found: use --kubeconfig, set KUBECONFIG, or create ~/.kube/config');
}

/** Loads the kubeconfig the way kubectl does and applies --context, --cluster, --user and --insecure-skip-tls-verify. */
export function resolveKubeconfig(flags: KubeFlags, environment: KubeconfigEnvironment): ResolvedKubeconfig {
  const { config, source } = loadBase(flags, environment);
  const contextName = flags.context ?? (config.currentContext || undefined);
  let context: Context | undefined;
  if (contextName) {
    context = config.getContextObject(contextName) ?? undefined;
    if (!context) {
      throw new KubeconfigError(
        flags.context
          ? `context was not found for specified context: ${contextName} (see the contexts in ${source})`
          : `current-context "${contextName}" is not defined in ${source}; use --context`,
      );
    }
  } else if (!flags.cluster) {
    throw new KubeconfigError(`no current-context is set in ${source}; use --context, or --cluster and --user`);
  }

  const clusterName = flags.cluster ?? context?.cluster;
  const userName = flags.user ?? context?.user;
  const cluster = clusterName ? config.getCluster(clusterName) : null;
  if (!cluster) throw new KubeconfigError(`cluster "${clusterName ?? ''}" is not defined in ${source}`);
  const user = userName ? config.getUser(userName) : null;
  if (userName && !user) throw new KubeconfigError(`user "${userName}" is not defined in ${source}`);

  const effectiveCluster: Cluster = flags.insecureSkipTlsVerify
    ? { name: cluster.name, server: cluster.server, skipTLSVerify: true, tlsServerName: cluster.tlsServerName, proxyUrl: cluster.proxyUrl }
    : cluster;
  const effectiveUser: User = user ?? { name: 'anonymous' };
  const effectiveContextName = contextName ?? 'leasectl-flags';
  const resolved = new KubeConfig();
  resolved.loadFromOptions({
    clusters: [effectiveCluster],
    users: [effectiveUser],
    contexts: [{ name: effectiveContextName, cluster: effectiveCluster.name, user: effectiveUser.name, namespace: context?.namespace }],
    currentContext: effectiveContextName,
  });
  return {
    kubeConfig: resolved,
    contextName,
    contextNamespace: context?.namespace?.trim() || undefined,
    source,
  };
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** -n is a DNS-1123 label; catching `-n=foo` (commander keeps the `=`) and typos before a request is sent. */
export function validateNamespace(namespace: string): void {
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) {
    throw new UsageError(
      `invalid namespace "${namespace}": a namespace is a lowercase RFC 1123 label (letters, digits and '-', at most 63 characters), e.g. -n kube-system`,
    );
  }
}
