import { KubeApiError, KubeTransportError } from '../kube/errors.js';
import { AbortedError } from './timers.js';

/**
 * Worth retrying: no answer (a timeout among them), throttling or a server-side failure. Anything else is final,
 * a certificate that does not verify among them: it is the kubeconfig's or the server's configuration.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof KubeTransportError) return !error.isTlsVerificationFailure;
  if (error instanceof KubeApiError) return error.code === 429 || error.code >= 500 || error.code === 0;
  return false;
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.isNotFound;
}

export function isAborted(error: unknown): boolean {
  return error instanceof AbortedError;
}
