// Renders docs/commands.md from the command declarations (`npm run docs`): prose, examples and exit codes from the
// data, usage and flag spellings from the commander tree built from it, so the reference cannot drift from --help;
// test/unit/docs.test.ts fails when the file is stale.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { createProgram } from '../src/cli.js';
import type { Example } from '../src/commands/declaration.js';
import { COMMANDS } from '../src/commands/index.js';
import { PROGRAM } from '../src/commands/program.js';
import { systemClock } from '../src/clock.js';

export const COMMANDS_DOC = 'docs/commands.md';

/** A command's examples and exit codes, from its declaration (the same data its --help renders). */
export interface HelpSections {
  examples: readonly Example[];
  exitCodes: { code: string; meaning: string }[];
}

/** The program as leasectl builds it, with inert streams: nothing is run, only declarations are read. */
export function declaredProgram(): Command {
  const { program } = createProgram({
    io: { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough() },
    clock: systemClock,
    env: {},
    signals: { subscribe: () => () => undefined },
    programName: 'leasectl',
  });
  return program;
}

/** Visible subcommands, in registration order (what --help lists). */
export function visibleCommands(program: Command): Command[] {
  return program.createHelp().visibleCommands(program);
}

/** The declaration behind a command of the program (the root's for the program itself). */
export function helpSections(command: Command): HelpSections {
  const declared = command.parent ? COMMANDS.map((registered) => registered.declaration).find((declaration) => declaration.name === command.name()) : PROGRAM;
  if (!declared) throw new Error(`no declaration for command ${command.name()}`);
  return { examples: declared.examples, exitCodes: declared.exitCodes.map(([code, meaning]) => ({ code: String(code), meaning })) };
}

/** Escapes markup in prose but leaves `code spans` alone (descriptions say things like <unset>). */
function prose(text: string): string {
  return text
    .split('`')
    .map((part, index) => (index % 2 === 1 ? part : part.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')))
    .join('`');
}

function cell(text: string): string {
  return prose(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

function anchor(command: Command): string {
  const path: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) path.unshift(current.name());
  return path.join('-');
}

function fullName(command: Command): string {
  return command.parent ? `${fullName(command.parent)} ${command.name()}` : command.name();
}

function optionNotes(option: Option): string {
  const notes: string[] = [];
  if (option.argChoices) notes.push(`one of ${option.argChoices.map(code).join(', ')}`);
  if (option.defaultValueDescription) notes.push(`default: ${option.defaultValueDescription}`);
  else if (option.defaultValue !== undefined && !option.negate && typeof option.defaultValue !== 'boolean') {
    notes.push(`default: ${code(JSON.stringify(option.defaultValue))}`);
  }
  if (option.envVar) notes.push(`env: ${code(option.envVar)}`);
  if (option.mandatory) notes.push('required');
  return notes.join('; ');
}

function optionsTable(options: readonly Option[]): string[] {
  if (options.length === 0) return ['None.', ''];
  return [
    '| Flag | Description | Values |',
    '| --- | --- | --- |',
    ...options.map((option) => `| ${code(option.flags)} | ${cell(option.description)} | ${cell(optionNotes(option))} |`),
    '',
  ];
}

function argumentNotes(argument: Argument): string {
  const notes = [argument.required ? 'required' : 'optional'];
  if (argument.variadic) notes.push('one or more');
  if (argument.argChoices) notes.push(`one of ${argument.argChoices.map(code).join(', ')}`);
  if (argument.defaultValue !== undefined) notes.push(`default: ${code(JSON.stringify(argument.defaultValue))}`);
  return notes.join(', ');
}

function argumentTerm(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}

function renderSections(sections: HelpSections, heading: string): string[] {
  const lines: string[] = [];
  if (sections.examples.length > 0) {
    lines.push(`${heading} Examples`, '', '```sh');
    sections.examples.forEach(({ comment, command }, index) => {
      if (index > 0) lines.push('');
      if (comment) lines.push(`# ${comment}`);
      lines.push(command);
    });
    lines.push('```', '');
  }
  if (sections.exitCodes.length > 0) {
    lines.push(`${heading} Exit codes`, '', '| Code | Meaning |', '| --- | --- |');
    for (const { code: exitCode, meaning } of sections.exitCodes) lines.push(`| ${exitCode} | ${cell(meaning)} |`);
    lines.push('');
  }
  return lines;
}

function renderCommand(command: Command): string[] {
  const help = command.createHelp();
  const lines = [`## ${fullName(command)}`, '', `**${prose(command.summary())}**`, '', prose(command.description()), ''];
  if (command.aliases().length > 0) lines.push(`Alias: ${command.aliases().map(code).join(', ')}`, '');
  lines.push('```', help.commandUsage(command), '```', '');
  if (command.registeredArguments.length > 0) {
    lines.push('### Arguments', '', '| Argument | Description | |', '| --- | --- | --- |');
    for (const argument of command.registeredArguments) {
      lines.push(`| ${code(argumentTerm(argument))} | ${cell(argument.description)} | ${argumentNotes(argument)} |`);
    }
    lines.push('');
  }
  lines.push('### Flags', '', ...optionsTable(command.options.filter((option) => !option.hidden)));
  lines.push(`Also the [global flags](#${anchor(command.parent ?? command)}).`, '');
  lines.push(...renderSections(helpSections(command), '###'));
  return lines;
}

/** docs/commands.md as the declarations say it should be. */
export function renderCommandsDoc(program: Command = declaredProgram()): string {
  const commands = visibleCommands(program);
  const lines = [
    `# ${program.name()} commands`,
    '',
    '<!-- Generated by `npm run docs` from the commander declarations (src/cli.ts, src/commands/). Do not edit: test/unit/docs.test.ts fails when this file is stale. -->',
    '',
    prose(program.description()),
    '',
    '| Command | What it does |',
    '| --- | --- |',
    ...commands.map((command) => `| [${command.name()}](#${anchor(command)}) | ${cell(command.summary())} |`),
    '',
    `Every command also accepts \`-h, --help\`. Run as a kubectl plugin, each is \`kubectl lease COMMAND\` with the same flags.`,
    '',
    `## ${program.name()}`,
    '',
    '```',
    program.createHelp().commandUsage(program),
    '```',
    '',
    '### Global flags',
    '',
    'Accepted by every command, before or after the command name.',
    '',
    ...optionsTable(program.options.filter((option) => !option.hidden)),
    ...renderSections(helpSections(program), '###'),
  ];
  for (const command of commands) lines.push(...renderCommand(command));
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  writeFileSync(resolve(root, COMMANDS_DOC), renderCommandsDoc());
  process.stdout.write(`wrote ${COMMANDS_DOC}\n`);
}
