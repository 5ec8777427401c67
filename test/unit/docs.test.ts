import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS_DOC, declaredProgram, helpSections, renderCommandsDoc, visibleCommands } from '../../scripts/gen-docs.js';

const root = resolve(import.meta.dirname, '../..');

describe('docs/commands.md', () => {
  it('is what the command declarations render (run `npm run docs` after changing a command)', () => {
    const written = readFileSync(resolve(root, COMMANDS_DOC), 'utf8').split('\n');
    const rendered = renderCommandsDoc().split('\n');
    const line = rendered.findIndex((text, index) => text !== written[index]);
    const stale = line === -1 && written.length !== rendered.length ? Math.min(written.length, rendered.length) : line;
    // Name the first stale line rather than diffing the whole file.
    expect(
      stale === -1 ? 'current' : `${COMMANDS_DOC} is stale from line ${stale + 1}: has ${JSON.stringify(written[stale])}, the declarations say ${JSON.stringify(rendered[stale])}; run npm run docs`,
    ).toBe('current');
  });

  it('documents every visible command and every flag', () => {
    const program = declaredProgram();
    const doc = renderCommandsDoc(program);
    for (const command of [program, ...visibleCommands(program)]) {
      if (command !== program) expect(doc).toContain(`## leasectl ${command.name()}\n`);
      for (const option of command.options.filter((o) => !o.hidden)) expect(doc).toContain(`| \`${option.flags}\` |`);
    }
  });
});

describe('every command explains itself in --help', () => {
  const program = declaredProgram();
  const commands = visibleCommands(program);

  it('the root help leads with the two examples from the mission', () => {
    const { examples, exitCodes } = helpSections(program);
    expect(examples.slice(0, 2).map((example) => example.command)).toEqual([
      'leasectl list -n kube-system -l apiserver.kubernetes.io/identity=kube-apiserver',
      'leasectl hold example-foo -- ./job.sh',
    ]);
    expect(exitCodes.map((row) => row.code)).toEqual(expect.arrayContaining(['0', '1', '2']));
  });

  it.each(commands.map((command) => [command.name(), command] as const))('%s has a summary, a description, examples and exit codes', (_, command) => {
    expect(command.summary(), 'summary (one line)').toMatch(/^[^\n]{10,100}$/);
    expect(command.description().length, 'description (a paragraph)').toBeGreaterThan(command.summary().length);
    const { examples, exitCodes } = helpSections(command);
    expect(examples.length, 'examples').toBeGreaterThan(0);
    for (const example of examples) expect(example.comment, `a comment for ${example.command}`).not.toBe('');
    // 0 itself, or a range starting at 0 (hold passes its command's status through: 0-255).
    expect(exitCodes.some((row) => /^0(\b|-)/.test(row.code)), 'exit codes, starting with 0').toBe(true);
    expect(exitCodes.every((row) => row.meaning !== '')).toBe(true);
  });

  it('every example invokes leasectl with a command that exists', () => {
    const names = new Set(commands.flatMap((command) => [command.name(), ...command.aliases()]));
    for (const command of [program, ...commands]) {
      for (const { command: line } of helpSections(command).examples) {
        const match = /(?:^|<\()leasectl ((?:-\S+ \S+ )*)(\S+)/.exec(line);
        expect(match, line).not.toBeNull();
        const word = match?.[2] ?? '';
        if (!word.startsWith('-')) expect(names.has(word) || word === 'hold', `${line}: unknown command ${word}`).toBe(true);
      }
    }
  });
});
