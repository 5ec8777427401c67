import type { CommandContext } from '../../context.js';
import { Failures } from '../../errors.js';
import { KubeApiError } from '../../kube/errors.js';
import type { Lease } from '../../lease/types.js';
import { printDescriptions } from '../../printers/describe.js';
import { asList } from '../../printers/serialize.js';
import type { RunInput } from '../declaration.js';
import type { InspectOptions } from '../inspect.js';

export async function runInspect(ctx: CommandContext, { options }: RunInput<InspectOptions>): Promise<number> {
  const { client, namespace } = await ctx.connect();
  const found: Lease[] = [];
  const missing: KubeApiError[] = [];
  // Each lease prints as soon as it is read; a missing one is reported after the rest, as kubectl describe does.
  for (const name of options.names) {
    try {
      const lease = await client.get({ namespace, name });
      found.push(lease);
      if (!options.output.resources) {
        if (found.length > 1) ctx.io.stdout.write('\n');
        printDescriptions([lease], ctx.clock.now(), ctx.io.stdout);
      }
    } catch (error) {
      if (!(error instanceof KubeApiError)) throw error;
      missing.push(error);
    }
  }
  const { resources } = options.output;
  if (resources && found.length > 0) ctx.io.stdout.write(resources.print(found.length === 1 ? found[0] : asList(found)));
  if (missing.length > 0) throw new Failures(missing);
  return 0;
}
