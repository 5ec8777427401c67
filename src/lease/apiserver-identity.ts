// kube-apiserver identity leases (kube-system, one per apiserver). The lease name is a hash of the host's name,
// so a name can be recomputed from the `kubernetes.io/hostname` label and a mismatch flagged.

import { expiredForMs } from './state.js';
import type { Lease } from './types.js';

/** 1.27+ label; value `kube-apiserver`. The apiserver's GC only ever collects leases carrying it. */
export const APISERVER_IDENTITY_LABEL = 'apiserver.kubernetes.io/identity';
/** The label identity leases carried up to 1.26; value `kube-apiserver`. */
export const LEGACY_APISERVER_COMPONENT_LABEL = 'k8s.io/component';
export const APISERVER_LABEL_VALUE = 'kube-apiserver';
export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
/** Set only with the UnknownVersionInteroperabilityProxy feature gate: `<ip>:<port>`. */
export const PEER_ADDRESS_ANNOTATION = 'kubernetes.io/peer-advertise-address';
export const APISERVER_IDENTITY_NAMESPACE = 'kube-system';
/** The apiserver deletes an identity lease once it is this long past renewTime + duration (swept hourly). */
export const IDENTITY_GC_AFTER_EXPIRY_MS = 3_600_000;

export type IdentityScheme = 'current' | 'legacy';

const CURRENT_NAME_PREFIX = 'apiserver-';
const LEGACY_NAME_PREFIX = 'kube-apiserver-';

/**
 * The identity lease name kube-apiserver 1.27+ derives from its hostname:
 * `apiserver-` + lower(base32nopad(sha256(u16be(len) ‖ hostname ‖ u16be(14) ‖ "kube-apiserver")[:16])).
 * Lengths are UTF-8 bytes, as Go's cryptobyte length prefixes count them.
 */
export function apiserverLeaseName(hostname: string): string {
  const data = Buffer.concat([u16LengthPrefixed(hostname), u16LengthPrefixed(APISERVER_LABEL_VALUE)]);
  return CURRENT_NAME_PREFIX + base32NoPadding(sha256(data).subarray(0, 16)).toLowerCase();
}

/** The 1.26 name: `kube-apiserver-` + lower(base32nopad(sha256(hostname)[:16])). */
export function legacyApiserverLeaseName(hostname: string): string {
  return LEGACY_NAME_PREFIX + base32NoPadding(sha256(Buffer.from(hostname, 'utf8')).subarray(0, 16)).toLowerCase();
}

/**
 * Which naming scheme an identity lease follows, by its label; when it carries both labels (leases from 1.26
 * relabelled by a 1.27 apiserver), by its name prefix. Undefined for leases that are not apiserver identities.
 */
export function identitySchemeOf(lease: Lease): IdentityScheme | undefined {
  const labels = lease.metadata.labels ?? {};
  const current = labels[APISERVER_IDENTITY_LABEL] === APISERVER_LABEL_VALUE;
  const legacy = labels[LEGACY_APISERVER_COMPONENT_LABEL] === APISERVER_LABEL_VALUE;
  if (current && legacy) return lease.metadata.name.startsWith(LEGACY_NAME_PREFIX) ? 'legacy' : 'current';
  if (current) return 'current';
  if (legacy) return 'legacy';
  return undefined;
}

/**
 * Whether a lease is an apiserver identity lease: the 1.27+ label, or the old label on a name of the old shape
 * (the old label alone is not proof: other components used k8s.io/component).
 */
export function isApiserverIdentityLease(lease: Lease): boolean {
  const scheme = identitySchemeOf(lease);
  return scheme === 'current' || (scheme === 'legacy' && lease.metadata.name.startsWith(LEGACY_NAME_PREFIX));
}

/** The name this identity lease should have given its hostname label; undefined without label or scheme. */
export function expectedLeaseNameFor(lease: Lease): string | undefined {
  const hostname = lease.metadata.labels?.[HOSTNAME_LABEL];
  if (!hostname) return undefined;
  switch (identitySchemeOf(lease)) {
    case 'current':
      return apiserverLeaseName(hostname);
    case 'legacy':
      return legacyApiserverLeaseName(hostname);
    case undefined:
      return undefined;
  }
}

export type ApiserverStatus = 'live' | 'expired';

/** Live until renewTime + leaseDurationSeconds has passed (the apiserver's GC rule), by this machine's clock. */
export function apiserverStatus(lease: Lease, nowMs: number): ApiserverStatus {
  return expiredForMs(lease, nowMs) > 0 ? 'expired' : 'live';
}

/** Whether the lease name is the one its hostname label implies; undefined when it cannot be told. */
export function nameMatchesHostname(lease: Lease): boolean | undefined {
  const expected = expectedLeaseNameFor(lease);
  return expected === undefined ? undefined : expected === lease.metadata.name;
}

function sha256(data: Buffer): Buffer {
  // node:crypto only when a name is computed: every command's start would otherwise load it (docs/performance.md).
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(data).digest();
}

function u16LengthPrefixed(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  // kube-apiserver exits on this too (cryptobyte refuses); no real hostname comes close (Linux allows 64 bytes).
  if (bytes.length > 0xffff) throw new RangeError(`hostname is ${bytes.length} bytes, more than 65535`);
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16BE(bytes.length);
  return Buffer.concat([prefix, bytes]);
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (standard alphabet) without `=` padding, as Go's `base32.StdEncoding.WithPadding(NoPadding)`. */
export function base32NoPadding(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff; // at most 12 bits are ever pending
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(buffer >> bits) & 31];
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
