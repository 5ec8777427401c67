// The commander program: global flags declared once, every command registered, errors turned into exit codes.
import { Command, Option } from 'commander';
import type { Clock } from './clock.js';
import { gcCommand } from './commands/gc.js';
import { identityCommand } from './commands/identity.js';
import { inspectCommand } from './commands/inspect.js';
import { listCommand } from './commands/list.js';
import { requestTimeoutArgument } from './commands/options.js';
import type { CommandContext, IOStreams, KubeConnection, KubeFlags, SignalSource } from './context.js';
import { describeError } from './error-message.js';
import { CLIENT_NODE_VERSION, LEASECTL_VERSION } from './version.js';

/** What the process edge (or a test) provides. */
export interface World {
  io: IOStreams;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  signals: SignalSource;
  /** leasectl, or `kubectl lease` when run as a kubectl plugin. */
  programName: string;
}

interface GlobalFlags extends KubeFlags {
  verbose: number;
  color: boolean;
}

/** kubectl's rule (cli-runtime printers/terminal.go): a terminal, TERM not dumb, NO_COLOR unset; plus --no-color. */
export function allowsColor(world: World, colorFlag: boolean): boolean {
  return colorFlag && Boolean(world.io.stdout.isTTY) && world.env.TERM !== 'dumb' && world.env.NO_COLOR === undefined;
}

export function createProgram(world: World): { program: Command; connections: KubeConnection[] } {
  const connections: KubeConnection[] = [];
  const program = new Command(world.programName)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => world.io.stdout.write(text),
      writeErr: (text) => world.io.stderr.write(text),
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
    .addOption(new Option('-v, --verbose', 'more detail on errors (repeat for more)').argParser((_: string, previous: number) => previous + 1).default(0))
    .option('--no-color', 'never colour output (also: NO_COLOR set, TERM=dumb, or not a terminal)');

  const globals = () => program.opts<GlobalFlags>();
  const ctx: CommandContext = {
    io: world.io,
    clock: world.clock,
    env: world.env,
    signals: world.signals,
    programName: world.programName,
    get color() {
      return allowsColor(world, globals().color);
    },
    get verbosity() {
      return globals().verbose;
    },
    async connect() {
      const { connect } = await import('./kube/connect.js');
      const connection = connect(globals(), world.env);
      connections.push(connection);
      return connection;
    },
  };

  for (const command of [listCommand(ctx), inspectCommand(ctx), identityCommand(ctx), gcCommand(ctx)]) {
    // addCommand does not pass on exitOverride, output routing or help settings by itself.
    program.addCommand(command.copyInheritedSettings(program));
  }
  return { program, connections };
}

/** Runs one invocation; returns the exit code. Never throws, never exits the process. */
export async function runCli(argv: string[], world: World): Promise<number> {
  const { program, connections } = createProgram(world);
  try {
    await program.parseAsync(argv, { from: 'user' });
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
