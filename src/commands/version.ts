import { Command } from 'commander';
import type { CommandContext } from '../context.js';
import { printVersion, type VersionFormat, type VersionReport } from '../printers/version.js';
import { CLIENT_NODE_VERSION, clientVersionInfo } from '../version.js';
import { COMMON_EXIT_CODES, examplesHelp, exitCodesHelp, outputOption } from './options.js';

interface VersionFlags {
  client?: boolean;
  output?: VersionFormat;
}

export function versionCommand(ctx: CommandContext): Command {
  return new Command('version')
    .summary("print leasectl's version and the server's, as kubectl version does")
    .description(
      "Print leasectl's version, the @kubernetes/client-node release it is built on (where kubectl names its kustomize), and the " +
        "server's version from GET /version. --client prints leasectl's alone and needs no cluster. When the server cannot be asked, " +
        "the client's versions are printed all the same, then the error (exit 1), as kubectl does.",
    )
    .option('--client', "print leasectl's version only; no cluster is needed")
    .addOption(outputOption(['json', 'yaml']))
    .addHelpText(
      'after',
      examplesHelp([
        ["leasectl's version and the cluster's", 'leasectl version'],
        ["leasectl's version alone, as JSON, without a cluster", 'leasectl version --client -o json'],
      ]) +
        exitCodesHelp([
          [0, 'the versions were printed (with --client, always)'],
          [1, "the server's version could not be read (an API, connection or kubeconfig error); the client's is printed before"],
          COMMON_EXIT_CODES[2],
        ]),
    )
    .action(async (flags: VersionFlags) => {
      const report: VersionReport = { clientVersion: clientVersionInfo(), clientNodeVersion: CLIENT_NODE_VERSION };
      let failure: unknown;
      if (!flags.client) {
        try {
          const connection = await ctx.connect();
          report.serverVersion = await connection.serverVersion();
        } catch (error) {
          failure = error;
        }
      }
      await printVersion(ctx.io.stdout, report, flags.output);
      if (failure !== undefined) throw failure;
    });
}
