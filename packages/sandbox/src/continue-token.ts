// List continuation tokens, byte-compatible with the apiserver's (storage.EncodeContinue / DecodeContinue):
// unpadded base64url of {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the prefix>\u0000"}.

import { posix } from 'node:path';

export class ContinueTokenError extends Error {}

export interface ContinuePosition {
  /** The resourceVersion every page is read at; -1 continues at the latest state (after a 410). */
  resourceVersion: number;
  /** The key to resume from, relative to the list's key prefix. */
  startKey: string;
}

export function encodeContinueToken(position: ContinuePosition): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: position.resourceVersion, start: position.startKey })).toString('base64url');
}

const invalidKey = 'continue key is not valid';

export function decodeContinueToken(token: string): ContinuePosition {
  const badCharacter = token.search(/[^A-Za-z0-9_-]/);
  if (badCharacter >= 0) throw new ContinueTokenError(`${invalidKey}: illegal base64 data at input byte ${badCharacter}`);
  if (token.length % 4 === 1) throw new ContinueTokenError(`${invalidKey}: illegal base64 data at input byte ${token.length - 1}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw new ContinueTokenError(`${invalidKey}: invalid character looking for beginning of value`);
  }
  const { v, rv, start } = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as { v?: unknown; rv?: unknown; start?: unknown };
  if (v !== 'meta.k8s.io/v1') throw new ContinueTokenError(`${invalidKey}: server does not recognize this encoded version ${typeof v === 'string' ? v : ''}`);
  if (typeof rv !== 'number' || rv === 0) throw new ContinueTokenError(`${invalidKey}: incorrect encoded start resourceVersion (version meta.k8s.io/v1)`);
  if (typeof start !== 'string' || start === '') throw new ContinueTokenError(`${invalidKey}: encoded start key empty (version meta.k8s.io/v1)`);
  // The path.Clean check that stops a token from ranging outside the list's prefix.
  const key = start.startsWith('/') ? start : '/' + start;
  if (posix.normalize(key) !== key || key.endsWith('/') && key !== '/') throw new ContinueTokenError(`${invalidKey}: ${start}`);
  return { resourceVersion: rv, startKey: key.slice(1) };
}
