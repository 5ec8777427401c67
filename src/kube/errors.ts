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

/** The server answered with an error Status. */
export class KubeApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly status: Status;

  constructor(status: Status, httpCode: number) {
    super(status.message ?? `the server responded with HTTP ${httpCode}`);
    this.name = 'KubeApiError';
    this.code = status.code ?? httpCode;
    this.reason = status.reason ?? 'Unknown';
    this.status = status;
  }

  get isNotFound(): boolean {
    return this.code === 404;
  }

  get isConflict(): boolean {
    return this.code === 409 && this.reason === 'Conflict';
  }

  get isAlreadyExists(): boolean {
    return this.code === 409 && this.reason === 'AlreadyExists';
  }

  get isExpired(): boolean {
    return this.code === 410;
  }
}

/** No usable answer from the server: refused, unreachable, TLS failure, timeout. The message is kubectl's line. */
export class KubeTransportError extends Error {
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'KubeTransportError';
  }
}

/** The kubeconfig cannot be used: missing file, unknown context, no configuration at all. */
export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubeconfigError';
  }
}
