// kube-apiserver feature gates the sandbox honours, and kube-apiserver's `--feature-gates` syntax for them.

import { goBool } from './request.js';

/** Each gate defaults to kube-apiserver's default when absent. */
export interface FeatureGates {
  /** Default off (alpha in 1.31, beta in 1.33 and still off): spec.strategy and spec.preferredHolder are dropped. */
  CoordinatedLeaderElection?: boolean;
}

const knownGates: readonly string[] = ['CoordinatedLeaderElection'] satisfies (keyof FeatureGates)[];

export class FeatureGateError extends Error {}

/**
 * `A=true,B=false`, read as component-base's featureGate.Set does: every value must be a Go bool before any name
 * is checked, and the error texts are its own.
 */
export function parseFeatureGates(flag: string): FeatureGates {
  const values = new Map<string, boolean>();
  for (const entry of flag.split(',')) {
    if (entry === '') continue;
    const separator = entry.indexOf('=');
    const name = (separator < 0 ? entry : entry.slice(0, separator)).trim();
    if (separator < 0) throw new FeatureGateError(`missing bool value for ${name}`);
    const text = entry.slice(separator + 1).trim();
    const enabled = goBool(text);
    if (enabled === undefined) throw new FeatureGateError(`invalid value of ${name}=${text}, err: strconv.ParseBool: parsing "${text}": invalid syntax`);
    values.set(name, enabled);
  }
  const gates: FeatureGates = {};
  for (const [name, enabled] of values) {
    if (!knownGates.includes(name)) throw new FeatureGateError(`unrecognized feature gate: ${name}`);
    gates[name as keyof FeatureGates] = enabled;
  }
  return gates;
}
