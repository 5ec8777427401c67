// The one place errors become text, in kubectl's words (kubectl pkg/cmd/util/helpers.go StandardErrorMessage).
import { CommanderError } from 'commander';
import { ExitCode, ExitError, OutputError, UsageError } from './errors.js';
import { KubeApiError, KubeconfigError, KubeTransportError } from './kube/errors.js';

export interface DescribedError {
  /** Lines for stderr, without trailing newline; empty when nothing needs saying. */
  message: string;
  exitCode: number;
}

function describeApiError(error: KubeApiError): string {
  const { status } = error;
  if (error.code === 401) return `error: You must be logged in to the server (${status.message || 'Unauthorized'})`;
  const causes = status.details?.causes ?? [];
  if (error.reason === 'Invalid' && status.details?.name && causes.length > 0) {
    const kind = status.details.kind ?? 'Lease';
    const detail = causes.map((cause) => (cause.field ? `${cause.field}: ${cause.message}` : cause.message)).join(', ');
    return `The ${kind} "${status.details.name}" is invalid: ${detail}`;
  }
  return `Error from server (${error.reason}): ${status.message ?? ''}`;
}

export function describeError(error: unknown, verbosity = 0): DescribedError {
  const withStack = (message: string) =>
    verbosity > 0 && error instanceof Error && error.stack ? `${message}\n${error.stack}` : message;
  if (error instanceof ExitError) {
    if (!error.message && error.cause !== undefined) return { message: describeError(error.cause, verbosity).message, exitCode: error.exitCode };
    return { message: error.message ? `error: ${error.message}` : '', exitCode: error.exitCode };
  }
  if (error instanceof UsageError) return { message: `error: ${error.message}`, exitCode: ExitCode.usage };
  if (error instanceof OutputError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof KubeApiError) return { message: withStack(describeApiError(error)), exitCode: ExitCode.error };
  if (error instanceof KubeTransportError) return { message: withStack(error.message), exitCode: ExitCode.error };
  if (error instanceof KubeconfigError) return { message: withStack(`error: ${error.message}`), exitCode: ExitCode.error };
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and --version end with 0, everything else is usage.
    return { message: '', exitCode: error.exitCode === 0 ? ExitCode.ok : ExitCode.usage };
  }
  const text = error instanceof Error ? error.message : String(error);
  return {
    message:
      verbosity > 0 && error instanceof Error && error.stack
        ? `error: ${error.stack}`
        : `error: ${text} (run again with -v for details)`,
    exitCode: ExitCode.error,
  };
}
