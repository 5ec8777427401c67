// The commander program: global flags declared once, every command registered, errors turned into exit codes.
import { Command, Option, type ErrorOptions } from 'commander';
import type { Clock } from './clock.js';
import { completionCommand } from './commands/completion.js';
import { gcCommand } from './commands/gc.js';
import { holdCommand } from './commands/hold.js';
import { identityCommand } from './commands/identity.js';
import { inspectCommand } from './commands/inspect.js';
import { listCommand } from './commands/list.js';
import { releaseCommand } from './commands/release.js';
import { renewCommand } from './commands/renew.js';
import { versionCommand } from './commands/version.js';
import { COMMON_EXIT_CODES, examplesHelp, exitCodesHelp, repeatedArgument, requestTimeoutArgument } from './commands/options.js';
import { complete, formatCompletion } from './completion/complete.js';
import type { CommandContext, IOStreams, SignalSource } from './context.js';
import { describeError } from './error-message.js';
import { OutputError } from './errors.js';
import { withPflagShortValues } from './flag-spellings.js';
import type { ConnectionFactory, KubeConnection, KubeFlags } from './kube/connection.js';
import { stdoutFailure } from './output.js';
import { allowsColor } from './printers/colour.js';
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
}

interface GlobalFlags extends KubeFlags {
  verbose: number;
  color: boolean;
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

export function createProgram(world: World): { program: Command; connections: KubeConnection[]; connect: ConnectionFactory } {
  const connections: KubeConnection[] = [];
  // Commands and completion reach the cluster through this one factory; it loads the Kubernetes client on first use.
  const connect: ConnectionFactory = async (flags) => {
    const connection = world.connect ? await world.connect(flags) : await (await import('./kube/connect.js')).connect(flags, world.env);
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
    .configureHelp({ showGlobalOptions: true })
    .helpCommand(false)
    .version(`leasectl ${LEASECTL_VERSION} (@kubernetes/client-node ${CLIENT_NODE_VERSION}, coordination.k8s.io/v1)`, '--version')
    .description('Inspect and use Kubernetes coordination.k8s.io/v1 Leases: who holds what, since when, and a lease as a cluster-wide lock.')
    .option('-n, --namespace <namespace>', "namespace (default: the context's namespace, else default)")
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--cluster <name>', 'kubeconfig cluster to use')
    .option('--user <name>', 'kubeconfig user to use')
    .addOption(new Option('--request-timeout <duration>', 'give up on a request after this long (e.g. 5s; 0: never)').argParser(requestTimeoutArgument))
    .option('--insecure-skip-tls-verify', "don't verify the server's certificate (insecure)")
    // kubectl's connection flags over the kubeconfig (src/kube/overrides.ts has the rules).
    .option('-s, --server <url>', "the API server's URL, in place of the kubeconfig cluster's (no kubeconfig needed with it)")
    .option('--certificate-authority <path>', "CA certificate file to verify the server's certificate with")
    .option('--tls-server-name <name>', "name to verify the server's certificate against (default: the server URL's host)")
    .option('--token <token>', "bearer token, in place of the kubeconfig user's credentials")
    .option('--client-certificate <path>', 'client certificate file for TLS')
    .option('--client-key <path>', 'client key file for TLS')
    .option('--as <user>', 'act as this user or service account (system:serviceaccount:NS:NAME): impersonation')
    .addOption(new Option('--as-group <group>', 'act as a member of this group (repeat for more; needs --as)').argParser(repeatedArgument))
    .option('--as-uid <uid>', 'act as the user with this UID (needs --as)')
    .addOption(new Option('-v, --verbose', 'more detail on errors (repeat for more)').argParser((_: string, previous: number) => previous + 1).default(0))
    .option('--no-color', 'never colour output (also: NO_COLOR set, TERM=dumb, or not a terminal)')
    .addHelpText(
      'after',
      examplesHelp([
        ['Which kube-apiservers are alive (their identity leases)', 'leasectl list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver'],
        ['Run a job only while holding a lease, so two copies never overlap', 'leasectl hold example-foo -- ./job.sh'],
        ['Who holds a lease, since when, and is it expired', 'leasectl inspect -n kube-system kube-scheduler'],
        ['Complete commands, flags, namespaces and lease names in bash', 'source <(leasectl completion bash)'],
      ]) +
        exitCodesHelp([
          ...COMMON_EXIT_CODES,
          ['other', "hold: the command's own exit code, or hold's codes for losing or never getting the lease (see hold --help)"],
        ]),
    );

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
  };

  const commands = [
    listCommand(ctx),
    inspectCommand(ctx),
    holdCommand(ctx),
    renewCommand(ctx),
    releaseCommand(ctx),
    identityCommand(ctx),
    gcCommand(ctx),
    versionCommand(ctx),
    completionCommand(ctx),
  ];
  for (const command of commands) {
    // addCommand does not pass on exitOverride, output routing or help settings by itself.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return { program, connections, connect };
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

async function runProgram(argv: string[], world: World): Promise<number> {
  const { program, connections, connect } = createProgram(world);
  if (argv[0] === COMPLETE_COMMAND) {
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
    return 0;
  } catch (error) {
    const verbosity = (program.opts<GlobalFlags>().verbose as number | undefined) ?? 0;
    const { message, exitCode } = describeError(error, verbosity);
    if (message) world.io.stderr.write(`${message}\n`);
    return exitCode;
  } finally {
    for (const connection of connections) connection.close();
  }
}
