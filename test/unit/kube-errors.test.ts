// The API error predicates, one of each in src/kube/errors.ts, judged on Status objects as kube-apiserver sends them.
import { describe, expect, it } from 'vitest';
import {
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isExpired,
  isNotFound,
  isTlsVerificationFailure,
  isTransient,
  KubeApiError,
  KubeconfigError,
  KubeInputError,
  KubeTransportError,
  type Status,
} from '../../src/kube/errors.js';

const apiError = (code: number, reason: string): KubeApiError => new KubeApiError({ kind: 'Status', status: 'Failure', code, reason, message: reason } satisfies Status, code);
const transportError = (code: string) => new KubeTransportError('Unable to connect to the server', Object.assign(new Error(code), { code }));

const notFound = apiError(404, 'NotFound');
const conflict = apiError(409, 'Conflict');
const alreadyExists = apiError(409, 'AlreadyExists');
const gone = apiError(410, 'Expired');
const badRequest = apiError(400, 'BadRequest');

describe('API error predicates', () => {
  it('tell NotFound, Conflict, AlreadyExists, a 410 and BadRequest apart, each true for its own status only', () => {
    const all = [notFound, conflict, alreadyExists, gone, badRequest];
    const holds = (predicate: (error: unknown) => boolean) => all.filter(predicate);
    expect(holds(isNotFound)).toEqual([notFound]);
    expect(holds(isConflict)).toEqual([conflict]);
    expect(holds(isAlreadyExists)).toEqual([alreadyExists]);
    expect(holds(isExpired)).toEqual([gone]);
    expect(holds(isBadRequest)).toEqual([badRequest]);
  });

  it('are false for what is not an API status, however it looks', () => {
    const lookalikes: unknown[] = [
      new KubeconfigError('context "x" not found'),
      new KubeInputError(`invalid namespace "..": [may not be '..']`),
      transportError('ECONNREFUSED'),
      Object.assign(new Error('Not Found'), { code: 404 }),
      { code: 409, reason: 'Conflict' },
      undefined,
    ];
    for (const predicate of [isNotFound, isConflict, isAlreadyExists, isExpired, isBadRequest]) {
      expect(lookalikes.filter(predicate)).toEqual([]);
    }
  });

  it('a 409 with another reason is neither a conflict nor an existing object', () => {
    const other = apiError(409, '');
    expect([isConflict(other), isAlreadyExists(other)]).toEqual([false, false]);
  });

  it('call no answer, throttling and server failures transient, and a certificate that does not verify final', () => {
    expect(isTransient(transportError('ECONNRESET'))).toBe(true);
    expect(isTransient(apiError(429, 'TooManyRequests'))).toBe(true);
    expect(isTransient(apiError(500, 'InternalError'))).toBe(true);
    expect(isTransient(apiError(503, 'ServiceUnavailable'))).toBe(true);
    expect(isTransient(apiError(0, ''))).toBe(true);

    const unverified = transportError('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(isTlsVerificationFailure(unverified)).toBe(true);
    expect(isTransient(unverified)).toBe(false);
    expect(isTlsVerificationFailure(transportError('ECONNRESET'))).toBe(false);

    for (const final of [notFound, conflict, alreadyExists, gone, badRequest, apiError(403, 'Forbidden'), new KubeconfigError('no kubeconfig'), new Error('x')]) {
      expect(isTransient(final)).toBe(false);
    }
  });
});
