// `leasectl inspect`: a kubectl-describe-style view of one lease, with what describe cannot say: the state
// judged now, tenure, time since renewal, and the holder's host and id.
import type { OutputStream } from '../context.js';
import { splitHolderIdentity } from '../lease/holder.js';
import { leaseState } from '../lease/state.js';
import { formatDuration, parseKubeTime } from '../lease/time.js';
import type { Lease } from '../lease/types.js';
import { humanDuration } from './human-duration.js';
import { describeExpiry, describeRelative } from './lease-descriptions.js';
import { escapeTerminal } from './terminal.js';

const LABEL_WIDTH = 20;

/** Absent (`<unset>`) and empty (`""`) are different states of a Lease field and are shown differently. */
function fieldText(value: string | number | null | undefined): string {
  if (value === undefined || value === null) return '<unset>';
  if (value === '') return '""';
  return escapeTerminal(String(value));
}

function timeText(raw: string | null | undefined, now: number): string {
  if (raw === undefined || raw === null) return '<unset>';
  const at = parseKubeTime(raw);
  return at === undefined ? `${escapeTerminal(raw)} (unreadable)` : `${raw} (${describeRelative(at, now)})`;
}

/** Seconds as written, and in hours and minutes when that reads better (3600s (1h)). */
function durationText(seconds: number): string {
  const readable = formatDuration(seconds * 1000);
  return readable === `${seconds}s` ? readable : `${seconds}s (${readable})`;
}

function mapLines(map: Record<string, string> | undefined): string[] {
  const entries = Object.entries(map ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return entries.length === 0 ? ['<none>'] : entries.map(([key, value]) => escapeTerminal(`${key}=${value}`));
}

export function describeLease(lease: Lease, now: number): string {
  const spec = lease.spec ?? {};
  const meta = lease.metadata;
  const state = leaseState(lease, now);
  const lines: string[] = [];
  const add = (label: string, values: string | string[]) => {
    const [first = '', ...rest] = Array.isArray(values) ? values : [values];
    lines.push(`${`${label}:`.padEnd(LABEL_WIDTH)}${first}`);
    for (const value of rest) lines.push(`${' '.repeat(LABEL_WIDTH)}${value}`);
  };

  add('Name', escapeTerminal(meta.name));
  add('Namespace', fieldText(meta.namespace));
  add('Labels', mapLines(meta.labels));
  add('Annotations', mapLines(meta.annotations));
  add('Created', timeText(meta.creationTimestamp, now));
  add('UID', fieldText(meta.uid));
  add('Resource Version', fieldText(meta.resourceVersion));
  const owners = meta.ownerReferences ?? [];
  add('Owner References', owners.length === 0 ? '<none>' : owners.map((owner) => escapeTerminal(`${owner.kind}/${owner.name} (${owner.apiVersion}, uid ${owner.uid})`)));

  add('Holder Identity', fieldText(spec.holderIdentity));
  const split = spec.holderIdentity ? splitHolderIdentity(spec.holderIdentity) : undefined;
  if (split) {
    add('  Host', escapeTerminal(split.host));
    add('  ID', escapeTerminal(split.id));
  }
  add('Lease Duration', spec.leaseDurationSeconds == null ? '<unset>' : durationText(spec.leaseDurationSeconds));
  add('Acquire Time', timeText(spec.acquireTime, now));
  add('Renew Time', timeText(spec.renewTime, now));
  add('Lease Transitions', fieldText(spec.leaseTransitions));
  add('Strategy', fieldText(spec.strategy));
  add('Preferred Holder', fieldText(spec.preferredHolder));

  lines.push('State (judged by this machine\'s clock):');
  const stateText =
    state.status === 'held' && state.preferredHolder
      ? `held, end of term: the apiserver prefers ${escapeTerminal(state.preferredHolder)}`
      : state.status;
  add('  Status', stateText);
  add('  Expires', describeExpiry(state, now));
  add('  Since Renewal', state.renewedAt === undefined ? '<unknown>' : humanDuration(now - state.renewedAt));
  add('  Tenure', state.status === 'released' || state.acquiredAt === undefined ? '<none>' : humanDuration(now - state.acquiredAt));
  if (state.coordinated) add('  Coordinated', 'yes: the apiserver elects the holder (spec.strategy); leasectl never takes it over');
  return `${lines.join('\n')}\n`;
}

export function printDescriptions(leases: Lease[], now: number, out: OutputStream): void {
  out.write(leases.map((lease) => describeLease(lease, now)).join('\n'));
}
