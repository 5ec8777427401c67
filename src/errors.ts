/**
 * Exit codes shared by every command (README "Exit codes"). `hold` adds its own (src/hold/exit-codes.ts).
 */
export const ExitCode = {
  ok: 0,
  /** An API, connection or kubeconfig error (kubectl's DefaultErrorExitCode). */
  error: 1,
  /** Bad flags or arguments. */
  usage: 2,
} as const;

/** The user asked for something malformed; printed as `error: <message>` plus a hint, exit 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * A failure that ends the command with `exitCode`: with its own message, or (given `cause`) described as the edge
 * describes any error (an API error in kubectl's words) but under this exit code — hold reports an API error as its
 * own failure, 125.
 */
export class Failure extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, reason: string | { cause: unknown }) {
    super(typeof reason === 'string' ? reason : '', typeof reason === 'string' ? undefined : reason);
    this.name = 'Failure';
    this.exitCode = exitCode;
  }
}

/**
 * Several failures of one command, one per item (a lease that was not found, a delete that was refused), reported
 * together after the command's output, one line each, as kubectl's aggregate errors are.
 */
export class Failures extends Error {
  readonly failures: readonly unknown[];
  readonly exitCode: number;

  constructor(failures: readonly unknown[], exitCode: number = ExitCode.error) {
    super(`${failures.length} failures`);
    this.name = 'Failures';
    this.failures = failures;
    this.exitCode = exitCode;
  }
}

/** A named lease that is not there (or not among those the selector matched): kubectl get's NotFound line. */
export class LeaseNotFound extends Error {
  readonly leaseName: string;
  readonly labelSelector: string | undefined;

  constructor(leaseName: string, labelSelector?: string) {
    super(`leases.coordination.k8s.io "${leaseName}" not found`);
    this.name = 'LeaseNotFound';
    this.leaseName = leaseName;
    this.labelSelector = labelSelector;
  }
}

/**
 * Writing to standard output failed: its reader went away (EPIPE, `leasectl list | head -1`), or the file or device
 * under it did (ENOSPC, EIO). The message is the system's words, as in `write to standard output: no space left on device`.
 */
export class OutputError extends Error {
  /** The reader went away: the output has simply ended, and there is nobody left to tell. */
  readonly readerGone: boolean;

  constructor(cause: NodeJS.ErrnoException, systemMessage: string) {
    super(`write to standard output: ${systemMessage}`, { cause });
    this.name = 'OutputError';
    this.readerGone = cause.code === 'EPIPE';
  }
}
