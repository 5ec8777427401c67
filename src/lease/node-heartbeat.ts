// Kubelet node leases: the kubelet renews `kube-node-lease/<node>` about every 10 s. kube-controller-manager
// marks a node NotReady (Unknown) after its grace period without a renewal, regardless of leaseDurationSeconds,
// so staleness is reported against both thresholds and the caller says which one it used.

import { parseKubeTime } from './time.js';
import type { Lease } from './types.js';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** The kubelet's default nodeLeaseDurationSeconds. */
export const NODE_LEASE_DURATION_SECONDS = 40;
/** kube-controller-manager's default --node-monitor-grace-period since 1.32. */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
/** The --node-monitor-grace-period default up to 1.31. */
export const LEGACY_NODE_MONITOR_GRACE_PERIOD_MS = 40_000;

export interface NodeHeartbeatStaleness {
  /** now − renewTime; undefined when renewTime is absent or unparseable. */
  sinceRenewMs: number | undefined;
  /** The lease's own leaseDurationSeconds (the kubelet default when absent), in ms. */
  leaseDurationMs: number;
  gracePeriodMs: number;
  /** Not renewed within the lease duration (or never renewed). */
  staleByLeaseDuration: boolean;
  /** Not renewed within the grace period: what the node lifecycle controller would act on. */
  staleByGracePeriod: boolean;
}

export function nodeHeartbeatStaleness(
  lease: Lease,
  nowMs: number,
  gracePeriodMs: number = NODE_MONITOR_GRACE_PERIOD_MS,
): NodeHeartbeatStaleness {
  const renewedAt = parseKubeTime(lease.spec?.renewTime);
  const sinceRenewMs = renewedAt === undefined ? undefined : nowMs - renewedAt;
  const leaseDurationMs = (lease.spec?.leaseDurationSeconds ?? NODE_LEASE_DURATION_SECONDS) * 1000;
  const staleAfter = (thresholdMs: number): boolean => sinceRenewMs === undefined || sinceRenewMs > thresholdMs;
  return {
    sinceRenewMs,
    leaseDurationMs,
    gracePeriodMs,
    staleByLeaseDuration: staleAfter(leaseDurationMs),
    staleByGracePeriod: staleAfter(gracePeriodMs),
  };
}
