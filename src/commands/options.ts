// Flag declarations and value parsers shared by several commands, declared once so help, completion and README agree.
import { InvalidArgumentError } from 'commander';
import { TEMPLATE_FORMATS } from '../printers/output-formats.js';
import type { ExitCodeRow, FlagDeclaration } from './declaration.js';
import { UsageError } from '../errors.js';
import { nameSegmentProblem } from '../kube/path-segments.js';
import { MAX_SLOTS } from '../lease/slots.js';
import { durationLimitMessage, formatDuration, InvalidDurationError, parseDuration } from '../lease/time.js';

/** Commander parser for Go-style durations (`15s`, `1h2m3s`, `500ms`). */
export function durationArgument(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    if (error instanceof InvalidDurationError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/** setTimeout's limit: a longer delay fires at once (Node warns TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** A duration that becomes a timer, so it must fit in one (about 24.8 days). */
export function timerDurationArgument(text: string): number {
  const ms = durationArgument(text);
  if (ms > MAX_TIMER_MS) {
    const longest = formatDuration(Math.floor(MAX_TIMER_MS / 1000) * 1000);
    throw new InvalidArgumentError(durationLimitMessage({ bound: `at most ${longest}`, reason: 'the longest timer Node.js can set' }));
  }
  return ms;
}

/** kubectl's --request-timeout: a bare number is seconds, otherwise a duration; 0 means no timeout. */
export function requestTimeoutArgument(text: string): number {
  return timerDurationArgument(/^\d+$/.test(text) ? `${text}s` : text);
}

export function positiveIntegerArgument(text: string): number {
  if (!/^\d+$/.test(text)) throw new InvalidArgumentError(`expected a whole number such as 500, got "${text}"`);
  return Number(text);
}

/** An exit status a process can report: a whole number 0-255. */
export function exitCodeArgument(text: string): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) > 255) throw new InvalidArgumentError(`expected an exit code from 0 to 255, got "${text}"`);
  return Number(text);
}

/** hold --slots N: a whole number from 1 to MAX_SLOTS. */
export function slotCountArgument(text: string): number {
  if (!/^\d{1,3}$/.test(text) || Number(text) < 1 || Number(text) > MAX_SLOTS) {
    throw new InvalidArgumentError(`expected a number of slots from 1 to ${MAX_SLOTS}, got "${text}"`);
  }
  return Number(text);
}

/** What kubectl accepts before the `/` of TYPE/NAME for a Lease (`lease/foo`, `leases.coordination.k8s.io/foo`). */
const LEASE_TYPES = new Set(['lease', 'leases', 'lease.coordination.k8s.io', 'leases.coordination.k8s.io', 'lease.v1.coordination.k8s.io', 'leases.v1.coordination.k8s.io']);

/**
 * The lease name in an argument, NAME or kubectl's TYPE/NAME (what `-o name` prints), or what is wrong with it, in
 * kubectl's words and with the fix: a name that would not stay in its path segment (`inspect ..`, `lease/..` would
 * otherwise read the namespace's collection) is refused before anything is sent.
 */
export function parseLeaseName(argument: string): { name: string; problem?: undefined } | { problem: string } {
  const slash = argument.indexOf('/');
  const name = slash >= 0 && LEASE_TYPES.has(argument.slice(0, slash).toLowerCase()) ? argument.slice(slash + 1) : argument;
  const invalid = nameSegmentProblem(name);
  return invalid ? { problem: `${invalid}; give the name of a lease, such as example-foo` } : { name };
}

/** Parser for a lease-name argument (see parseLeaseName). */
export function leaseNameArgument(argument: string): string {
  const parsed = parseLeaseName(argument);
  if (parsed.problem !== undefined) throw new UsageError(parsed.problem);
  return parsed.name;
}

/** leaseNameArgument for NAME... (commander folds each value into the previous ones). */
export function leaseNamesArgument(name: string, previous: string[] = []): string[] {
  return [...previous, leaseNameArgument(name)];
}

/** A flag that may be given more than once (kubectl's StringArray: `--as-group a --as-group b`, no comma splitting). */
export function repeatedArgument(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}


/**
 * -o with these formats; with `templates`, also kubectl's jsonpath and custom-columns forms, whose value is free
 * text after the `=`.
 */
export function outputFlag(formats: readonly string[], options: { templates?: boolean } = {}): FlagDeclaration {
  if (!options.templates) return { spelling: '-o, --output <format>', description: 'output format', choices: formats };
  const choices = [...formats, ...TEMPLATE_FORMATS.map((format) => `${format}=`)];
  return {
    spelling: '-o, --output <format>',
    description: 'output format (jsonpath=TEMPLATE and custom-columns=SPEC as kubectl reads them)',
    choices,
    parse(text: string) {
      const isTemplate = TEMPLATE_FORMATS.some((format) => text === format || text.startsWith(`${format}=`));
      if (!formats.includes(text) && !isTemplate) {
        throw new InvalidArgumentError(`Allowed choices are ${[...formats, ...TEMPLATE_FORMATS.map((format) => `${format}=...`)].join(', ')}.`);
      }
      return text;
    },
  };
}

export const ALLOW_MISSING_TEMPLATE_KEYS_FLAG: FlagDeclaration = {
  spelling: '--allow-missing-template-keys [bool]',
  description: 'with -o jsonpath or custom-columns, print nothing for a missing field rather than fail (=false fails)',
  parse: booleanArgument,
  default: { value: true },
};

/** pflag's booleans: `--flag`, `--flag=true`, `--flag=false` (also 1/0, t/f). */
export function booleanArgument(text: string | undefined): boolean {
  if (text === undefined) return true;
  if (/^(1|t|T|true|TRUE|True)$/.test(text)) return true;
  if (/^(0|f|F|false|FALSE|False)$/.test(text)) return false;
  throw new InvalidArgumentError(`expected true or false, got "${text}"`);
}

export const ALL_NAMESPACES_FLAG: FlagDeclaration = { spelling: '-A, --all-namespaces', description: 'across all namespaces (adds a NAMESPACE column)' };

export const SELECTOR_FLAG: FlagDeclaration = { spelling: '-l, --selector <selector>', description: "label selector, e.g. -l 'app=web,tier in (a,b),!canary'" };

export const NO_HEADERS_FLAG: FlagDeclaration = { spelling: '--no-headers', description: 'omit the header row of tables' };

export const SHOW_MANAGED_FIELDS_FLAG: FlagDeclaration = { spelling: '--show-managed-fields', description: 'keep metadata.managedFields in -o yaml|json' };

export const WATCH_FLAG: FlagDeclaration = { spelling: '-w, --watch', description: 'after listing, print changes as they happen (until interrupted)' };

/** renew's and release's --identity, which falls back to $LEASECTL_IDENTITY (requireIdentity); hold's differs: it makes a fresh one. */
export const HOLDER_IDENTITY_FLAG: FlagDeclaration = { spelling: '--identity <identity>', description: 'the holder identity (default: $LEASECTL_IDENTITY)' };

/** --identity, else $LEASECTL_IDENTITY (set by hold for its command); never empty. */
export function requireIdentity(flag: string | undefined, env: NodeJS.ProcessEnv, verb: string): string {
  const identity = flag ?? env.LEASECTL_IDENTITY;
  if (identity === undefined) {
    throw new UsageError(`${verb} needs the holder's identity: give --identity, or set LEASECTL_IDENTITY (hold sets it for its command)`);
  }
  if (identity === '') throw new UsageError(`--identity must not be empty`);
  return identity;
}

export const COMMON_EXIT_CODES: readonly ExitCodeRow[] = [
  [0, 'success'],
  [1, 'an API, connection or kubeconfig error (the message says which, in kubectl\'s words)'],
  [2, 'bad flags or arguments'],
];
