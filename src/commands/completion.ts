import { Argument, Command } from 'commander';
import { COMPLETION_TIMEOUT_MS } from '../completion/complete.js';
import { completionScript, SHELLS, type Shell } from '../completion/scripts.js';
import type { CommandContext } from '../context.js';
import { examplesHelp, exitCodesHelp } from './options.js';

export function completionCommand(ctx: CommandContext): Command {
  return new Command('completion')
    .summary('print the shell completion script for bash, zsh or fish')
    .description(
      'Print a script that teaches the shell to complete leasectl: commands, flags, -o formats, --context names from the kubeconfig, ' +
        'and namespaces and lease names from the cluster (asked with the -n, --context and --kubeconfig already on the line, ' +
        `giving up silently after ${COMPLETION_TIMEOUT_MS / 1000} seconds). The script asks leasectl itself for candidates, so it keeps up with new versions. ` +
        'The same scripts ship in the package under completions/. As a kubectl plugin, kubectl 1.26+ completes `kubectl lease` ' +
        'through the kubectl_complete-lease executable that the package installs next to kubectl-lease.',
    )
    .addArgument(new Argument('<shell>', 'the shell to print the script for').choices([...SHELLS]))
    .addHelpText(
      'after',
      examplesHelp([
        ['Complete leasectl in the current bash session', 'source <(leasectl completion bash)'],
        ['Install for zsh (a directory on $fpath, before compinit)', 'leasectl completion zsh > "${fpath[1]}/_leasectl"'],
        ['Install for fish', 'leasectl completion fish > ~/.config/fish/completions/leasectl.fish'],
      ]) +
        exitCodesHelp([
          [0, 'the script was printed'],
          [2, 'no shell, or one other than bash, zsh or fish'],
        ]),
    )
    .action((shell: Shell) => {
      ctx.io.stdout.write(completionScript(shell));
    });
}
