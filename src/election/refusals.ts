// A lease that is not ours to renew or release: the facts, for the edge to word (src/error-message.ts) with the
// holder's state by this machine's clock.
import type { LeaseName } from '../lease/election.js';
import type { Lease } from '../lease/types.js';

export class NotHolder extends Error {
  readonly ref: LeaseName;
  /** The lease as last read. */
  readonly lease: Lease;
  /** Who we are (renew, release), or, for `changed-hands`, the holder that release --force set out to displace. */
  readonly identity: string;
  /** When it was read, by this machine's wall clock: the holder's times are told relative to it. */
  readonly observedAtMs: number;
  /** `not-ours`: someone else holds it; `changed-hands`: release --force found a new holder while it retried. */
  readonly situation: 'not-ours' | 'changed-hands';
  /** What the user can do about it, appended after `; `. */
  readonly hint: string;

  constructor(fields: { ref: LeaseName; lease: Lease; identity: string; observedAtMs: number; situation: NotHolder['situation']; hint: string }) {
    super(`lease ${fields.ref.namespace}/${fields.ref.name} is not held by ${fields.identity}`);
    this.name = 'NotHolder';
    this.ref = fields.ref;
    this.lease = fields.lease;
    this.identity = fields.identity;
    this.observedAtMs = fields.observedAtMs;
    this.situation = fields.situation;
    this.hint = fields.hint;
  }
}
