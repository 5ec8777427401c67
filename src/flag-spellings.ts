// kubectl's flag parser (pflag) reads `-o=json` as `-o json`; commander would take "=json" as the value, so
// `-l=app=web` sent the selector "=app=web" and `hold -c='echo hi'` ran "=echo hi". The argv is rewritten into the
// spelling commander reads, knowing which tokens are values, so that nothing else changes meaning.
import type { Command, Option } from 'commander';

function findOption(scope: readonly Command[], matches: (option: Option) => boolean): Option | undefined {
  for (const command of scope) {
    const option = command.options.find(matches);
    if (option) return option;
  }
  return undefined;
}

/**
 * The argv with every `-X=VALUE` (also at the end of a group of short flags, `-Ao=json`) split into `-X VALUE`,
 * where -X is a short option that takes a value. Option values, and everything after `--`, are left as they are:
 * in `hold x -c -o=y`, `-o=y` is the value of -c.
 */
export function withPflagShortValues(program: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  let command = program;
  // The options commander looks at: the current command's, then its parents' (the global flags).
  let scope: Command[] = [program];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      out.push(arg);
      const option = findOption(scope, (candidate) => candidate.long === arg);
      if (option?.required && i + 1 < argv.length) out.push(argv[++i]!);
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      // Walk the group as commander does: boolean flags, then at most one flag that takes the rest as its value.
      let split: string[] = [arg];
      for (let k = 1; k < arg.length; k++) {
        const option = findOption(scope, (candidate) => candidate.short === `-${arg[k]}`);
        if (!option) break;
        if (!option.required) continue;
        const value = arg.slice(k + 1);
        if (value.startsWith('=')) split = [arg.slice(0, k + 1), value.slice(1)];
        else if (value === '' && i + 1 < argv.length) split = [arg, argv[++i]!];
        break;
      }
      out.push(...split);
      continue;
    }
    const subcommand = command.commands.find((candidate) => candidate.name() === arg || candidate.aliases().includes(arg));
    if (subcommand) {
      command = subcommand;
      scope = [subcommand, ...scope];
    }
    out.push(arg);
  }
  return out;
}

const looksLikeFlag = (arg: string) => arg.length > 1 && arg.startsWith('-');

/**
 * The word commander dispatches to, read as its parser reads the program's own flags (Command.parseOptions): the
 * first operand, a flag's value being none. Undefined when there is none, or an unknown flag comes first: commander
 * then dispatches to nothing (it reports the flag, or prints the program's help). `--help` is such a flag here.
 */
export function dispatchedWord(program: Command, argv: readonly string[]): string | undefined {
  const find = (spelling: string) => findOption([program], (option) => option.short === spelling || option.long === spelling);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return argv[i + 1];
    if (!looksLikeFlag(arg)) return arg;
    const option = find(arg);
    if (option) {
      if (option.required || (option.optional && i + 1 < argv.length && !looksLikeFlag(argv[i + 1]!))) i++;
      continue;
    }
    if (/^--[^=]+=/.test(arg)) {
      const withValue = find(arg.slice(0, arg.indexOf('=')));
      if (withValue?.required || withValue?.optional) continue;
      return undefined;
    }
    if (arg.startsWith('--')) return undefined;
    // A group of short flags (-vAn NS): boolean flags, then at most one that takes the rest as its value.
    for (let k = 1; k < arg.length; k++) {
      const short = find(`-${arg[k]}`);
      if (!short) return undefined;
      if (short.required || short.optional) {
        const last = k === arg.length - 1;
        if (last && (short.required || (i + 1 < argv.length && !looksLikeFlag(argv[i + 1]!)))) i++;
        break;
      }
    }
  }
  return undefined;
}
