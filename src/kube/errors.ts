/** A Kubernetes Status object, as sent in error bodies. */
export interface Status {
  kind?: string;
  apiVersion?: string;
  /** A 410 for an expired continue token carries a fresh token here, for the rest of the list at the latest state. */
  metadata?: { continue?: string };
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** apimachinery's CauseTypeUnexpectedServerResponse: the cause client-go gives an error status without a Status body. */
export const UNEXPECTED_SERVER_RESPONSE = 'UnexpectedServerResponse';

/** The server answered with an error Status. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status, httpCode: number) {
    super(status.message ?? `the server responded with HTTP ${httpCode}`);
    this.name = 'KubeApiError';
    this.code = status.code ?? httpCode;
    // apimachinery's StatusReasonUnknown is "": kubectl then prints `Error from server: <message>`.
    this.reason = status.reason ?? '';
    this.status = status;
  }
}

/** Node's codes for a server certificate that does not verify (OpenSSL's X509_V_ERR_* names, and Node's own for the name check). */
const TLS_VERIFICATION_CODES = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function isTlsVerificationCode(code: string | undefined): boolean {
  return code !== undefined && TLS_VERIFICATION_CODES.has(code);
}

/** No usable answer from the server: refused, unreachable, TLS failure, timeout. The message is kubectl's line. */
export class KubeTransportError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'KubeTransportError';
  }
}

/**
 * The server answered, but not as a Kubernetes API server does (an HTML page, a lease without a name): a proxy or
 * another web server is in the way, so retrying cannot fix it either. The message names what was wrong.
 */
export class KubeResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeResponseError';
  }
}

/** The kubeconfig cannot be used: missing file, unknown context, no configuration at all. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}

/**
 * A namespace or lease name that cannot be sent: it would leave its path segment (`..`, `a/b`), or cannot be a
 * namespace at all. The message is kubectl's; it is the user's input, so the edge reports it as a usage error.
 */
export class KubeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeInputError';
  }
}

// The predicates, one of each, in apimachinery's names (k8s.io/apimachinery/pkg/api/errors): callers ask these
// rather than reading codes and reasons.

/** 404: the lease (or its namespace) does not exist. */
export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 404;
}

/** 409 Conflict: the resourceVersion or a precondition no longer matches; someone else wrote first. */
export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409 && error.reason === 'Conflict';
}

/** 409 AlreadyExists: a create lost to another create. */
export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists';
}

/**
 * 410: a continue token or resourceVersion too old to resume from (IsResourceExpired and IsGone alike). Narrows, as a
 * 410 for a continue token carries a fresh token in its Status.
 */
export function isExpired(error: unknown): error is KubeApiError {
  return error instanceof KubeApiError && error.code === 410;
}

/** 400: the server refused the request itself (a selector value it cannot parse, say). */
export function isBadRequest(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 400;
}

/**
 * The server's certificate does not verify (unknown authority, wrong name, not yet valid, expired): the
 * kubeconfig or the server is misconfigured, and retrying cannot fix it.
 */
export function isTlsVerificationFailure(error: unknown): boolean {
  return error instanceof KubeTransportError && isTlsVerificationCode((error.cause as NodeJS.ErrnoException | undefined)?.code);
}

/**
 * Worth retrying: no answer (a timeout among them), throttling or a server-side failure. Anything else is final,
 * a certificate that does not verify among them: it is the kubeconfig's or the server's configuration.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof KubeTransportError) return !isTlsVerificationFailure(error);
  if (error instanceof KubeApiError) return error.code === 429 || error.code >= 500 || error.code === 0;
  return false;
}
