import { OUTPUT_FORMATS } from '../printers/output-formats.js';
import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { ALLOW_MISSING_TEMPLATE_KEYS_FLAG, COMMON_EXIT_CODES, NO_HEADERS_FLAG, outputFlag, WATCH_FLAG } from './options.js';

export interface IdentityOptions {
  output: Output;
  headers: boolean;
  watch?: boolean;
  hostname?: string;
}

export const identityCommand: CommandDeclaration<IdentityOptions> = {
  name: 'identity',
  summary: 'which kube-apiservers are alive, and which identity lease is whose',
  description:
      'List the kube-apiserver identity leases (kube-system, or -n NAMESPACE) of any release: label apiserver.kubernetes.io/identity=kube-apiserver (1.27+) and ' +
        'k8s.io/component=kube-apiserver with names kube-apiserver-... (1.20-1.26). Each apiserver renews its lease every 10s for 1h; STATUS is live until renewTime + ' +
        "leaseDurationSeconds has passed, by this machine's clock. The apiserver deletes expired ones about an hour later. -o wide adds the name each lease should have for its " +
        'hostname label, whether it matches, and the peer address.\n\n' +
        '--hostname HOST prints the lease name an apiserver on HOST uses under each naming scheme and whether it exists (1.20-1.25 picked a random name at each start).',
  arguments: [],
  flags: [
    { spelling: '--hostname <host>', description: 'print the lease names an apiserver on this host uses, and which one exists' },
    outputFlag(OUTPUT_FORMATS, { templates: true }),
    ALLOW_MISSING_TEMPLATE_KEYS_FLAG,
    NO_HEADERS_FLAG,
    WATCH_FLAG,
  ],
  examples: [
    { comment: 'Which kube-apiservers are alive (exit 1 if none is)', command: 'leasectl identity' },
    { comment: 'The same, with expected names, name checks and peer addresses', command: 'leasectl identity -o wide' },
    { comment: 'The identity lease of the apiserver on host master-1', command: 'leasectl identity --hostname master-1' },
  ],
  exitCodes: [
    [0, 'at least one live kube-apiserver (always with -w; always with --hostname, even if the cluster could not be asked)'],
    [1, 'no live kube-apiserver identity lease, or an API, connection or kubeconfig error'],
    COMMON_EXIT_CODES[2]!,
  ],
};
