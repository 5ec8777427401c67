import type { Writable, Readable } from 'node:stream';
import type { Clock } from './clock.js';
import type { KubeConnection } from './kube/connection.js';

export interface OutputStream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

export interface InputStream extends Readable {
  isTTY?: boolean;
}

/** The process's streams, injected so that commands run in-process in tests with buffers. */
export interface IOStreams {
  stdin: InputStream;
  stdout: OutputStream;
  stderr: OutputStream;
}

export interface SignalSource {
  /** Calls handler for each of the named signals until the returned function is called. */
  subscribe(signals: readonly NodeJS.Signals[], handler: (signal: NodeJS.Signals) => void): () => void;
}

/** Everything a command may touch of the outside world. */
export interface CommandContext {
  io: IOStreams;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Connects using the global kube flags; loads the Kubernetes client lazily, so --help never pays for it. */
  connect(): Promise<KubeConnection>;
  /** Colour decision made once (TTY, NO_COLOR, TERM=dumb, --no-color). */
  color: boolean;
  /** -v count. */
  verbosity: number;
  /** Signals sent to leasectl itself; injected so that hold's signal handling runs in-process in tests. */
  signals: SignalSource;
  /**
   * An error as a clause for an event sink that goes on (hold's events): the edge's words for it, so that loops
   * never word errors themselves.
   */
  describeError(error: unknown): string;
  /**
   * A problem the command gets past, on stderr as `what: <the error in the edge's words>`; only from
   * `minVerbosity` on (0: always). Commands hand the error over rather than word it.
   */
  warn(what: string, error: unknown, minVerbosity?: number): void;
  /** The name the program was invoked by (leasectl, or kubectl lease as a plugin), for help and messages. */
  programName: string;
}
