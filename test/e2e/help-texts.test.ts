// A bare help request (`leasectl`, `leasectl --help`, `leasectl CMD --help`) is answered by the launcher from the
// texts the build rendered (dist/help.json), without loading the bundle (src/launcher.ts). Every text must be what
// the CLI itself prints for the same request, which it answers when the request is not bare (a global flag first).
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASECTL_BIN, run } from './harness.js';

const root = resolve(dirname(LEASECTL_BIN), '..');
const texts = JSON.parse(readFileSync(join(root, 'dist/help.json'), 'utf8')) as Record<string, Record<string, string>>;
const work = mkdtempSync(join(tmpdir(), 'leasectl-help-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const options = { kubeconfig: join(work, 'no-kubeconfig') };

describe('help printed as the build rendered it', () => {
  it.each(['leasectl', 'kubectl-lease'])('%s: every rendered text is what the CLI prints for it', async (executable) => {
    const bin = join(root, 'bin', executable);
    for (const [word, text] of Object.entries(texts[executable]!)) {
      const request = word === '' ? ['--help'] : [word, '--help'];
      const rendered = await run(bin, request, options);
      expect(rendered, request.join(' ')).toEqual({ code: 0, signal: null, stdout: text, stderr: '' });
      // Not bare, so the CLI answers: the same bytes.
      expect((await run(bin, ['--no-color', ...request], options)).stdout, `--no-color ${request.join(' ')}`).toBe(text);
    }
    expect((await run(bin, [], options)).stdout).toBe(texts[executable]!['']);
    expect((await run(bin, ['ls', '-h'], options)).stdout).toBe(texts[executable]!.list);
  });

  it('needs no bundle: an install without dist/leasectl.cjs still prints help, and only help', async () => {
    const install = join(work, 'install');
    cpSync(join(root, 'bin'), join(install, 'bin'), { recursive: true });
    for (const file of ['launcher.cjs', 'help.json']) cpSync(join(root, 'dist', file), join(install, 'dist', file));
    const bin = join(install, 'bin/leasectl');
    expect(await run(bin, ['hold', '--help'], options)).toMatchObject({ code: 0, stdout: texts.leasectl!.hold, stderr: '' });
    expect((await run(bin, ['version', '--client'], options)).code).not.toBe(0);
  });

  it('a word it has no text for is left to the CLI (commander shows the program help for it)', async () => {
    const result = await run(LEASECTL_BIN, ['nosuch', '--help'], options);
    expect(result).toMatchObject({ code: 0, stdout: texts.leasectl![''], stderr: '' });
  });

  it('a reader that goes away ends it quietly, exit 0', async () => {
    // `true` has exited before leasectl writes, so the write meets a pipe without a reader (EPIPE).
    const result = await run('bash', ['-c', 'set -o pipefail; "$0" hold --help | true', LEASECTL_BIN], options);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });
});
