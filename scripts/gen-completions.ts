// Writes completions/ from the same function `leasectl completion SHELL` prints (`npm run completions`);
// test/unit/completion-scripts.test.ts fails when a file there is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMPLETION_FILES, completionScript, SHELLS } from '../src/completion/scripts.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const shell of SHELLS) {
    const file = resolve(root, COMPLETION_FILES[shell]);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, completionScript(shell));
    process.stdout.write(`wrote ${COMPLETION_FILES[shell]}\n`);
  }
}
