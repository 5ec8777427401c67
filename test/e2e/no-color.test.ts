// NO_COLOR turns colour off when it is set to anything, even the empty string (kubectl's LookupEnv rule), for
// leasectl and for the demo that tours it. Needs a terminal, so it runs under script(1).
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const DEMO = resolve(import.meta.dirname, '../../dist/demo.mjs');
const hasScript = spawnSync('script', ['-qc', 'true', '/dev/null'], { stdio: 'ignore' }).status === 0;

describe('NO_COLOR', () => {
  it.skipIf(!hasScript)('set but empty, the demo on a terminal prints no colour or bold, and neither does leasectl in it', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '', TERM: 'xterm-256color' };
    delete env.LEASECTL_TEST_KUBECONFIG;
    const result = spawnSync('script', ['-qec', `node ${DEMO}`, '/dev/null'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('$ leasectl list');
    expect(result.stdout).not.toContain('\u001b[');
  }, 130_000);
});
