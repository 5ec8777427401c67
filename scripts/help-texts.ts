// Renders every --help leasectl prints (the program's and each command's, under each alias, as leasectl and as
// `kubectl lease`) into dist/help.json, by running the CLI itself on `--help`: the launcher (src/launcher.ts)
// answers a bare help request from it without loading the bundle. Run by scripts/build.mjs; test/e2e/help-texts
// checks every text against what commander prints.
import { writeFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { runCli } from '../src/cli.js';
import { systemClock } from '../src/clock.js';
import { COMMANDS } from '../src/commands/index.js';

/** What `programName ...argv` prints on stdout; anything on stderr, or an exit code but 0, is a build failure. */
async function printed(programName: string, argv: string[]): Promise<string> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const world = { io: { stdin: new PassThrough(), stdout, stderr }, clock: systemClock, env: {}, signals: { subscribe: () => () => undefined }, programName };
  const code = await runCli(argv, world);
  if (code !== 0 || err !== '') throw new Error(`${programName} ${argv.join(' ')} exited ${code}: ${err}`);
  return out;
}

/** By the executable's name (main.ts calls itself `kubectl lease` when run as kubectl-lease), by command word ('' for the program). */
const texts: Record<string, Record<string, string>> = {};
for (const [executable, programName] of [
  ['leasectl', 'leasectl'],
  ['kubectl-lease', 'kubectl lease'],
] as const) {
  const byWord: Record<string, string> = { '': await printed(programName, ['--help']) };
  for (const { declaration } of COMMANDS) {
    const text = await printed(programName, [declaration.name, '--help']);
    for (const word of [declaration.name, ...(declaration.aliases ?? [])]) byWord[word] = text;
  }
  texts[executable] = byWord;
}
writeFileSync(process.argv[2] ?? 'dist/help.json', JSON.stringify(texts));
