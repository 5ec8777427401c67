import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { ALLOW_MISSING_TEMPLATE_KEYS_FLAG, HOLDER_IDENTITY_FLAG, leaseNameArgument, outputFlag } from './options.js';

export interface ReleaseOptions {
  name: string;
  identity?: string;
  force?: boolean;
  output: Output;
}

export const releaseCommand: CommandDeclaration<ReleaseOptions> = {
  name: 'release',
  summary: 'release a lease you hold, so the next candidate can take it at once',
  description: [
        'Release the lease NAME if --identity holds it, writing what client-go writes on release: holderIdentity "", leaseDurationSeconds 1, acquireTime = renewTime = now, leaseTransitions kept. The write is a compare-and-swap, re-read and retried on conflict, so a lease someone else took in the meantime is left alone.',
        '',
        'With --force, release it whoever holds it, and say whom it displaced. That holder is not told: a hold running there finds out at its next renewal and stops its command.',
        '',
        'The identity defaults to $LEASECTL_IDENTITY, which hold sets for its command.',
      ].join('\n'),
  arguments: [{ spelling: '<name>', key: 'name', description: 'lease name', parse: leaseNameArgument }],
  flags: [HOLDER_IDENTITY_FLAG, { spelling: '--force', description: 'release the lease whoever holds it' }, outputFlag(['json', 'yaml'], { templates: true }), ALLOW_MISSING_TEMPLATE_KEYS_FLAG],
  examples: [
    { comment: 'Give up a lease taken with renew --acquire', command: 'leasectl release backup --identity "$(hostname)"' },
    { comment: 'Clear a lease left by a crashed holder without waiting for it to expire', command: 'leasectl release db-migrate --force' },
  ],
  exitCodes: [
    [0, 'released, or already free'],
    [1, 'held by someone else (without --force), or an API error such as NotFound'],
    [2, 'bad flags or arguments, e.g. no --identity'],
  ],
};
