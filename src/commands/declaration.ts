// What a command is, as data: src/cli.ts builds commander from it, and --help, docs/commands.md and completion are
// derived from the same declaration. The body (`run`) is registered beside it in src/commands/index.ts and imported
// only when the command runs, so the entry bundle holds declarations alone.
import type { CommandContext } from '../context.js';

/** A flag as kubectl users spell it: `-o, --output <format>`, `--force`, `--no-headers`. */
export interface FlagDeclaration {
  spelling: string;
  description: string;
  /** The values it accepts (completion offers them). */
  choices?: readonly string[];
  /** The value when the flag is absent; `shown` is how help prints it (e.g. `15s` for 15000). */
  default?: { value: unknown; shown?: string };
  /** Turns the text into the option's value; throws commander's InvalidArgumentError or a UsageError. */
  parse?(text: string, previous: unknown): unknown;
  /** The value of a flag whose argument is optional or absent (`--no-wait` → true). */
  preset?: unknown;
  /** Flags (by option key) it cannot be combined with. */
  conflicts?: readonly string[];
  /** The key in the options object, when it is not the camel-cased long name. */
  key?: string;
}

/** A positional argument: `<name>`, `[names...]`; its value goes into the options object under `key`. */
export interface ArgumentDeclaration {
  spelling: string;
  key: string;
  description: string;
  choices?: readonly string[];
  parse?(text: string, previous: unknown): unknown;
}

export interface Example {
  comment: string;
  command: string;
}

/** One row of a command's exit codes: a code (or range) and what it means. */
export type ExitCodeRow = readonly [number | string, string];

/**
 * A command's body: what `run` needs besides the parsed options. `argv` is the whole command line as given (hold
 * reads it to see whether the user wrote `--`).
 */
export interface RunInput<Options> {
  options: Options;
  argv: readonly string[];
}

export type CommandRun<Options> = (ctx: CommandContext, input: RunInput<Options>) => Promise<number>;

export interface CommandDeclaration<Options = never> {
  name: string;
  aliases?: readonly string[];
  /** One line, for the command list. */
  summary: string;
  /** Paragraphs separated by blank lines. */
  description: string;
  /** Usage line when commander's own would mislead (hold's `NAME -- COMMAND`). */
  usage?: string;
  arguments: readonly ArgumentDeclaration[];
  flags: readonly FlagDeclaration[];
  examples: readonly Example[];
  exitCodes: readonly ExitCodeRow[];
  /** The exit code for a bad flag or argument (commander's own errors); kubectl's 2 unless the command says. */
  usageExitCode?: number;
}

/** A command as the CLI registers it: its declaration, and the loader of its body (src/commands/index.ts). */
export interface RegisteredCommand<Options = never> {
  declaration: CommandDeclaration<Options>;
  load(): Promise<CommandRun<Options>>;
}

/** The root: the program's description, global flags, examples and exit codes. */
export interface ProgramDeclaration {
  description: string;
  flags: readonly FlagDeclaration[];
  examples: readonly Example[];
  exitCodes: readonly ExitCodeRow[];
}

/** Commands of different option types in one list: their types differ, their shape does not. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRegisteredCommand = RegisteredCommand<any>;
