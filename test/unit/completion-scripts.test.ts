import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPLETION_FILES, completionScript, SHELLS } from '../../src/completion/scripts.js';

const root = resolve(import.meta.dirname, '../..');

describe('completions/', () => {
  it.each(SHELLS)('holds the current %s script (run `npm run completions` after changing src/completion/scripts.ts)', (shell) => {
    expect(readFileSync(resolve(root, COMPLETION_FILES[shell]), 'utf8')).toBe(completionScript(shell));
  });

  it('scripts only relay to __complete, so commands and flags are never copied into them', () => {
    for (const shell of SHELLS) {
      const script = completionScript(shell);
      expect(script).toContain('__complete');
      expect(script).not.toMatch(/--namespace|--selector|\binspect\b|\bhold\b/);
    }
  });
});
