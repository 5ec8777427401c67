// Answers `leasectl __complete WORDS... CURRENT` with cobra's protocol: one candidate per line (`value\tdescription`),
// then `:<directive>`. Everything static (subcommands, flags, -o choices) is read from the commander tree that
// --help renders, so a new command or flag completes without touching this file. Cluster and kubeconfig values
// come from a ValueSource, which the CLI loads lazily: static answers never load the Kubernetes client.
import type { Argument, Command, Option } from 'commander';
import type { KubeFlags } from '../kube/connection.js';
import { escapeTerminal } from '../printers/terminal.js';

/** cobra's ShellCompDirective bits (spf13/cobra completions.go); the shell scripts interpret them. */
export const Directive = {
  /** Let the shell complete file names when there are no candidates. */
  default: 0,
  error: 1,
  noSpace: 2,
  noFileComp: 4,
} as const;

/** How long a completion waits for the cluster: enough for a healthy apiserver, short enough that a dead one does not freeze the prompt. */
export const COMPLETION_TIMEOUT_MS = 2000;

export interface Candidate {
  value: string;
  description?: string;
}

export interface CompletionResult {
  candidates: Candidate[];
  directive: number;
}

/** What can only be answered by reading the kubeconfig or asking the cluster. Failures yield []. */
export interface ValueSource {
  contexts(flags: KubeFlags): Promise<string[]>;
  clusters(flags: KubeFlags): Promise<string[]>;
  users(flags: KubeFlags): Promise<string[]>;
  namespaces(flags: KubeFlags): Promise<string[]>;
  /** Leases in flags.namespace (else the context's namespace, else default). */
  leases(flags: KubeFlags): Promise<Candidate[]>;
  /** The label keys of those leases, for -L. */
  labelKeys(flags: KubeFlags): Promise<string[]>;
}

type DynamicValues = Exclude<keyof ValueSource, 'leases'>;

/** Option values that come from the kubeconfig or the cluster, by the option's attribute name. */
const DYNAMIC_OPTION_VALUES: Readonly<Record<string, DynamicValues>> = {
  namespace: 'namespaces',
  context: 'contexts',
  cluster: 'clusters',
  user: 'users',
  labelColumns: 'labelKeys',
};

/** Positional arguments with these names are lease names (list [names...], inspect <names...>, hold <name> …). */
const LEASE_ARGUMENT_NAMES = new Set(['name', 'names', 'lease', 'leases']);

/** Option values that are paths (`--kubeconfig <path>`): the shell completes files. */
const PATH_VALUE = /<(path|file)[^>]*>|\[(path|file)[^\]]*\]/;

interface ParsedLine {
  command: Command;
  /** Options seen, by attribute name, with the value typed (true for a boolean flag, false for --no-x). */
  values: Map<string, string | boolean>;
  positionals: string[];
  afterDash: boolean;
  /** An option whose value is the word being completed. */
  pendingOption: Option | undefined;
}

function takesValue(option: Option): boolean {
  return option.required || option.optional;
}

/** Options the command accepts: its own, then its ancestors' (commander lets global options follow the subcommand). */
function optionsInScope(command: Command): Option[] {
  const options: Option[] = [];
  for (let current: Command | null = command; current; current = current.parent) options.push(...current.options);
  return options;
}

function findOption(command: Command, flag: string): Option | undefined {
  return optionsInScope(command).find((option) => option.long === flag || option.short === flag);
}

function findSubcommand(command: Command, word: string): Command | undefined {
  return command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
}

function record(line: ParsedLine, option: Option, value: string | boolean): void {
  line.values.set(option.attributeName(), option.negate ? false : value);
}

/** Walks the words before the one being completed the way commander's parser would. */
function parseLine(program: Command, words: readonly string[]): ParsedLine {
  const line: ParsedLine = { command: program, values: new Map(), positionals: [], afterDash: false, pendingOption: undefined };
  for (const word of words) {
    if (line.pendingOption) {
      record(line, line.pendingOption, word);
      line.pendingOption = undefined;
    } else if (line.afterDash) {
      line.positionals.push(word);
    } else if (word === '--') {
      line.afterDash = true;
    } else if (word.startsWith('--')) {
      const equals = word.indexOf('=');
      const option = findOption(line.command, equals === -1 ? word : word.slice(0, equals));
      if (!option) continue;
      if (equals !== -1) record(line, option, word.slice(equals + 1));
      else if (takesValue(option)) line.pendingOption = option;
      else record(line, option, true);
    } else if (word.startsWith('-') && word.length > 1) {
      // A cluster of short flags (-Aw), possibly ending in one that takes the rest as its value (-ojson, -nfoo).
      for (let i = 1; i < word.length; i++) {
        const option = findOption(line.command, `-${word[i]}`);
        if (!option) break;
        if (!takesValue(option)) {
          record(line, option, true);
          continue;
        }
        const rest = word.slice(i + 1);
        if (rest) record(line, option, rest);
        else line.pendingOption = option;
        break;
      }
    } else {
      const subcommand = line.positionals.length === 0 ? findSubcommand(line.command, word) : undefined;
      if (subcommand) line.command = subcommand;
      else line.positionals.push(word);
    }
  }
  return line;
}

/** The kube flags typed so far, so dynamic values come from the cluster the finished command would talk to. */
function kubeFlagsOf(line: ParsedLine): KubeFlags {
  const text = (name: string) => {
    const value = line.values.get(name);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    kubeconfig: text('kubeconfig'),
    context: text('context'),
    cluster: text('cluster'),
    user: text('user'),
    namespace: text('namespace'),
    insecureSkipTlsVerify: line.values.get('insecureSkipTlsVerify') === true,
    server: text('server'),
    certificateAuthority: text('certificateAuthority'),
    tlsServerName: text('tlsServerName'),
    token: text('token'),
    clientCertificate: text('clientCertificate'),
    clientKey: text('clientKey'),
    as: text('as'),
    asUid: text('asUid'),
  };
}

function withPrefix(prefix: string, toComplete: string, candidates: readonly Candidate[]): Candidate[] {
  return candidates
    .map((candidate) => ({ ...candidate, value: prefix + candidate.value }))
    .filter((candidate) => candidate.value.startsWith(toComplete));
}

function names(values: readonly string[]): Candidate[] {
  return values.map((value) => ({ value }));
}

async function optionValues(option: Option, line: ParsedLine, source: () => Promise<ValueSource>): Promise<CompletionResult> {
  if (option.argChoices) {
    // `jsonpath=` and the like are the start of a value: no space after them, so the template can follow.
    const noSpace = option.argChoices.some((choice) => choice.endsWith('=')) ? Directive.noSpace : 0;
    return { candidates: names(option.argChoices), directive: Directive.noFileComp | noSpace };
  }
  const dynamic = DYNAMIC_OPTION_VALUES[option.attributeName()];
  if (dynamic) {
    const values = await (await source())[dynamic](kubeFlagsOf(line));
    return { candidates: names(values), directive: Directive.noFileComp };
  }
  if (PATH_VALUE.test(option.flags)) return { candidates: [], directive: Directive.default };
  return { candidates: [], directive: Directive.noFileComp };
}

/** Every spelling of the flags the command accepts, with their help text. */
function flagCandidates(command: Command): Candidate[] {
  const help = command.createHelp();
  const options = [...help.visibleOptions(command), ...help.visibleGlobalOptions(command)];
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for (const option of options) {
    for (const flag of [option.long, option.short]) {
      if (!flag || seen.has(flag)) continue;
      seen.add(flag);
      candidates.push({ value: flag, description: option.description });
    }
  }
  return candidates;
}

function subcommandCandidates(command: Command): Candidate[] {
  return command
    .createHelp()
    .visibleCommands(command)
    .map((sub) => ({ value: sub.name(), description: sub.summary() || sub.description() }));
}

/** The declared argument a positional at this index fills (the last one if it is variadic). */
function argumentAt(command: Command, index: number): Argument | undefined {
  const declared = command.registeredArguments;
  const last = declared[declared.length - 1];
  return declared[index] ?? (last?.variadic ? last : undefined);
}

async function argumentValues(line: ParsedLine, source: () => Promise<ValueSource>): Promise<CompletionResult> {
  const argument = argumentAt(line.command, line.positionals.length);
  if (!argument) return { candidates: [], directive: Directive.noFileComp };
  if (argument.argChoices) return { candidates: names(argument.argChoices), directive: Directive.noFileComp };
  if (LEASE_ARGUMENT_NAMES.has(argument.name()) && line.values.get('allNamespaces') !== true) {
    const given = new Set(line.positionals);
    const leases = await (await source()).leases(kubeFlagsOf(line));
    // A lease already on the line is not offered again (kubectl get does the same for variadic names).
    return { candidates: leases.filter((lease) => !given.has(lease.value)), directive: Directive.noFileComp };
  }
  return { candidates: [], directive: Directive.noFileComp };
}

/**
 * Completes the last of `args` (the word under the cursor, possibly "") given the words before it.
 * `source` is only called when an answer needs the kubeconfig or the cluster.
 */
export async function complete(program: Command, args: readonly string[], source: () => Promise<ValueSource>): Promise<CompletionResult> {
  const words = args.slice(0, -1);
  const toComplete = args[args.length - 1] ?? '';
  const line = parseLine(program, words);
  const filtered = async (result: Promise<CompletionResult> | CompletionResult, prefix = '') => {
    const { candidates, directive } = await result;
    return { candidates: withPrefix(prefix, toComplete, candidates), directive };
  };

  if (line.pendingOption) return filtered(optionValues(line.pendingOption, line, source));
  // After `--` come the child command and its arguments (hold): the shell completes files and commands.
  if (line.afterDash) return { candidates: [], directive: Directive.default };

  if (toComplete.startsWith('--') && toComplete.includes('=')) {
    const flag = toComplete.slice(0, toComplete.indexOf('='));
    const option = findOption(line.command, flag);
    if (!option || !takesValue(option)) return { candidates: [], directive: Directive.noFileComp };
    return filtered(optionValues(option, line, source), `${flag}=`);
  }
  if (/^-[^-]./.test(toComplete)) {
    // -ojs: a short option with its value attached.
    const option = findOption(line.command, toComplete.slice(0, 2));
    if (option && takesValue(option)) return filtered(optionValues(option, line, source), toComplete.slice(0, 2));
  }
  if (toComplete.startsWith('-')) {
    return filtered({ candidates: flagCandidates(line.command), directive: Directive.noFileComp });
  }
  if (line.command.commands.length > 0 && line.positionals.length === 0) {
    return filtered({ candidates: subcommandCandidates(line.command), directive: Directive.noFileComp });
  }
  return filtered(argumentValues(line, source));
}

/** cobra's wire format: `value\tdescription` lines, then `:directive`. Descriptions keep to one line. */
export function formatCompletion(result: CompletionResult): string {
  const lines = result.candidates.map(({ value, description }) =>
    description ? `${value}\t${escapeTerminal(description.replace(/\s+/g, ' ').trim())}` : value,
  );
  return [...lines, `:${result.directive}`].join('\n') + '\n';
}
