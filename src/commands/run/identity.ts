import type { CommandContext } from '../../context.js';
import { ExitCode, Failure, UsageError } from '../../errors.js';
import type { KubeConnection } from '../../kube/connection.js';
import { isBadRequest, isNotFound, KubeApiError, KubeconfigError, KubeTransportError } from '../../kube/errors.js';
import type { LeaseClient } from '../../kube/lease-client.js';
import {
  APISERVER_IDENTITY_LABEL,
  APISERVER_IDENTITY_NAMESPACE,
  APISERVER_LABEL_VALUE,
  apiserverLeaseName,
  apiserverStatus,
  HOSTNAME_LABEL,
  isApiserverIdentityLease,
  LEGACY_APISERVER_COMPONENT_LABEL,
  legacyApiserverLeaseName,
} from '../../lease/apiserver-identity.js';
import type { Lease } from '../../lease/types.js';
import {
  createIdentityPrinter,
  HOSTNAME_HEADER,
  hostnameReport,
  hostnameRow,
  identitySummary,
  type HostnameLeaseName,
} from '../../printers/identity.js';
import { colourer } from '../../printers/colour.js';
import { createLeasePrinter, NAME_PREFIX, TableWriter, type LeasePrinter } from '../../printers/index.js';
import type { RunInput } from '../declaration.js';
import type { IdentityOptions } from '../identity.js';
import { watchLeases } from './watch.js';

/** 1.27+ identity leases carry the first label; 1.20–1.26 ones the second. They are different keys, so two lists. */
export const IDENTITY_SELECTORS = [
  `${APISERVER_IDENTITY_LABEL}=${APISERVER_LABEL_VALUE}`,
  `${LEGACY_APISERVER_COMPONENT_LABEL}=${APISERVER_LABEL_VALUE}`,
] as const;

const LIST_PAGE_SIZE = 500;

/** Identity leases from both listings, each once (a relabelled lease carries both labels), by name. */
export function mergeIdentityLeases(listings: readonly Lease[][]): Lease[] {
  const byName = new Map<string, Lease>();
  for (const lease of listings.flat()) if (isApiserverIdentityLease(lease)) byName.set(lease.metadata.name, lease);
  return [...byName.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/** The lease name an apiserver on this host uses, per release (1.20–1.25 used a random name per start: not derivable). */
export function hostnameLeaseNames(hostname: string): HostnameLeaseName[] {
  return [
    { scheme: 'current', releases: '1.27+', name: apiserverLeaseName(hostname) },
    { scheme: 'legacy', releases: '1.26', name: legacyApiserverLeaseName(hostname) },
  ];
}

/** -n, else kube-system (not the context's namespace: identity leases live in kube-system). */
function identityNamespace(connection: KubeConnection): string {
  return connection.namespaceFromFlag ? connection.namespace : APISERVER_IDENTITY_NAMESPACE;
}

async function listIdentityLeases(client: LeaseClient, namespace: string) {
  const listings = await Promise.all(
    IDENTITY_SELECTORS.map(async (labelSelector) => {
      const items: Lease[] = [];
      let resourceVersion: string | undefined;
      for await (const page of client.listPages({ namespace, labelSelector, limit: LIST_PAGE_SIZE })) {
        resourceVersion ??= page.metadata.resourceVersion;
        items.push(...page.items);
      }
      return { labelSelector, items, resourceVersion };
    }),
  );
  return { leases: mergeIdentityLeases(listings.map((listing) => listing.items)), listings };
}

function isClusterUnreachable(error: unknown): boolean {
  return error instanceof KubeApiError || error instanceof KubeTransportError || error instanceof KubeconfigError;
}

/** Identity leases labelled with this hostname under neither computed name (a renamed host, or a forged label). */
async function renamedLeasesFor(client: LeaseClient, namespace: string, hostname: string, entries: readonly HostnameLeaseName[]): Promise<Lease[]> {
  const computed = new Set(entries.map((entry) => entry.name));
  try {
    const list = await client.listPage({ namespace, labelSelector: `${HOSTNAME_LABEL}=${hostname}` });
    return list.items.filter((lease) => isApiserverIdentityLease(lease) && !computed.has(lease.metadata.name));
  } catch (error) {
    // A hostname that is not a valid label value (over 63 bytes, say) cannot be selected on: nothing to add.
    if (isBadRequest(error)) return [];
    throw error;
  }
}

/** --hostname: print the names; mark which exists, or say the cluster could not be asked (exit 0 either way). */
async function printHostnameNames(ctx: CommandContext, hostname: string, options: IdentityOptions): Promise<void> {
  const entries = hostnameLeaseNames(hostname);
  let namespace = APISERVER_IDENTITY_NAMESPACE;
  try {
    const connection = await ctx.connect();
    namespace = identityNamespace(connection);
    for (const entry of entries) {
      try {
        entry.found = await connection.client.get({ namespace, name: entry.name });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        entry.found = null;
      }
    }
    for (const lease of await renamedLeasesFor(connection.client, namespace, hostname, entries)) {
      ctx.io.stderr.write(
        `note: ${lease.metadata.name} (${apiserverStatus(lease, ctx.clock.now())}) is labelled ${HOSTNAME_LABEL}=${hostname} but named differently\n`,
      );
    }
  } catch (error) {
    if (!isClusterUnreachable(error)) throw error;
    for (const entry of entries) delete entry.found;
    ctx.warn('could not check which of these exists in the cluster', error);
  }
  const nowMs = ctx.clock.now();
  const { resources } = options.output;
  if (options.output.format === 'name') {
    for (const entry of entries) ctx.io.stdout.write(`${NAME_PREFIX}${entry.name}\n`);
  } else if (resources) {
    ctx.io.stdout.write(resources.print(hostnameReport(hostname, namespace, entries, nowMs)));
  } else {
    new TableWriter(ctx.io.stdout, HOSTNAME_HEADER, options.headers).write(entries.map((entry) => hostnameRow(entry, nowMs)));
  }
}

function noLiveApiserverMessage(leases: readonly Lease[], namespace: string): string {
  if (leases.length === 0) {
    return (
      `no kube-apiserver identity leases in ${namespace} namespace (looked for -l ${IDENTITY_SELECTORS.join(' and -l ')}; ` +
      'before 1.26 they exist only with the APIServerIdentity feature gate)'
    );
  }
  return `no live kube-apiserver: all ${leases.length} identity leases in ${namespace} namespace have expired`;
}

export async function runIdentity(ctx: CommandContext, { options }: RunInput<IdentityOptions>): Promise<number> {
  if (options.hostname !== undefined) {
    if (options.watch) throw new UsageError('--hostname and -w cannot be combined');
    if (options.hostname === '') throw new UsageError('--hostname needs a host name, e.g. --hostname master-1');
    await printHostnameNames(ctx, options.hostname, options);
    return 0;
  }
  const connection = await ctx.connect();
  const namespace = identityNamespace(connection);
  const { leases, listings } = await listIdentityLeases(connection.client, namespace);

  const humanReadable = !options.output.resources;
  const now = () => ctx.clock.now();
  const chalk = await colourer(ctx.color);
  const printer: LeasePrinter = humanReadable
    ? createIdentityPrinter({ out: ctx.io.stdout, wide: options.output.wide, noHeaders: !options.headers, chalk, now })
    : createLeasePrinter({
        out: ctx.io.stdout,
        output: options.output,
        withNamespace: false,
        noHeaders: !options.headers,
        chalk,
        singleObject: false,
        streaming: Boolean(options.watch),
        now,
      });
  printer.print(leases);
  printer.finish();
  if (humanReadable && leases.length > 0) ctx.io.stderr.write(`${identitySummary(leases, now())}\n`);

  if (options.watch) {
    // One watch per label key, like the listing; the legacy label's watch sees only what passes the name check.
    const identityOnly: LeasePrinter = { ...printer, printWatched: (lease, event) => isApiserverIdentityLease(lease) && printer.printWatched(lease, event) };
    await Promise.all(
      listings.map((listing) =>
        watchLeases(ctx, connection.client, {
          query: { namespace, labelSelector: listing.labelSelector },
          names: [],
          resourceVersion: listing.resourceVersion,
          listed: listing.items,
          printer: identityOnly,
        }),
      ),
    );
    return 0;
  }
  if (!leases.some((lease) => apiserverStatus(lease, now()) === 'live')) {
    throw new Failure(ExitCode.error, noLiveApiserverMessage(leases, namespace));
  }
  return 0;
}
