import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { ALLOW_MISSING_TEMPLATE_KEYS_FLAG, durationArgument, HOLDER_IDENTITY_FLAG, leaseNameArgument, outputFlag } from './options.js';

export interface RenewOptions {
  name: string;
  identity?: string;
  acquire?: boolean;
  leaseDuration?: number;
  output: Output;
}

export const renewCommand: CommandDeclaration<RenewOptions> = {
  name: 'renew',
  summary: 'renew a lease once, as its holder (one heartbeat for scripts with their own loop)',
  description: [
        'Renew the lease NAME if --identity holds it: renewTime = now, acquireTime and leaseTransitions kept, leaseDurationSeconds kept (or set to --lease-duration when given). Otherwise exit 1, saying who holds it and until when. A missing lease is an error; renew never creates one by accident.',
        '',
        "With --acquire, also take the lease when it is missing (it is created), free, or expired. A lease held by someone else that looks expired by its renewTime is confirmed first, by the same rule as hold and gc: it is watched for one lease duration and taken only if nothing changed; if it changes, its holder is alive (its clock may be behind) and renew exits 1 without writing.",
        '',
        'The identity defaults to $LEASECTL_IDENTITY, which hold sets for its command, so a command run by hold can renew its own lease.',
      ].join('\n'),
  arguments: [{ spelling: '<name>', key: 'name', description: 'lease name', parse: leaseNameArgument }],
  flags: [
    HOLDER_IDENTITY_FLAG,
    { spelling: '--acquire', description: 'also take the lease when it is missing, free or expired' },
    {
      spelling: '--lease-duration <duration>',
      description: "leaseDurationSeconds to write, whole seconds (default: keep the lease's; 15s when acquiring)",
      parse: durationArgument,
    },
    outputFlag(['json', 'yaml'], { templates: true }),
    ALLOW_MISSING_TEMPLATE_KEYS_FLAG,
  ],
  examples: [
    { comment: 'Heartbeat from a script that runs its own loop', command: 'leasectl renew backup --identity "$(hostname)" --acquire --lease-duration 30s' },
    { comment: 'Inside a command run by hold (LEASECTL_IDENTITY is set)', command: 'leasectl renew "${LEASECTL_LEASE#*/}"' },
  ],
  exitCodes: [
    [0, 'renewed (or acquired, with --acquire)'],
    [1, 'held by someone else (the message says who and until when), or an API error such as NotFound'],
    [2, 'bad flags or arguments, e.g. no --identity'],
  ],
};
