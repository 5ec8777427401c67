import type { CommandContext } from '../../context.js';
import { printVersion, type VersionReport } from '../../printers/version.js';
import { CLIENT_NODE_VERSION, clientVersionInfo } from '../../version.js';
import type { RunInput } from '../declaration.js';
import type { VersionOptions } from '../version.js';

export async function runVersion(ctx: CommandContext, { options }: RunInput<VersionOptions>): Promise<number> {
  const report: VersionReport = { clientVersion: clientVersionInfo(), clientNodeVersion: CLIENT_NODE_VERSION };
  let failure: unknown;
  if (!options.client) {
    try {
      const connection = await ctx.connect();
      report.serverVersion = await connection.serverVersion();
    } catch (error) {
      failure = error;
    }
  }
  await printVersion(ctx.io.stdout, report, options.output.format as 'json' | 'yaml' | undefined);
  if (failure !== undefined) throw failure;
  return 0;
}
