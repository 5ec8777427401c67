import type { ChalkInstance } from 'chalk';

/**
 * kubectl's rule (cli-runtime printers/terminal.go AllowsColorOutput): a terminal, TERM not dumb, NO_COLOR unset
 * (set to anything, even "", turns colour off); plus --no-color. The one decision, for leasectl and the demo.
 */
export function allowsColor(stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv, colorFlag = true): boolean {
  return colorFlag && Boolean(stdout.isTTY) && env.TERM !== 'dumb' && env.NO_COLOR === undefined;
}

/**
 * A chalk instance at a fixed level when colour is wanted (the decision is made once, in src/cli.ts), else
 * undefined. chalk is imported only then: its terminal detection costs start-up time that piped output never needs.
 */
export async function colourer(enabled: boolean): Promise<ChalkInstance | undefined> {
  if (!enabled) return undefined;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}
