// The shells leasectl prints completion scripts for: apart from the scripts, so that the command's declaration
// names them without loading the scripts' text at every start.
export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];
