import type { Output } from '../printers/resource-printer.js';
import type { CommandDeclaration } from './declaration.js';
import { COMMON_EXIT_CODES, outputFlag } from './options.js';

export interface VersionOptions {
  client?: boolean;
  output: Output;
}

export const versionCommand: CommandDeclaration<VersionOptions> = {
  name: 'version',
  summary: "print leasectl's version and the server's, as kubectl version does",
  description:
    "Print leasectl's version, the @kubernetes/client-node release it is built on (where kubectl names its kustomize), and the " +
    "server's version from GET /version. --client prints leasectl's alone and needs no cluster. When the server cannot be asked, " +
    "the client's versions are printed all the same, then the error (exit 1), as kubectl does.",
  arguments: [],
  flags: [{ spelling: '--client', description: "print leasectl's version only; no cluster is needed" }, outputFlag(['json', 'yaml'])],
  examples: [
    { comment: "leasectl's version and the cluster's", command: 'leasectl version' },
    { comment: "leasectl's version alone, as JSON, without a cluster", command: 'leasectl version --client -o json' },
  ],
  exitCodes: [
    [0, 'the versions were printed (with --client, always)'],
    [1, "the server's version could not be read (an API, connection or kubeconfig error); the client's is printed before"],
    COMMON_EXIT_CODES[2]!,
  ],
};
