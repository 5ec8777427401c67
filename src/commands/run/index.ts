// Every command's body behind one lazy import: one chunk of bodies rather than one per command keeps the files that
// every start must load few (each module an ES-module start links costs, docs/performance.md).
export { runCompletion } from './completion.js';
export { runGc } from './gc.js';
export { runHold } from './hold.js';
export { runIdentity } from './identity.js';
export { runInspect } from './inspect.js';
export { runList } from './list.js';
export { runRelease } from './release.js';
export { runRenew } from './renew.js';
export { runVersion } from './version.js';
