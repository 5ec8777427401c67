import { COMPLETION_TIMEOUT_MS } from '../completion/complete.js';
import { SHELLS, type Shell } from '../completion/shells.js';
import type { CommandDeclaration } from './declaration.js';

export interface CompletionOptions {
  shell: Shell;
}

export const completionCommand: CommandDeclaration<CompletionOptions> = {
  name: 'completion',
  summary: 'print the shell completion script for bash, zsh or fish',
  description:
    'Print a script that teaches the shell to complete leasectl: commands, flags, -o formats, --context names from the kubeconfig, ' +
    'and namespaces and lease names from the cluster (asked with the -n, --context and --kubeconfig already on the line, ' +
    `giving up silently after ${COMPLETION_TIMEOUT_MS / 1000} seconds). The script asks leasectl itself for candidates, so it keeps up with new versions. ` +
    'The same scripts ship in the package under completions/. As a kubectl plugin, kubectl 1.26+ completes `kubectl lease` ' +
    'through the kubectl_complete-lease executable that the package installs next to kubectl-lease.',
  arguments: [{ spelling: '<shell>', key: 'shell', description: 'the shell to print the script for', choices: SHELLS }],
  flags: [],
  examples: [
    { comment: 'Complete leasectl in the current bash session', command: 'source <(leasectl completion bash)' },
    { comment: 'Install for zsh (a directory on $fpath, before compinit)', command: 'leasectl completion zsh > "${fpath[1]}/_leasectl"' },
    { comment: 'Install for fish', command: 'leasectl completion fish > ~/.config/fish/completions/leasectl.fish' },
  ],
  exitCodes: [
    [0, 'the script was printed'],
    [2, 'no shell, or one other than bash, zsh or fish'],
  ],
};
