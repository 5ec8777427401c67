import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { ALLOW_MISSING_TEMPLATE_KEYS_FLAG, COMMON_EXIT_CODES, leaseNamesArgument, outputFlag, SHOW_MANAGED_FIELDS_FLAG } from './options.js';

export interface InspectOptions {
  names: string[];
  output: Output;
}

export const inspectCommand: CommandDeclaration<InspectOptions> = {
  name: 'inspect',
  aliases: ['describe'],
  summary: 'show everything about a lease: holder, times, state, tenure',
  description:
    'Show one or more leases in full, like kubectl describe: every spec field (an absent field is <unset>, an empty one ""), times as written and relative to now, the holder split into host and id, how long ' +
    "it has held the lease, when it last renewed, and whether it has expired by this machine's clock.",
  arguments: [{ spelling: '<names...>', key: 'names', description: 'lease names', parse: leaseNamesArgument }],
  flags: [outputFlag(['yaml', 'json'], { templates: true }), ALLOW_MISSING_TEMPLATE_KEYS_FLAG, SHOW_MANAGED_FIELDS_FLAG],
  examples: [
    { comment: 'Who leads the scheduler, and since when', command: 'leasectl inspect -n kube-system kube-scheduler' },
    { comment: 'The lease as kubectl get -o yaml prints it', command: 'leasectl inspect example-foo -o yaml' },
  ],
  exitCodes: COMMON_EXIT_CODES,
};
