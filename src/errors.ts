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
 * A failure already explained to the user (or needing only `message`), ending with a specific exit code. With an
 * empty message and a `cause`, the cause is described as any other error would be (kubectl's wording for an API
 * error), under this exit code.
 */
export class ExitError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExitError';
    this.exitCode = exitCode;
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
