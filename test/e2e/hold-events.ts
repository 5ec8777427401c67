// Reads `hold --events json` from a spawned hold's stderr, so a test can wait for a step and check its order.
import type { ChildProcess } from 'node:child_process';

export interface HoldEvent {
  v: number;
  event: string;
  time: string;
  lease: string;
  identity: string;
  [field: string]: unknown;
}

export interface HoldEvents {
  /** Every event so far, in the order hold wrote them. */
  all: HoldEvent[];
  /** Resolves at the first event of this name, at once if it has already been seen. */
  next(event: string): Promise<HoldEvent>;
  exit: Promise<number | null>;
}

/** Collects the --events json lines of a spawned hold; LEASECTL_TEST_DEBUG prints its stderr when it fails. */
export function holdEventsOf(child: ChildProcess): HoldEvents {
  const all: HoldEvent[] = [];
  const waiters: { event: string; resolve: (e: HoldEvent) => void }[] = [];
  let buffer = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    stderr += chunk;
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.startsWith('{')) continue;
      const event = JSON.parse(line) as HoldEvent;
      all.push(event);
      for (const waiter of waiters.filter((w) => w.event === event.event)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
    }
  });
  const exit = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (code !== 0 && process.env.LEASECTL_TEST_DEBUG) console.error(stderr);
      resolve(code);
    }),
  );
  return {
    all,
    next: (event) => {
      const seen = all.find((e) => e.event === event);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ event, resolve }));
    },
    exit,
  };
}
