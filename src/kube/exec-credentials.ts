// Exec credential plugins (EKS, GKE, AKS kubelogin), with client-go's rules (plugin/pkg/client/auth/exec):
// the plugin runs with the kubeconfig's args and env plus KUBERNETES_EXEC_INFO, its stdout is one ExecCredential
// of the configured apiVersion, its answer is cached until expirationTimestamp or until the server rejects it
// with a 401. Ours rather than client-node's: loading client-node for this cost every such command ~50 ms.
import { spawn } from 'node:child_process';
import type { OutgoingHttpHeaders } from 'node:http';
import { isatty } from 'node:tty';
import { impersonationHeaders, tlsMaterial, type ClientCertificate, type Credentials } from './credential-parts.js';
import { KubeconfigError } from './errors.js';
import type { KubeconfigEntry, ResolvedKubeconfig } from './kubeconfig.js';

const API_VERSIONS = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
const INTERACTIVE_MODES = ['Never', 'IfAvailable', 'Always'];
// client-go's installHintVerboseHelp, in one line.
const NOT_INSTALLED =
  'it looks like you are trying to use a client-go credential plugin that is not installed (https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins)';

export interface ExecConfig {
  apiVersion: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  installHint: string | undefined;
  provideClusterInfo: boolean;
  interactiveMode: 'Never' | 'IfAvailable' | 'Always';
}

export interface ExecEnvironment {
  /** The environment the plugin inherits (kubectl passes its own). */
  env: NodeJS.ProcessEnv;
  /** Epoch ms; expirationTimestamp is compared with it. */
  now: () => number;
  /** Whether our stdin is a terminal (interactiveMode IfAvailable and Always ask). */
  stdinIsTerminal?: () => boolean;
}

/** One answer of the plugin, as it is used for requests. */
interface CachedCredential {
  headers: OutgoingHttpHeaders;
  certificate: ClientCertificate | undefined;
  expiresAt: number | undefined;
}

class ExecFailure extends Error {}

/** The kubeconfig's `exec` block, checked as clientcmd's validation and client-go's newAuthenticator check it. */
export function execConfig(user: KubeconfigEntry, userName: string): ExecConfig {
  const exec = user.exec as Record<string, unknown>;
  const apiVersion = typeof exec.apiVersion === 'string' ? exec.apiVersion : '';
  if (!API_VERSIONS.includes(apiVersion)) {
    throw new ExecFailure(`exec plugin: invalid apiVersion ${JSON.stringify(apiVersion)}; use ${API_VERSIONS.join(' or ')}`);
  }
  if (typeof exec.command !== 'string' || exec.command === '') throw new ExecFailure(`command must be specified for ${userName} to use exec authentication plugin`);
  // v1beta1 defaults interactiveMode to IfAvailable; v1 requires it.
  const interactiveMode = exec.interactiveMode ?? (apiVersion.endsWith('/v1beta1') ? 'IfAvailable' : undefined);
  if (interactiveMode === undefined || interactiveMode === '') {
    throw new ExecFailure(`interactiveMode must be specified for ${userName} to use exec authentication plugin (Never, IfAvailable or Always)`);
  }
  if (typeof interactiveMode !== 'string' || !INTERACTIVE_MODES.includes(interactiveMode)) {
    throw new ExecFailure(`exec plugin: unknown interactiveMode ${JSON.stringify(interactiveMode)}; use Never, IfAvailable or Always`);
  }
  const env = Array.isArray(exec.env) ? (exec.env as { name?: unknown; value?: unknown }[]) : [];
  for (const variable of env) {
    if (!variable || typeof variable.name !== 'string' || variable.name === '') throw new ExecFailure(`env variable name must be specified for ${userName} to use exec authentication plugin`);
  }
  return {
    apiVersion,
    command: exec.command,
    args: Array.isArray(exec.args) ? exec.args.map(String) : [],
    env: env.map((variable) => ({ name: variable.name as string, value: variable.value === undefined ? '' : String(variable.value) })),
    installHint: typeof exec.installHint === 'string' && exec.installHint.trim() !== '' ? exec.installHint : undefined,
    provideClusterInfo: exec.provideClusterInfo === true,
    interactiveMode: interactiveMode as ExecConfig['interactiveMode'],
  };
}

/** Whether the plugin gets our stdin; Always without a terminal is an error, as in client-go. */
export function isInteractive(mode: ExecConfig['interactiveMode'], stdinIsTerminal: boolean): boolean {
  if (mode === 'Never') return false;
  if (mode === 'Always' && !stdinIsTerminal) {
    throw new ExecFailure('exec plugin cannot support interactive mode: standard input is not a terminal; set interactiveMode: IfAvailable or run from a terminal');
  }
  return stdinIsTerminal;
}

/** KUBERNETES_EXEC_INFO: the ExecCredential the plugin reads, with the cluster when provideClusterInfo is set. */
export function execInfo(config: ExecConfig, resolved: ResolvedKubeconfig, interactive: boolean): string {
  const spec: Record<string, unknown> = { interactive };
  if (config.provideClusterInfo) {
    const { cluster } = resolved;
    const ca = tlsMaterial(resolved).ca;
    const extension = (Array.isArray(cluster.extensions) ? (cluster.extensions as { name?: unknown; extension?: unknown }[]) : []).find(
      (entry) => entry?.name === 'client.authentication.k8s.io/exec',
    );
    spec.cluster = Object.fromEntries(
      Object.entries({
        server: resolved.server,
        'tls-server-name': cluster['tls-server-name'] || undefined,
        'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'] === true || undefined,
        'certificate-authority-data': ca?.toString('base64'),
        'proxy-url': cluster['proxy-url'] || undefined,
        'disable-compression': cluster['disable-compression'] === true || undefined,
        config: extension?.extension,
      }).filter(([, value]) => value !== undefined),
    );
  }
  return JSON.stringify({ kind: 'ExecCredential', apiVersion: config.apiVersion, spec });
}

/** The plugin's stdout, checked as client-go checks it; the answer and when it expires. */
export function parseExecCredential(stdout: string, apiVersion: string): CachedCredential {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(stdout) as Record<string, unknown>;
  } catch (error) {
    throw new ExecFailure(`decoding stdout: ${(error as Error).message}; the plugin must print one ExecCredential as JSON`);
  }
  if (!document || typeof document !== 'object' || typeof document.apiVersion !== 'string' || document.kind !== 'ExecCredential') {
    throw new ExecFailure('decoding stdout: couldn\'t get version/kind; the plugin must print an ExecCredential with apiVersion and kind');
  }
  if (document.apiVersion !== apiVersion) {
    throw new ExecFailure(`exec plugin is configured to use API version ${apiVersion}, plugin returned version ${document.apiVersion}`);
  }
  const status = document.status as Record<string, unknown> | undefined | null;
  if (!status || typeof status !== 'object') throw new ExecFailure("exec plugin didn't return a status field");
  const token = typeof status.token === 'string' ? status.token : '';
  const cert = typeof status.clientCertificateData === 'string' ? status.clientCertificateData : '';
  const key = typeof status.clientKeyData === 'string' ? status.clientKeyData : '';
  if (token === '' && cert === '' && key === '') throw new ExecFailure("exec plugin didn't return a token or cert/key pair");
  if ((cert === '') !== (key === '')) throw new ExecFailure('exec plugin returned only certificate or key, not both');
  let expiresAt: number | undefined;
  if (typeof status.expirationTimestamp === 'string' && status.expirationTimestamp !== '') {
    expiresAt = Date.parse(status.expirationTimestamp);
    if (Number.isNaN(expiresAt)) throw new ExecFailure(`decoding stdout: expirationTimestamp ${JSON.stringify(status.expirationTimestamp)} is not an RFC 3339 time`);
  }
  return { headers: token ? { Authorization: `Bearer ${token}` } : {}, certificate: cert ? { cert, key } : undefined, expiresAt };
}

/** Runs the plugin once; resolves with its stdout. Its stderr is ours, as in kubectl (plugins print prompts there). */
function runPlugin(config: ExecConfig, env: NodeJS.ProcessEnv, interactive: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(config.command, config.args, { env, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT' && error.code !== 'EACCES') {
        reject(new ExecFailure(`exec: ${error.message}`));
        return;
      }
      const hint = config.installHint ? config.installHint.trim().split(/\s*\n\s*/).join(' ') : NOT_INSTALLED;
      reject(new ExecFailure(`exec: executable ${config.command} not found: ${hint}`));
    });
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(new ExecFailure(`exec: executable ${config.command} failed with exit code ${code ?? -1}`));
    });
  });
}

export function execCredentials(resolved: ResolvedKubeconfig, environment: ExecEnvironment): Credentials {
  const userName = resolved.userName || 'user';
  const failed = (error: unknown): never => {
    if (!(error instanceof ExecFailure)) throw error;
    throw new KubeconfigError(`could not get credentials for user "${userName}" from the kubeconfig (${resolved.source}): ${error.message}`);
  };
  let config: ExecConfig;
  try {
    config = execConfig(resolved.user, userName);
  } catch (error) {
    return failed(error);
  }
  const impersonation = impersonationHeaders(resolved.user);
  const stdinIsTerminal = environment.stdinIsTerminal ?? (() => isatty(0));
  let cached: CachedCredential | undefined;
  // Which certificate goes with the headers a request was given, even if the plugin has run again since.
  const certificates = new WeakMap<OutgoingHttpHeaders, ClientCertificate>();
  // Concurrent requests (gc's deletes) wait for one run of the plugin.
  let refreshing: Promise<CachedCredential> | undefined;

  const refresh = async (): Promise<CachedCredential> => {
    const interactive = isInteractive(config.interactiveMode, stdinIsTerminal());
    const env: NodeJS.ProcessEnv = { ...environment.env };
    for (const { name, value } of config.env) env[name] = value;
    env.KUBERNETES_EXEC_INFO = execInfo(config, resolved, interactive);
    const answer = parseExecCredential(await runPlugin(config, env, interactive), config.apiVersion);
    const headers = { ...impersonation, ...answer.headers };
    if (answer.certificate) certificates.set(headers, answer.certificate);
    return { ...answer, headers };
  };

  const current = async (): Promise<CachedCredential> => {
    if (cached && (cached.expiresAt === undefined || environment.now() <= cached.expiresAt)) return cached;
    refreshing ??= refresh().finally(() => (refreshing = undefined));
    try {
      cached = await refreshing;
    } catch (error) {
      return failed(error);
    }
    return cached;
  };

  const tls = tlsMaterial(resolved);
  // The plugin's certificate goes with each request; one in the agent's options would override it.
  delete tls.cert;
  delete tls.key;
  let started: Promise<CachedCredential> | undefined;
  return {
    tls,
    start() {
      started = current();
      started.catch(() => {}); // the first headers() reports it
    },
    async headers() {
      const pending = started ?? current();
      started = undefined;
      return (await pending).headers;
    },
    clientCertificate: (sent) => certificates.get(sent),
    rejected(sent) {
      // client-go re-runs the plugin only if no other request has rotated the credential meanwhile.
      if (cached?.headers === sent) cached = undefined;
    },
  };
}
