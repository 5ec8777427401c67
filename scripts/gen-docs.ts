// Renders docs/commands.md from the commander tree that --help renders (`npm run docs`), so the reference cannot
// drift from the declarations; test/unit/docs.test.ts fails when the file is stale.
import type { EventEmitter } from 'node:events';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Argument, Command, Option } from 'commander';
import { createProgram } from '../src/cli.js';
import { systemClock } from '../src/clock.js';

export const COMMANDS_DOC = 'docs/commands.md';

export interface Example {
  comment: string;
  command: string;
}

/** A command's after-help text (`addHelpText('after', …)`), split into its titled sections. */
export interface HelpSections {
  examples: Example[];
  exitCodes: { code: string; meaning: string }[];
  /** Sections other than Examples and Exit codes, by title, as written. */
  other: { title: string; body: string }[];
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

function afterHelpText(command: Command): string {
  let text = '';
  // addHelpText registers a listener on the command (an EventEmitter, though commander's types do not say so).
  (command as unknown as EventEmitter).emit('afterHelp', { error: false, command, write: (chunk: string) => (text += chunk) });
  return text;
}

/** Parses the after-help text that options.ts's examplesHelp and exitCodesHelp write. */
export function helpSections(command: Command): HelpSections {
  const sections: { title: string; lines: string[] }[] = [];
  for (const line of afterHelpText(command).split('\n')) {
    const title = /^(\S[^:]*):$/.exec(line)?.[1];
    if (title) sections.push({ title, lines: [] });
    else sections[sections.length - 1]?.lines.push(line);
  }
  const result: HelpSections = { examples: [], exitCodes: [], other: [] };
  for (const { title, lines } of sections) {
    if (title === 'Examples') {
      let comment = '';
      for (const line of lines.map((text) => text.trim()).filter(Boolean)) {
        if (line.startsWith('#')) comment = line.replace(/^#\s*/, '');
        else result.examples.push({ comment, command: line });
      }
    } else if (title === 'Exit codes') {
      for (const line of lines) {
        const match = /^\s+(\S+)\s{2,}(.*)$/.exec(line);
        if (match) result.exitCodes.push({ code: match[1] ?? '', meaning: match[2] ?? '' });
      }
    } else {
      result.other.push({ title, body: lines.join('\n').replace(/^\n+|\n+$/g, '') });
    }
  }
  return result;
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
  for (const { title, body } of sections.other) lines.push(`${heading} ${title}`, '', '```', body, '```', '');
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
