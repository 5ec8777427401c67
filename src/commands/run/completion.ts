import type { CommandContext } from '../../context.js';
import type { CompletionOptions } from '../completion.js';
import type { RunInput } from '../declaration.js';

export async function runCompletion(ctx: CommandContext, { options }: RunInput<CompletionOptions>): Promise<number> {
  // The scripts' text is loaded only when one is printed.
  const { completionScript } = await import('../../completion/scripts.js');
  ctx.io.stdout.write(completionScript(options.shell));
  return 0;
}
