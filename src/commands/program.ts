// The root of the command line: what leasectl is, the global (kubectl connection) flags, examples, exit codes.
import type { KubeFlags } from '../kube/connection.js';
import type { ProgramDeclaration } from './declaration.js';
import { COMMON_EXIT_CODES, repeatedArgument, requestTimeoutArgument } from './options.js';

export interface GlobalFlags extends KubeFlags {
  verbose: number;
  color: boolean;
}

export const PROGRAM: ProgramDeclaration = {
  description: 'Inspect and use Kubernetes coordination.k8s.io/v1 Leases: who holds what, since when, and a lease as a cluster-wide lock.',
  flags: [
    { spelling: '-n, --namespace <namespace>', description: "namespace (default: the context's namespace, else default)" },
    { spelling: '--kubeconfig <path>', description: 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)' },
    { spelling: '--context <name>', description: 'kubeconfig context to use' },
    { spelling: '--cluster <name>', description: 'kubeconfig cluster to use' },
    { spelling: '--user <name>', description: 'kubeconfig user to use' },
    { spelling: '--request-timeout <duration>', description: 'give up on a request after this long (e.g. 5s; 0: never)', parse: requestTimeoutArgument },
    { spelling: '--insecure-skip-tls-verify', description: "don't verify the server's certificate (insecure)" },
    // kubectl's connection flags over the kubeconfig (src/kube/overrides.ts has the rules).
    { spelling: '-s, --server <url>', description: "the API server's URL, in place of the kubeconfig cluster's (no kubeconfig needed with it)" },
    { spelling: '--certificate-authority <path>', description: "CA certificate file to verify the server's certificate with" },
    { spelling: '--tls-server-name <name>', description: "name to verify the server's certificate against (default: the server URL's host)" },
    { spelling: '--token <token>', description: "bearer token, in place of the kubeconfig user's credentials" },
    { spelling: '--client-certificate <path>', description: 'client certificate file for TLS' },
    { spelling: '--client-key <path>', description: 'client key file for TLS' },
    { spelling: '--as <user>', description: 'act as this user or service account (system:serviceaccount:NS:NAME): impersonation' },
    { spelling: '--as-group <group>', description: 'act as a member of this group (repeat for more; needs --as)', parse: repeatedArgument },
    { spelling: '--as-uid <uid>', description: 'act as the user with this UID (needs --as)' },
    { spelling: '-v, --verbose', description: 'more detail on errors (repeat for more)', parse: (_: string, previous: unknown) => (previous as number) + 1, default: { value: 0 } },
    { spelling: '--no-color', description: 'never colour output (also: NO_COLOR set, TERM=dumb, or not a terminal)' },
  ],
  examples: [
    { comment: 'Which kube-apiservers are alive (their identity leases)', command: 'leasectl list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver' },
    { comment: 'Run a job only while holding a lease, so two copies never overlap', command: 'leasectl hold example-foo -- ./job.sh' },
    { comment: 'Who holds a lease, since when, and is it expired', command: 'leasectl inspect -n kube-system kube-scheduler' },
    { comment: 'Complete commands, flags, namespaces and lease names in bash', command: 'source <(leasectl completion bash)' },
  ],
  exitCodes: [...COMMON_EXIT_CODES, ['other', "hold: the command's own exit code, or hold's codes for losing or never getting the lease (see hold --help)"]],
};
