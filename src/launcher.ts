// What the executables in bin/ run: the CLI bundle (dist/leasectl.cjs), compiled by V8 with a code cache that was
// made at the end of an earlier run. Node's own compile cache keeps only what V8 compiled before a module ran, so
// every start compiled again each function it then called (commander's parser, the command, the kubeconfig
// reader); a cache made at exit holds those too. On Node 20, which has no compile cache, it is the only one.
// list of 10 leases: Node 22 134 -> 121 ms, Node 20 237 -> 198 ms (docs/performance.md).
//
// Kept apart from the bundle and free of our other modules: it must be small, and it runs before any of them.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

/** Where the code caches live: $XDG_CACHE_HOME/leasectl, else ~/.cache/leasectl; none when disabled or homeless. */
export function codeCacheDir(env: NodeJS.ProcessEnv): string | undefined {
  // Node's own switch for its compile cache turns this one off too.
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  const base = env.XDG_CACHE_HOME || (env.HOME ? join(env.HOME, '.cache') : undefined);
  return base && isAbsolute(base) ? join(base, 'leasectl') : undefined;
}

/** FNV-1a, 32 bits: a short, stable name for a path (no crypto module to load for it). */
function pathHash(path: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < path.length; i++) hash = Math.imul(hash ^ path.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

/**
 * Caches are kept per Node.js release, CPU architecture and installed bundle (its path), and belong to one build of
 * it (its size and modification time): a build replacing it in place replaces its caches, while two installs (a
 * global one and a project's) keep theirs. V8 itself refuses a cache from another V8 or other flags, but checks a
 * source only by its length.
 */
export function codeCacheNames(
  bundle: { path: string; size: number; mtimeMs: number },
  node = process.version,
  arch = process.arch,
): { install: string; build: string } {
  const install = `code-${node}-${arch}-${pathHash(bundle.path)}`;
  return { install, build: `${install}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}` };
}

/**
 * The word a run's cache is kept under: the first that is neither a flag nor, by its place, a flag's value (the word
 * after `-n` or `--context`; `-n=NS` and `-nNS` hold theirs). Each command has a cache of its own, holding what it
 * compiles: one cache holding every command's made --help slower than none, since V8 reads all of a cache it is
 * given. A boolean flag before the command (`-v list`) makes the guess wrong, which costs only speed.
 */
export function commandWord(argv: readonly string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('-')) return /^[a-z_]{1,24}$/.test(arg) ? arg : '';
    if (/^(-[^-]|--[^=]+)$/.test(arg)) i++;
  }
  return '';
}

/**
 * A command's cache is made again at the end of each of its first runs, up to this many, so that it gathers the
 * functions of the ways it is run (a token or an exec plugin, a table or -o yaml). Its first byte counts them.
 */
const RUNS_GATHERED = 3;

/** At most this many caches per bundle and runtime (words that are not commands, such as `-n NAMESPACE`'s, count too). */
const MAX_CACHES = 12;

/** At most this many caches in all (about 10 MB), the most recently written kept. */
const MAX_CACHES_IN_ALL = 24;

function readOrUndefined(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (another leasectl may be reading it); the caches of this install's older builds are removed. */
function writeCache(dir: string, names: { install: string; build: string }, file: string, runs: number, cache: Buffer): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const partial = join(dir, `${file}.${process.pid}`);
  writeFileSync(partial, Buffer.concat([Buffer.of(runs), cache]), { mode: 0o600 });
  renameSync(partial, join(dir, file));
  const others: { path: string; mtimeMs: number }[] = [];
  for (const other of readdirSync(dir)) {
    if (!other.startsWith('code-') || other === file) continue;
    const path = join(dir, other);
    if (other.startsWith(`${names.install}-`) && !other.startsWith(`${names.build}-`)) rmSync(path, { force: true });
    else others.push({ path, mtimeMs: statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? 0 });
  }
  // Installs that are gone (an npx run's, a project's removed) leave their caches behind: the oldest go.
  others.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const { path } of others.slice(MAX_CACHES_IN_ALL - 1)) rmSync(path, { force: true });
}

/**
 * The help a bare help request asks for: '' for the program's (`leasectl`, `leasectl --help`), a command word for a
 * command's (`leasectl list --help`); undefined for anything else, which the CLI itself answers.
 */
export function helpRequest(argv: readonly string[]): string | undefined {
  const isHelp = (arg: string | undefined) => arg === '--help' || arg === '-h';
  if (argv.length === 0 || (argv.length === 1 && isHelp(argv[0]))) return '';
  if (argv.length === 2 && isHelp(argv[1]) && /^[a-z_]+$/.test(argv[0]!)) return argv[0];
  return undefined;
}

/**
 * Prints the help the build rendered (dist/help.json, by scripts/help-texts.ts) for `word`, as the executable was
 * called; false when there is none to print, or stdout fails before all of it is written, and the CLI should answer.
 */
function printRenderedHelp(texts: string, executable: string, word: string): boolean {
  let text: string | undefined;
  try {
    const byExecutable = JSON.parse(readFileSync(texts, 'utf8')) as Record<string, Record<string, string> | undefined>;
    text = (byExecutable[executable] ?? byExecutable.leasectl)?.[word];
  } catch {
    return false;
  }
  if (typeof text !== 'string') return false;
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    // A reader that went away ends it quietly, as the CLI does; any other failure, the CLI meets again and reports.
    return (error as NodeJS.ErrnoException).code === 'EPIPE';
  }
  return true;
}

/** Runs the bundle as Node's CommonJS loader would (its wrapper built in), with the code cache when there is a usable one. */
export function launch(bundle: string, argv: readonly string[], env: NodeJS.ProcessEnv): void {
  // --help is the same text on every run: it is printed as the build rendered it, without compiling the bundle.
  const help = helpRequest(argv);
  if (help !== undefined && printRenderedHelp(join(dirname(bundle), 'help.json'), basename(process.argv[1] ?? ''), help)) return;
  // Node's compile cache (22.1+) still serves what the bundle loads from other files (dist/client-node.cjs). Not
  // asked of older Node: there node:module is not loaded yet, and loading it loads the ES-module loader (0.6 ms).
  if (Number(process.versions.node.split('.')[0]) >= 22) {
    (process.getBuiltinModule('node:module') as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  }
  const source = readFileSync(bundle, 'utf8');
  const dir = codeCacheDir(env);
  let cache: { names: { install: string; build: string }; file: string; runs: number; data: Buffer | undefined } | undefined;
  if (dir) {
    try {
      const { size, mtimeMs } = statSync(bundle);
      const names = codeCacheNames({ path: bundle, size, mtimeMs });
      const file = `${names.build}-${commandWord(argv) || 'none'}.bin`;
      const stored = readOrUndefined(join(dir, file));
      cache = { names, file, runs: stored?.[0] ?? 0, data: stored?.subarray(1) };
    } catch {
      cache = undefined; // the bundle cannot be stat'ed: run it without a cache
    }
  }
  // node:vm only now: a bare --help, answered above, has no use for it (it is not loaded by Node's own start).
  const { Script } = process.getBuiltinModule('node:vm');
  // The bundle is CommonJS's module wrapper, whole (scripts/build.mjs): compiled, it is the function to run.
  const script = new Script(source, { filename: bundle, cachedData: cache?.data });
  const runs = cache?.data === undefined || script.cachedDataRejected ? 0 : cache.runs;
  if (dir && cache && runs < RUNS_GATHERED) {
    const { names, file } = cache;
    process.once('exit', () => {
      try {
        if (cache.data === undefined && readdirSync(dir).filter((other) => other.startsWith(`${names.build}-`)).length >= MAX_CACHES) return;
      } catch {
        // no directory yet
      }
      try {
        writeCache(dir, names, file, runs + 1, script.createCachedData());
      } catch {
        // A cache is only ever a speed-up: a read-only or full disk leaves the next start as fast as this one.
      }
    });
  }
  const module = { exports: {}, filename: bundle, id: bundle, loaded: true };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  // The bundle requires built-ins and its sibling files (./client-node.cjs): this module's own require serves both,
  // the siblings by path, without node:module's createRequire.
  const bundleRequire = (id: string): unknown => require(id.startsWith('.') ? join(dirname(bundle), id) : id);
  run.call(module.exports, module.exports, bundleRequire, module, bundle, dirname(bundle));
}
