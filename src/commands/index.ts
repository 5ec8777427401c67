// Every command, in the order --help lists them: its declaration, and the loader of its body. Each body is imported
// only when its command runs, so that a start runs the module code of one command, not of nine (docs/performance.md);
// the declarations are all the entry holds.
import { completionCommand } from './completion.js';
import type { AnyRegisteredCommand, CommandDeclaration, CommandRun, RegisteredCommand } from './declaration.js';
import { gcCommand } from './gc.js';
import { holdCommand } from './hold.js';
import { identityCommand } from './identity.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { releaseCommand } from './release.js';
import { renewCommand } from './renew.js';
import { versionCommand } from './version.js';

function registered<Options>(declaration: CommandDeclaration<Options>, load: () => Promise<CommandRun<Options>>): RegisteredCommand<Options> {
  return { declaration, load };
}

export const COMMANDS: readonly AnyRegisteredCommand[] = [
  registered(listCommand, async () => (await import('./run/list.js')).runList),
  registered(inspectCommand, async () => (await import('./run/inspect.js')).runInspect),
  registered(holdCommand, async () => (await import('./run/hold.js')).runHold),
  registered(renewCommand, async () => (await import('./run/renew.js')).runRenew),
  registered(releaseCommand, async () => (await import('./run/release.js')).runRelease),
  registered(identityCommand, async () => (await import('./run/identity.js')).runIdentity),
  registered(gcCommand, async () => (await import('./run/gc.js')).runGc),
  registered(versionCommand, async () => (await import('./run/version.js')).runVersion),
  registered(completionCommand, async () => (await import('./run/completion.js')).runCompletion),
];
