// Every command, in the order --help lists them: its declaration, and the loader of its body. All bodies sit behind
// one import (run/index.ts), so that a start links few files (docs/performance.md); the declarations are all the
// entry bundle holds.
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

type Bodies = typeof import('./run/index.js');

function registered<Options>(declaration: CommandDeclaration<Options>, body: (bodies: Bodies) => CommandRun<Options>): RegisteredCommand<Options> {
  return { declaration, load: async () => body(await import('./run/index.js')) };
}

export const COMMANDS: readonly AnyRegisteredCommand[] = [
  registered(listCommand, (bodies) => bodies.runList),
  registered(inspectCommand, (bodies) => bodies.runInspect),
  registered(holdCommand, (bodies) => bodies.runHold),
  registered(renewCommand, (bodies) => bodies.runRenew),
  registered(releaseCommand, (bodies) => bodies.runRelease),
  registered(identityCommand, (bodies) => bodies.runIdentity),
  registered(gcCommand, (bodies) => bodies.runGc),
  registered(versionCommand, (bodies) => bodies.runVersion),
  registered(completionCommand, (bodies) => bodies.runCompletion),
];
