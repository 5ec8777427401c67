// Issue 11's start-up targets, judged from the medians of one bench run. Its ratios to kubectl are read as they
// stand. Its millisecond budgets (--help in 30 ms, list within 15 ms of the floor) were set on a machine where
// `kubectl get lease` took 44 ms. This VM runs kubectl about 2.5 times slower, and node -e 0 and the floor by about
// the same factor (docs/performance.md, "Reading the millisecond targets"), so each budget is also read as the same
// share of kubectl's median in this run. Both readings are printed.

/** `kubectl get lease -n NS` on the machine where issue 11's millisecond targets were set (its table). */
export const TARGETS_SET_AT_KUBECTL_MS = 44;

export const verdict = (met: boolean): string => (met ? 'met' : 'MISSED');

/** Medians (ms) of the start-up section's rows; kubectl's is missing where kubectl is not installed. */
export interface StartupMedians {
  kubectl: number | undefined;
  floor: number;
  help: number;
  list: number;
  listWithExecPlugin: number;
  pluginAlone: number;
  complete: number;
}

const ratio = (value: number, reference: number) => `${(value / reference).toFixed(2)}x`;

/**
 * One line per target that applies to this runtime. The Node 22 targets are judged on Node 22 and the floor target on
 * Node 20, as the issue sets them; the exec target holds on every runtime.
 */
export function startupTargetLines(medians: StartupMedians, nodeMajor: number): string[] {
  const { kubectl, floor, help, list, listWithExecPlugin, pluginAlone, complete } = medians;
  const lines: string[] = [];
  const execBudget = 1.15 * list + pluginAlone;
  lines.push(
    `  target: exec plugin <= 1.15x the token path + the plugin's own ${pluginAlone.toFixed(1)} ms (${execBudget.toFixed(1)} ms): ${listWithExecPlugin.toFixed(1)} ms (${verdict(listWithExecPlugin <= execBudget)})`,
  );
  if (nodeMajor !== 20 && nodeMajor !== 22) return lines;
  // A budget of `ms` read both ways: as written, and as the same share of kubectl's time in this run.
  const budget = (measured: number, ms: number) => {
    if (kubectl === undefined) return `as written: ${verdict(measured <= ms)}; not read at this machine's speed, kubectl is missing`;
    const scaled = (ms / TARGETS_SET_AT_KUBECTL_MS) * kubectl;
    return (
      `as written: ${verdict(measured <= ms)}; ${ms} ms at this machine's speed is ${scaled.toFixed(1)} ms ` +
      `(kubectl ${kubectl.toFixed(1)} ms here, ${TARGETS_SET_AT_KUBECTL_MS} ms where the targets were set): ${verdict(measured <= scaled)}`
    );
  };
  const againstKubectl = (measured: number) =>
    kubectl === undefined ? 'not judged, kubectl is missing' : `${ratio(measured, kubectl)} (${verdict(measured <= 1.3 * kubectl)})`;
  if (nodeMajor === 22) {
    lines.push(`  target: list <= 1.3x kubectl: ${againstKubectl(list)}`);
    lines.push(`  target: __complete <= 1.3x kubectl: ${againstKubectl(complete)}`);
    lines.push(`  target: --help <= 30 ms: ${help.toFixed(1)} ms (${budget(help, 30)})`);
  } else {
    const gap = list - floor;
    const measured = `the floor ${gap < 0 ? '-' : '+'} ${Math.abs(gap).toFixed(1)} ms`;
    lines.push(`  target: list <= the floor + 15 ms: ${measured} (${budget(gap, 15)})`);
  }
  return lines;
}
