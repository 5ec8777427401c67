// hold --label and --annotation: KEY=VALUE pairs for the lease it creates or takes, checked by the apiserver's rules
// before anything is sent. The keys hold writes itself are not the user's to set.

import { InvalidArgumentError } from 'commander';
import { annotationsSizeProblem, labelValueProblem, qualifiedNameProblem } from '../kube/label-syntax.js';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../lease/election.js';
import { SLOTS_DOMAIN } from '../lease/slots.js';

export type MetadataKind = 'label' | 'annotation';

/** Why hold must keep a key to itself; undefined for a key the user may set. */
function reservedKeyProblem(key: string): string | undefined {
  if (key === MANAGED_BY_LABEL) return `${key} is set by hold itself (to ${MANAGED_BY_VALUE}); choose another key`;
  if (key.startsWith(`${SLOTS_DOMAIN}/`)) return `keys under ${SLOTS_DOMAIN}/ are hold's own (they record --slots); choose another key`;
  return undefined;
}

/**
 * Commander parser for a repeatable `--label KEY=VALUE` or `--annotation KEY=VALUE`: folds each into the ones
 * before it. The value runs from the first '=' to the end (an annotation's may hold '=' and spaces).
 */
export function leaseMetadataArgument(kind: MetadataKind): (text: string, previous?: Record<string, string>) => Record<string, string> {
  return (text, previous = {}) => {
    const equals = text.indexOf('=');
    if (equals < 0) throw new InvalidArgumentError(`expected KEY=VALUE, such as --${kind} team=payments`);
    const key = text.slice(0, equals);
    const value = text.slice(equals + 1);
    const problem =
      prefixed('key', qualifiedNameProblem(key)) ??
      reservedKeyProblem(key) ??
      (kind === 'label' ? prefixed('value', labelValueProblem(value)) : undefined) ??
      (key in previous && previous[key] !== value ? `${key} is given twice, as ${JSON.stringify(previous[key])} and ${JSON.stringify(value)}; give it once` : undefined);
    if (problem !== undefined) throw new InvalidArgumentError(`invalid ${kind} ${JSON.stringify(text)}: ${problem}`);
    const all = { ...previous, [key]: value };
    const tooLarge = kind === 'annotation' ? annotationsSizeProblem(all) : undefined;
    if (tooLarge !== undefined) throw new InvalidArgumentError(`annotations ${tooLarge}`);
    return all;
  };
}

function prefixed(part: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${part}: ${problem}`;
}
