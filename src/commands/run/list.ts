import type { CommandContext } from '../../context.js';
import { Failures, UsageError } from '../../errors.js';
import type { KubeConnection } from '../../kube/connection.js';
import { KubeApiError } from '../../kube/errors.js';
import type { LeaseClient, ListOptions as ListQuery } from '../../kube/lease-client.js';
import { anyHasField, parseSortPath, sortLeases } from '../../lease/sort.js';
import type { Lease } from '../../lease/types.js';
import { stdoutFailure } from '../../output.js';
import { colourer } from '../../printers/colour.js';
import { createLeasePrinter } from '../../printers/leases.js';
import type { RunInput } from '../declaration.js';
import type { ListOptions } from '../list.js';
import { watchLeases } from './watch.js';

/** Prints leases fetched by name, and returns them with what was missing (reported after the others, as kubectl get does). */
async function listByName(client: LeaseClient, namespace: string, names: string[], print: (leases: Lease[]) => void): Promise<{ found: Lease[]; missing: KubeApiError[] }> {
  const missing: KubeApiError[] = [];
  const found: Lease[] = [];
  for (const name of names) {
    try {
      found.push(await client.get({ namespace, name }));
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      missing.push(error);
    }
  }
  print(found);
  return { found, missing };
}

export async function runList(ctx: CommandContext, { options }: RunInput<ListOptions>): Promise<number> {
  const { names } = options;
  const sortPath = options.sortBy === undefined ? undefined : parseSortPath(options.sortBy);
  if (options.sortBy !== undefined && !sortPath) {
    throw new UsageError(`--sort-by "${options.sortBy}" is not a field path: use a JSONPath such as .spec.renewTime or {.metadata.name}`);
  }
  if (names.length > 0 && options.allNamespaces) {
    throw new UsageError('a lease cannot be fetched by name across all namespaces: drop -A and give -n NAMESPACE');
  }
  if (names.length > 0 && (options.selector || options.fieldSelector)) {
    throw new UsageError('names and selectors cannot be combined: give either NAME... or -l/--field-selector');
  }
  if (options.outputWatchEvents && !options.watch && !options.watchOnly) {
    throw new UsageError('--output-watch-events needs -w or --watch-only');
  }
  // --watch-only is -w without printing the listing (it still lists, to learn where the watch starts).
  const watch = Boolean(options.watch || options.watchOnly);
  const connection: KubeConnection = await ctx.connect();
  const namespace = options.allNamespaces ? undefined : connection.namespace;
  const printer = createLeasePrinter({
    out: ctx.io.stdout,
    output: options.output,
    withNamespace: Boolean(options.allNamespaces),
    noHeaders: !options.headers,
    chalk: await colourer(ctx.color),
    singleObject: names.length === 1,
    streaming: watch,
    now: () => ctx.clock.now(),
    labelColumns: options.labelColumns,
    showLabels: options.showLabels,
    watchEvents: options.outputWatchEvents,
  });
  const printListed = (leases: Lease[]) => {
    if (!options.watchOnly) printer.print(leases);
  };

  const stdoutFailed = stdoutFailure(ctx.io.stdout);
  let missing: KubeApiError[] = [];
  let resourceVersion: string | undefined;
  const listed: Lease[] = [];
  if (names.length > 0) {
    const byName = await listByName(connection.client, connection.namespace, names, printListed);
    missing = byName.missing;
    listed.push(...byName.found);
    // kubectl get NAME -w fails at once when NAME does not exist, rather than waiting for it to appear.
    if (missing.length > 0 && watch) throw new Failures(missing);
  } else {
    const query: ListQuery = { namespace, labelSelector: options.selector, fieldSelector: options.fieldSelector };
    // Sorting needs every lease before the first row, so it fetches in one request (kubectl does the same).
    const limit = sortPath ? 0 : options.chunkSize;
    const sorted: Lease[] = [];
    for await (const page of connection.client.listPages({ ...query, limit })) {
      if (stdoutFailed.aborted) return 0; // nobody reads the rest (runCli reports a failure that is not EPIPE)
      resourceVersion ??= page.metadata.resourceVersion;
      if (watch) listed.push(...page.items);
      if (sortPath) sorted.push(...page.items);
      else printListed(page.items);
    }
    if (sortPath && sorted.length > 0 && !anyHasField(sorted, sortPath)) {
      throw new UsageError(`--sort-by ${options.sortBy}: no lease has a field at that path (fields look like .spec.renewTime or .metadata.name)`);
    }
    if (sortPath) printListed(sortLeases(sorted, sortPath));
  }
  const printed = printer.finish();
  if (printed === 0 && !options.output.resources && missing.length === 0 && !watch) {
    ctx.io.stderr.write(namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
  }
  if (watch) {
    await watchLeases(ctx, connection.client, {
      query: {
        namespace: names.length > 0 ? connection.namespace : namespace,
        labelSelector: options.selector,
        fieldSelector: options.fieldSelector,
        limit: options.chunkSize,
      },
      names,
      resourceVersion,
      listed,
      printer,
    });
  }
  if (missing.length > 0) throw new Failures(missing);
  return 0;
}
