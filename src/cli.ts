// The commander program: global flags declared once, every command registered, errors turned into exit codes.
import { Argument, Command, CommanderError, Option, type ErrorOptions } from 'commander';
import type { Clock } from './clock.js';
import { COMMANDS } from './commands/index.js';
import type { AnyRegisteredCommand, ArgumentDeclaration, Example, ExitCodeRow, FlagDeclaration } from './commands/declaration.js';
import { PROGRAM, type GlobalFlags } from './commands/program.js';
import { complete, formatCompletion } from './completion/complete.js';
import type { CommandContext, IOStreams, SignalSource } from './context.js';
import { describeError, errorClause } from './error-message.js';
import { OutputError } from './errors.js';
import { dispatchedWord, withPflagShortValues } from './flag-spellings.js';
import type { ConnectionFactory, KubeConnection } from './kube/connection.js';
import { stdoutFailure } from './output.js';
import { allowsColor } from './printers/colour.js';
import { OutputTemplateError } from './printers/output-template-error.js';
import { escapeTerminal } from './printers/terminal.js';
import { chooseOutput } from './printers/resource-printer.js';
import { CLIENT_NODE_VERSION, LEASECTL_VERSION } from './version.js';

/** What the process edge (or a test) provides. */
export interface World {
  io: IOStreams;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  signals: SignalSource;
  /** leasectl, or `kubectl lease` when run as a kubectl plugin. */
  programName: string;
  /** How commands reach a cluster; by default the kubeconfig's, through src/kube (tests give an in-memory one). */
  connect?: ConnectionFactory;
  /** This run is the whole process (the process edge's): its connection may set process-wide defaults (src/kube/connect.ts). */
  ownsProcess?: boolean;
}

/** Unknown commands that name what other commands do, and what to say instead of commander's spelling guess. */
const MEANT_COMMANDS: Readonly<Record<string, string>> = {
  delete: 'Did you mean gc NAME, which deletes a lease once it has expired, or release NAME, which frees it for the next holder?',
};

/** The root command: an unknown command that is another tool's verb is pointed at the commands that do its job. */
class Program extends Command {
  override error(message: string, errorOptions?: ErrorOptions): never {
    const meant = errorOptions?.code === 'commander.unknownCommand' ? MEANT_COMMANDS[this.args[0] ?? ''] : undefined;
    return super.error(meant ? `error: unknown command '${this.args[0]}'\n(${meant})` : message, errorOptions);
  }
}

function optionFrom(flag: FlagDeclaration): Option {
  const option = new Option(flag.spelling, flag.description);
  if (flag.choices) option.choices([...flag.choices]);
  if (flag.parse) option.argParser(flag.parse);
  if (flag.default) option.default(flag.default.value, flag.default.shown);
  if (flag.preset !== undefined) option.preset(flag.preset);
  if (flag.conflicts) option.conflicts([...flag.conflicts]);
  if (flag.key) {
    // Commander keeps --wait and --no-wait in one value; a key of its own keeps them apart.
    const key = flag.key;
    option.attributeName = () => key;
  }
  return option;
}

function argumentFrom(declared: ArgumentDeclaration): Argument {
  const argument = new Argument(declared.spelling, declared.description);
  if (declared.choices) argument.choices([...declared.choices]);
  if (declared.parse) argument.argParser(declared.parse);
  return argument;
}

/** The "Examples:" and "Exit codes:" sections after a command's help. */
function afterHelp(examples: readonly Example[], exitCodes: readonly ExitCodeRow[]): string {
  const width = Math.max(...exitCodes.map(([code]) => String(code).length));
  const exampleText = examples.map(({ comment, command }) => `  # ${comment}\n  ${command}`).join('\n\n');
  const codeText = exitCodes.map(([code, meaning]) => `  ${String(code).padEnd(width)}  ${meaning}`).join('\n');
  return `\nExamples:\n${exampleText}\n\nExit codes:\n${codeText}\n`;
}

/** A commander command built from its declaration; running it loads the body and records its exit code. */
function commandFrom({ declaration, load }: AnyRegisteredCommand, ctx: CommandContext, exit: { code: number }): Command {
  const command = new Command(declaration.name).summary(declaration.summary).description(declaration.description);
  for (const alias of declaration.aliases ?? []) command.alias(alias);
  if (declaration.usage) command.usage(declaration.usage);
  for (const argument of declaration.arguments) command.addArgument(argumentFrom(argument));
  for (const flag of declaration.flags) command.addOption(optionFrom(flag));
  command.addHelpText('after', afterHelp(declaration.examples, declaration.exitCodes));
  command.action(async (...values: unknown[]) => {
    const options: Record<string, unknown> = { ...(values[declaration.arguments.length] as object) };
    declaration.arguments.forEach((argument, index) => (options[argument.key] = values[index]));
    // The printer is chosen here, once, from -o: commands receive it rather than branching on the flag.
    if (declaration.flags.some((flag) => flag.spelling.startsWith('-o, --output'))) {
      options.output = await chooseOutput(options.output as string | undefined, {
        showManagedFields: Boolean(options.showManagedFields),
        allowMissingKeys: options.allowMissingTemplateKeys as boolean | undefined,
        noHeaders: options.headers === false,
        // Through getBuiltinModule: an ES-module import of node:fs reads its lazy getters, loading fs streams at start-up.
        readFile: (path) => process.getBuiltinModule('node:fs').readFileSync(path, 'utf8'),
        describeError: errorClause,
      });
    }
    const run = await load();
    exit.code = await run(ctx, { options, argv: (command.parent as Command & { rawArgs?: string[] }).rawArgs ?? [] });
  });
  return command;
}

/**
 * A command declared by name and aliases only, all that commander's "did you mean" reads: commander runs only the
 * command the argv names, and lists the others' flags and arguments only in help, so building nine commands was a
 * tenth of a start (docs/performance.md). Should commander dispatch to it after all, the run starts again with
 * every command built.
 */
class NameOnlyCommand extends Command {
  constructor(declaration: AnyRegisteredCommand['declaration']) {
    super(declaration.name);
    this.aliases(declaration.aliases ?? [])
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new WholeProgramNeeded();
      });
  }
}

class WholeProgramNeeded extends Error {}

/**
 * The program for `argv`: with it, only the command it names is built whole (NameOnlyCommand); without it (help
 * texts, completion, tests), every command.
 */
export function createProgram(world: World, argv?: readonly string[]): { program: Command; connections: KubeConnection[]; connect: ConnectionFactory; exit: { code: number } } {
  const connections: KubeConnection[] = [];
  // Commands and completion reach the cluster through this one factory; it loads the Kubernetes client on first use.
  const connect: ConnectionFactory = async (flags) => {
    const connection = world.connect ? await world.connect(flags) : await (await import('./kube/connect.js')).connect(flags, world.env, { ownsProcess: world.ownsProcess });
    connections.push(connection);
    return connection;
  };
  const program = new Program(world.programName)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => world.io.stdout.write(asInvoked(text, world.programName)),
      writeErr: (text) => world.io.stderr.write(asInvoked(text, world.programName)),
    })
    .showHelpAfterError(`(run '${world.programName} --help' for usage)`)
    .showSuggestionAfterError(true)
    // 80 columns whatever the terminal, as kubectl's help is: the launcher prints these texts as the build rendered them.
    .configureHelp({ showGlobalOptions: true, helpWidth: 80 })
    .helpCommand(false)
    .version(`leasectl ${LEASECTL_VERSION} (@kubernetes/client-node ${CLIENT_NODE_VERSION}, coordination.k8s.io/v1)`, '--version')
    .description(PROGRAM.description);
  for (const flag of PROGRAM.flags) program.addOption(optionFrom(flag));
  program.addHelpText('after', afterHelp(PROGRAM.examples, PROGRAM.exitCodes));

  const globals = () => program.opts<GlobalFlags>();
  const ctx: CommandContext = {
    io: world.io,
    clock: world.clock,
    env: world.env,
    signals: world.signals,
    programName: world.programName,
    get color() {
      return allowsColor(world.io.stdout, world.env, globals().color);
    },
    get verbosity() {
      return globals().verbose;
    },
    connect: () => connect(globals()),
    describeError: errorClause,
    warn(what, error, minVerbosity = 0) {
      if (globals().verbose >= minVerbosity) world.io.stderr.write(`${escapeTerminal(what)}: ${errorClause(error)}\n`);
    },
  };

  const exit = { code: 0 };
  // A word that names no command (a typo, with or without --help) gets commander's whole answer: help lists every command.
  const names = (declaration: AnyRegisteredCommand['declaration'], word: string) => word === declaration.name || declaration.aliases?.includes(word);
  const word = argv === undefined ? undefined : dispatchedWord(program, argv);
  const dispatched = word === undefined ? undefined : COMMANDS.find(({ declaration }) => names(declaration, word));
  for (const registered of COMMANDS) {
    const { declaration } = registered;
    if (dispatched !== undefined && registered !== dispatched) {
      program.addCommand(new NameOnlyCommand(declaration));
      continue;
    }
    // addCommand does not pass on exitOverride, output routing or help settings by itself.
    const command = commandFrom(registered, ctx, exit).copyInheritedSettings(program);
    const usageExitCode = registered.declaration.usageExitCode;
    if (usageExitCode !== undefined) {
      command.exitOverride((error: CommanderError) => {
        if (error.exitCode === 0) throw error; // --help
        throw new CommanderError(usageExitCode, error.code, error.message); // printed already; the edge keeps the code
      });
    }
    program.addCommand(command);
  }
  return { program, connections, connect, exit };
}

/**
 * Examples are declared as `leasectl ...`; run as `kubectl lease`, help shows them under that name so that they
 * can be pasted as they are. Only lines that start with the command (after indentation) change.
 */
function asInvoked(helpText: string, programName: string): string {
  return programName === 'leasectl' ? helpText : helpText.replace(/^(\s*)leasectl(?= |$)/gm, `$1${programName}`);
}

/** The hidden command the completion scripts call (cobra's name and protocol). */
export const COMPLETE_COMMAND = '__complete';

/**
 * Runs one invocation; returns the exit code. Never throws, never exits the process. A failed write to stdout ends
 * it as one line and exit 1 (`error: write to standard output: no space left on device`); a reader that went away
 * (EPIPE) ends it quietly with the command's own code.
 */
export async function runCli(argv: string[], world: World): Promise<number> {
  const stdoutFailed = stdoutFailure(world.io.stdout);
  const exitCode = await runProgram(argv, world);
  // A write's failure is reported by a callback after the write returned.
  await new Promise((resolve) => setImmediate(resolve));
  const failure: unknown = stdoutFailed.reason;
  if (!(failure instanceof OutputError) || failure.readerGone) return exitCode;
  const described = describeError(failure);
  world.io.stderr.write(`${described.message}\n`);
  return exitCode === 0 ? described.exitCode : exitCode;
}

async function runProgram(argv: string[], world: World, everyCommand = false): Promise<number> {
  const completing = argv[0] === COMPLETE_COMMAND;
  const { program, connections, connect, exit } = createProgram(world, completing || everyCommand ? undefined : argv);
  if (completing) {
    // Answered before commander parses: the words are a half-typed command line, not arguments for us.
    const valueSource = () => import('./completion/sources.js').then((module) => module.createValueSource(world.env, () => world.clock.now(), connect));
    world.io.stdout.write(formatCompletion(await complete(program, argv.slice(1), valueSource)));
    return 0;
  }
  if (argv.length === 0) {
    // As kubectl does: no command is a request for help, not a mistake.
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(withPflagShortValues(program, argv), { from: 'user' });
    return exit.code;
  } catch (error) {
    if (error instanceof WholeProgramNeeded) return runProgram(argv, world, true);
    const verbosity = (program.opts<GlobalFlags>().verbose as number | undefined) ?? 0;
    // What a template printed before it failed is kubectl's output too (custom-columns' header).
    if (error instanceof OutputTemplateError && error.output !== '') world.io.stdout.write(error.output);
    const { message, exitCode } = describeError(error, verbosity);
    if (message) world.io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    for (const connection of connections) connection.close();
  }
}
