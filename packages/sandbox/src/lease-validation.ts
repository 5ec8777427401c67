// ValidateLease / ValidateLeaseSpec (pkg/apis/coordination/validation), run on create and on update.

import type { Lease } from './lease-object.js';
import { type FieldError, goQuote } from './status.js';
import { dns1123SubdomainErrors, objectMetaErrors, qualifiedNameErrors } from './validation.js';

const builtInStrategies = ['OldestEmulationVersion'];

export function leaseErrors(lease: Lease): FieldError[] {
  const errors = objectMetaErrors(lease.metadata, dns1123SubdomainErrors);
  const spec = lease.spec ?? {};
  if (typeof spec.leaseDurationSeconds === 'number' && spec.leaseDurationSeconds <= 0) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.leaseDurationSeconds', value: String(spec.leaseDurationSeconds), detail: 'must be greater than 0' });
  }
  if (typeof spec.leaseTransitions === 'number' && spec.leaseTransitions < 0) {
    errors.push({ type: 'FieldValueInvalid', field: 'spec.leaseTransitions', value: String(spec.leaseTransitions), detail: 'must be greater than or equal to 0' });
  }
  if (spec.preferredHolder && !spec.strategy) {
    errors.push({ type: 'FieldValueForbidden', field: 'spec.preferredHolder', detail: 'may only be specified if `strategy` is defined' });
  }
  if (typeof spec.strategy === 'string') {
    const strategy = spec.strategy;
    if (!strategy.includes('/')) {
      if (!builtInStrategies.includes(strategy)) {
        errors.push({ type: 'FieldValueNotSupported', field: 'spec.strategy', value: goQuote(strategy), detail: `supported values: ${builtInStrategies.map(goQuote).join(', ')}` });
      }
    } else {
      for (const message of qualifiedNameErrors(strategy)) {
        errors.push({ type: 'FieldValueInvalid', field: 'spec.strategy', value: goQuote(strategy), detail: message });
      }
    }
  }
  return errors;
}
