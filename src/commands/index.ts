// Every command, in the order --help lists them. Only declarations: each body loads when its command runs.
import { completionCommand } from './completion.js';
import type { AnyCommandDeclaration } from './declaration.js';
import { gcCommand } from './gc.js';
import { holdCommand } from './hold.js';
import { identityCommand } from './identity.js';
import { inspectCommand } from './inspect.js';
import { listCommand } from './list.js';
import { releaseCommand } from './release.js';
import { renewCommand } from './renew.js';
import { versionCommand } from './version.js';

export const COMMANDS: readonly AnyCommandDeclaration[] = [
  listCommand,
  inspectCommand,
  holdCommand,
  renewCommand,
  releaseCommand,
  identityCommand,
  gcCommand,
  versionCommand,
  completionCommand,
];
