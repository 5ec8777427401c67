// The executables keep V8's code cache for the bundle (src/launcher.ts): one file per command word, under
// $XDG_CACHE_HOME/leasectl, its first byte counting the runs it gathered. A cache only ever speeds a start up: a corrupt, foreign or unwritable one changes
// nothing a command prints or returns.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LEASECTL_BIN, run } from './harness.js';

const work = mkdtempSync(join(tmpdir(), 'leasectl-code-cache-'));
let count = 0;

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A fresh cache home for one test. */
function cacheHome(): string {
  return mkdtempSync(join(work, `home-${count++}-`));
}

const leasectl = (args: string[], env: NodeJS.ProcessEnv) => run(LEASECTL_BIN, args, { kubeconfig: join(work, 'no-kubeconfig'), env });
const cacheFiles = (home: string) => (existsSync(join(home, 'leasectl')) ? readdirSync(join(home, 'leasectl')).sort() : []);
const runtime = `code-${process.version}-${process.arch}-`;

describe("the bundle's code cache", () => {
  it("is written at the end of a command's first three runs (gathering what each compiled), then kept; each command has its own", async () => {
    const home = cacheHome();
    const first = await leasectl(['version', '--client'], { XDG_CACHE_HOME: home });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const [cache] = cacheFiles(home);
    expect(cache).toMatch(new RegExp(`^${runtime}[0-9a-f]{8}-\\d+-\\d+-version\\.bin$`));
    const path = join(home, 'leasectl', cache!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, 'leasectl')).mode & 0o777).toBe(0o700);
    const runsGathered = () => readFileSync(path)[0];
    expect(runsGathered()).toBe(1);

    for (const gathered of [2, 3]) {
      expect(await leasectl(['version', '--client'], { XDG_CACHE_HOME: home })).toEqual(first);
      expect(runsGathered()).toBe(gathered);
    }
    const written = readFileSync(path);
    expect(await leasectl(['version', '--client'], { XDG_CACHE_HOME: home })).toEqual(first);
    expect(readFileSync(path).equals(written)).toBe(true);

    await leasectl(['completion', 'fish'], { XDG_CACHE_HOME: home });
    expect(cacheFiles(home)).toEqual([cache!.replace('-version.bin', '-completion.bin'), cache]);
    // A bare --help never loads the bundle (help-texts.test.ts), so it has no cache.
    await leasectl(['--help'], { XDG_CACHE_HOME: home });
    expect(cacheFiles(home)).toHaveLength(2);
  });

  it('a corrupt cache changes nothing a command prints, and is replaced', async () => {
    const home = cacheHome();
    const clean = await leasectl(['completion', 'bash'], { XDG_CACHE_HOME: home });
    const [cache] = cacheFiles(home);
    writeFileSync(join(home, 'leasectl', cache!), Buffer.alloc(4096, 0x5a));
    const withGarbage = await leasectl(['completion', 'bash'], { XDG_CACHE_HOME: home });
    expect(withGarbage).toEqual(clean);
    expect(readFileSync(join(home, 'leasectl', cache!)).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
  });

  it('an unwritable cache directory changes nothing either', async () => {
    const home = cacheHome();
    writeFileSync(join(home, 'leasectl'), 'a file where the directory would be');
    expect(await leasectl(['version', '--client'], { XDG_CACHE_HOME: home })).toMatchObject({ code: 0, stderr: '' });
    const readOnly = cacheHome();
    chmodSync(readOnly, 0o500);
    const result = await leasectl(['version', '--client'], { XDG_CACHE_HOME: readOnly });
    chmodSync(readOnly, 0o700);
    expect(result).toMatchObject({ code: 0, stderr: '' });
  });

  it("is not kept with NODE_DISABLE_COMPILE_CACHE (Node's own switch), nor without a home", async () => {
    const home = cacheHome();
    expect(await leasectl(['version', '--client'], { XDG_CACHE_HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' })).toMatchObject({ code: 0, stderr: '' });
    expect(cacheFiles(home)).toEqual([]);
    expect(await leasectl(['version', '--client'], { XDG_CACHE_HOME: '', HOME: '' })).toMatchObject({ code: 0, stderr: '' });
  });

  it("replaces the caches of this install's older builds, and keeps other installs' and other Node releases'", async () => {
    const home = cacheHome();
    const dir = join(home, 'leasectl');
    await leasectl(['completion', 'fish'], { XDG_CACHE_HOME: home });
    const install = /^(code-.+-[0-9a-f]{8})-\d+-\d+-completion\.bin$/.exec(cacheFiles(home)[0]!)![1];
    const stale = `${install}-1-1-list.bin`;
    const otherInstall = `${runtime}00000000-1-1-list.bin`;
    const otherNode = 'code-v0.0.0-x64-00000000-1-1-list.bin';
    for (const file of [stale, otherInstall, otherNode]) writeFileSync(join(dir, file), 'old');
    await leasectl(['version', '--client'], { XDG_CACHE_HOME: home });
    const files = cacheFiles(home);
    expect(files).toContain(otherNode);
    expect(files).toContain(otherInstall);
    expect(files).not.toContain(stale);
    expect(files.filter((file) => file.startsWith(`${install}-`))).toHaveLength(2);
  });

  it('keeps at most 24 caches in all: the caches installs left behind go, oldest first', async () => {
    const home = cacheHome();
    const dir = join(home, 'leasectl');
    mkdirSync(dir);
    const left = Array.from({ length: 30 }, (_, i) => `code-v0.0.0-x64-${String(i).padStart(8, '0')}-1-1-list.bin`);
    left.forEach((file, i) => {
      writeFileSync(join(dir, file), 'old');
      utimesSync(join(dir, file), 1_000_000 + i, 1_000_000 + i); // the first is the oldest
    });
    await leasectl(['version', '--client'], { XDG_CACHE_HOME: home });
    const files = cacheFiles(home);
    expect(files).toHaveLength(24);
    expect(files.filter((file) => file.startsWith(runtime))).toHaveLength(1);
    expect(files).toEqual(expect.arrayContaining(left.slice(-23)));
  });
});
