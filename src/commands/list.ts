import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from '../context.js';
import type { KubeConnection } from '../kube/connection.js';
import { ExitCode, ExitError, UsageError } from '../errors.js';
import { describeError } from '../error-message.js';
import { KubeApiError } from '../kube/errors.js';
import type { LeaseClient, ListOptions } from '../kube/lease-client.js';
import { stdoutFailure } from '../output.js';
import { anyHasField, parseSortPath, sortLeases } from '../lease/sort.js';
import type { Lease } from '../lease/types.js';
import { colourer } from '../printers/colour.js';
import { createLeasePrinter, OUTPUT_FORMATS, type LeasePrinter, type OutputFormat } from '../printers/index.js';
import {
  allNamespacesOption,
  COMMON_EXIT_CODES,
  examplesHelp,
  exitCodesHelp,
  leaseNamesArgument,
  noHeadersOption,
  outputOption,
  selectorOption,
  showManagedFieldsOption,
  watchOption,
} from './options.js';
import { watchLeases } from './watch.js';

interface ListFlags {
  allNamespaces?: boolean;
  selector?: string;
  fieldSelector?: string;
  output?: OutputFormat;
  headers: boolean;
  chunkSize: number;
  sortBy?: string;
  watch?: boolean;
  showManagedFields?: boolean;
}

/** Far beyond any real page: a larger number is a typo, and 0 already fetches everything at once. */
const MAX_CHUNK_SIZE = 1_000_000;

/** kubectl's --chunk-size: 0 turns chunking off; negatives and absurd sizes are refused (kubectl sends them as they are). */
function chunkSizeArgument(text: string): number {
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value <= MAX_CHUNK_SIZE)) {
    throw new InvalidArgumentError(`expected a whole number from 0 (no chunking: all at once) to ${MAX_CHUNK_SIZE}, got "${text}"`);
  }
  return value;
}

/** Prints leases fetched by name, and returns them; a missing one is reported after the others, as kubectl get does. */
async function listByName(
  ctx: CommandContext,
  client: LeaseClient,
  namespace: string,
  names: string[],
  printer: LeasePrinter,
): Promise<{ found: Lease[]; ok: boolean }> {
  let failed = false;
  const found: Lease[] = [];
  for (const name of names) {
    try {
      found.push(await client.get({ namespace, name }));
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      failed = true;
      ctx.io.stderr.write(`${describeError(error).message}\n`);
    }
  }
  printer.print(found);
  return { found, ok: !failed };
}

export function listCommand(ctx: CommandContext): Command {
  return new Command('list')
    .alias('ls')
    .summary('list leases with their holders, like kubectl get lease')
    .description(
      'List leases in a namespace (or all namespaces), with the holder and age columns of `kubectl get lease`. -o wide adds what kubectl cannot show: when each lease was renewed, its duration, when it expires ' +
        "(judged by this machine's clock), how many times it changed hands, and when the holder acquired it.",
    )
    .argument('[names...]', 'only these leases', leaseNamesArgument)
    .addOption(allNamespacesOption())
    .addOption(selectorOption())
    .option('--field-selector <selector>', 'field selector (the API serves metadata.name and metadata.namespace)')
    .addOption(outputOption(OUTPUT_FORMATS))
    .addOption(noHeadersOption())
    .addOption(new Option('--chunk-size <n>', 'fetch this many leases per request (0: all at once)').argParser(chunkSizeArgument).default(500))
    .option('--sort-by <jsonpath>', 'sort by a field, e.g. --sort-by .spec.renewTime')
    .addOption(watchOption())
    .addOption(showManagedFieldsOption())
    .addHelpText(
      'after',
      examplesHelp([
        ['Which kube-apiservers are alive', 'leasectl list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver -o wide'],
        ['Node heartbeats, stalest first', 'leasectl list -n kube-node-lease -o wide --sort-by .spec.renewTime'],
        ['Every lease in the cluster, as names', 'leasectl list -A -o name'],
        ['Follow changes to one lease', 'leasectl list example-foo -w'],
      ]) + exitCodesHelp(COMMON_EXIT_CODES),
    )
    .action(async (names: string[], flags: ListFlags) => {
      const sortPath = flags.sortBy === undefined ? undefined : parseSortPath(flags.sortBy);
      if (flags.sortBy !== undefined && !sortPath) {
        throw new UsageError(`--sort-by "${flags.sortBy}" is not a field path: use a JSONPath such as .spec.renewTime or {.metadata.name}`);
      }
      if (names.length > 0 && flags.allNamespaces) {
        throw new UsageError('a lease cannot be fetched by name across all namespaces: drop -A and give -n NAMESPACE');
      }
      if (names.length > 0 && (flags.selector || flags.fieldSelector)) {
        throw new UsageError('names and selectors cannot be combined: give either NAME... or -l/--field-selector');
      }
      const connection: KubeConnection = await ctx.connect();
      const namespace = flags.allNamespaces ? undefined : connection.namespace;
      const printer = await createLeasePrinter({
        out: ctx.io.stdout,
        format: flags.output,
        withNamespace: Boolean(flags.allNamespaces),
        noHeaders: !flags.headers,
        chalk: await colourer(ctx.color),
        showManagedFields: Boolean(flags.showManagedFields),
        singleObject: names.length === 1,
        streaming: Boolean(flags.watch),
        now: () => ctx.clock.now(),
      });

      const stdoutFailed = stdoutFailure(ctx.io.stdout);
      let ok = true;
      let resourceVersion: string | undefined;
      const listed: Lease[] = [];
      if (names.length > 0) {
        const byName = await listByName(ctx, connection.client, connection.namespace, names, printer);
        ok = byName.ok;
        listed.push(...byName.found);
        // kubectl get NAME -w fails at once when NAME does not exist, rather than waiting for it to appear.
        if (!ok && flags.watch) throw new ExitError(ExitCode.error);
      } else {
        const query: ListOptions = { namespace, labelSelector: flags.selector, fieldSelector: flags.fieldSelector };
        // Sorting needs every lease before the first row, so it fetches in one request (kubectl does the same).
        const limit = sortPath ? 0 : flags.chunkSize;
        const sorted: Lease[] = [];
        for await (const page of connection.client.listPages({ ...query, limit })) {
          if (stdoutFailed.aborted) return; // nobody reads the rest (runCli reports a failure that is not EPIPE)
          resourceVersion ??= page.metadata.resourceVersion;
          if (flags.watch) listed.push(...page.items);
          if (sortPath) sorted.push(...page.items);
          else printer.print(page.items);
        }
        if (sortPath && sorted.length > 0 && !anyHasField(sorted, sortPath)) {
          throw new UsageError(`--sort-by ${flags.sortBy}: no lease has a field at that path (fields look like .spec.renewTime or .metadata.name)`);
        }
        if (sortPath) printer.print(sortLeases(sorted, sortPath));
      }
      const printed = printer.finish();
      const humanReadable = flags.output === undefined || flags.output === 'wide';
      if (printed === 0 && humanReadable && ok && !flags.watch) {
        ctx.io.stderr.write(namespace === undefined ? 'No resources found\n' : `No resources found in ${namespace} namespace.\n`);
      }
      if (flags.watch) {
        await watchLeases(ctx, connection.client, {
          query: {
            namespace: names.length > 0 ? connection.namespace : namespace,
            labelSelector: flags.selector,
            fieldSelector: flags.fieldSelector,
            limit: flags.chunkSize,
          },
          names,
          resourceVersion,
          listed,
          printer,
        });
      }
      if (!ok) throw new ExitError(ExitCode.error);
    });
}
