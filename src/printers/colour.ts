import type { ChalkInstance } from 'chalk';

/**
 * A chalk instance at a fixed level when colour is wanted (the decision is made once, in src/cli.ts), else
 * undefined. chalk is imported only then: its terminal detection costs start-up time that piped output never needs.
 */
export async function colourer(enabled: boolean): Promise<ChalkInstance | undefined> {
  if (!enabled) return undefined;
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 });
}
