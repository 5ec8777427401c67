// The real completion scripts in the real shells, answering from the built leasectl and the sandbox: bash's
// function is called with COMP_WORDS/COMP_LINE as bash sets them, zsh's with its words/CURRENT (and _describe
// stubbed to print), fish through `complete -C`.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { delimiter, dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { connect } from '../../src/kube/connect.js';
import { formatMicroTime } from '../../src/lease/time.js';
import { LEASE_API_VERSION, LEASE_KIND } from '../../src/lease/types.js';
import { BEYOND_ONE_NAMESPACE, LEASECTL_BIN, oneNamespace, setupCluster, uniqueName, type TestCluster } from './harness.js';

const root = resolve(import.meta.dirname, '../..');
const BIN_DIR = dirname(LEASECTL_BIN);
const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { stdio: 'ignore' }).status === 0;
const hasZsh = has('zsh');
const hasFish = has('fish');

let cluster: TestCluster;
let ns: string;
/** A second namespace, with gamma in it; not in one-namespace mode, whose tests of it skip. */
let otherNs: string;
let twoContexts: string;
const beyondOneNamespace = oneNamespace ? ` (${BEYOND_ONE_NAMESPACE})` : '';
/** The leases this file completes, named apart from any other file's in a shared namespace. */
const prefix = uniqueName('cmp');
const [alphaOne, alphaTwo, beta, gamma] = ['alpha-one', 'alpha-two', 'beta', 'gamma'].map((name) => `${prefix}-${name}`) as [string, string, string, string];
let blackHole: Server;
let blackHoleKubeconfig: string;
const openSockets = new Set<Socket>();

async function createLeases(namespace: string, names: string[]): Promise<void> {
  const connection = await connect({ kubeconfig: cluster.kubeconfig }, {});
  try {
    for (const name of names) {
      await connection.client.create(namespace, {
        apiVersion: LEASE_API_VERSION,
        kind: LEASE_KIND,
        metadata: { name, namespace },
        spec: { holderIdentity: `${name}-holder`, leaseDurationSeconds: 3600, renewTime: formatMicroTime(Date.now()) },
      });
    }
  } finally {
    connection.close();
  }
}

/** A copy of the test kubeconfig with more contexts: `other`, whose namespace is otherNs, and `team:blue`. */
function writeTwoContexts(path: string): string {
  const config = parse(readFileSync(cluster.kubeconfig, 'utf8'));
  const current = config.contexts.find((context: { name: string }) => context.name === config['current-context']);
  config.contexts.push({ name: 'other', context: { ...current.context, namespace: otherNs } });
  // Names with colons (EKS context names are ARNs) are split by bash into several words.
  config.contexts.push({ name: 'team:blue', context: { ...current.context } });
  writeFileSync(path, stringify(config));
  return path;
}

function shellEnv(kubeconfig = cluster.kubeconfig): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${BIN_DIR}${delimiter}${process.env.PATH ?? ''}`, KUBECONFIG: kubeconfig, NO_COLOR: '1' };
}

function runShell(shell: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(shell, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ stdout, stderr, code });
    });
  });
}

/** COMP_WORDS as bash builds them: split at blanks, and at the COMP_WORDBREAKS characters = and : (each its own word). */
function bashWords(line: string): string[] {
  const words = line.split(/\s+/).filter(Boolean).flatMap((word) => word.split(/([=:]+)/).filter(Boolean));
  if (/\s$/.test(line)) words.push('');
  return words;
}

/**
 * Calls the bash completion function as bash does when TAB is pressed at the end of `line`, and returns COMPREPLY.
 * compopt only works inside real completion, so it is replaced by a function that reports its options.
 */
async function bashComplete(line: string, env = shellEnv()): Promise<{ reply: string[]; compopt: string[] }> {
  const words = bashWords(line);
  const script = [
    `source ${JSON.stringify(join(root, 'completions/leasectl.bash'))}`,
    'compopt() { printf "compopt %s\\n" "$*"; }',
    'COMP_LINE=$1; COMP_POINT=${#COMP_LINE}; shift',
    'COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))',
    '__leasectl_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout, stderr, code } = await runShell('bash', ['-c', script, 'bash', line, ...words], env);
  expect(code, stderr).toBe(0);
  const lines = stdout.split('\n').filter(Boolean);
  return { reply: lines.filter((text) => !text.startsWith('compopt ')), compopt: lines.filter((text) => text.startsWith('compopt ')) };
}

beforeAll(async () => {
  cluster = await setupCluster();
  ns = cluster.namespace;
  await createLeases(ns, [alphaOne, alphaTwo, beta]);
  if (!oneNamespace) {
    otherNs = await cluster.newNamespace('completion');
    await createLeases(otherNs, [gamma]);
    twoContexts = writeTwoContexts(join(cluster.workDir, 'two-contexts.yaml'));
  }
  // A server that accepts connections and never answers: completion must give up on its own.
  blackHole = createServer((socket) => {
    openSockets.add(socket);
    socket.on('close', () => openSockets.delete(socket));
  });
  await new Promise<void>((ready) => blackHole.listen(0, '127.0.0.1', ready));
  const { port } = blackHole.address() as { port: number };
  blackHoleKubeconfig = join(cluster.workDir, 'black-hole.yaml');
  writeFileSync(
    blackHoleKubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'hole', cluster: { server: `https://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'nobody', user: { token: 'x' } }],
      contexts: [{ name: 'hole', context: { cluster: 'hole', user: 'nobody' } }],
      'current-context': 'hole',
    }),
  );
});

afterAll(async () => {
  for (const socket of openSockets) socket.destroy();
  blackHole?.close();
  await cluster?.teardown();
});

describe('bash', () => {
  it('completes command names', async () => {
    expect((await bashComplete('leasectl l')).reply).toEqual(['list']);
    expect((await bashComplete('leasectl ')).reply).toEqual(expect.arrayContaining(['list', 'inspect', 'completion']));
  });

  it('completes flags of the command and the global ones', async () => {
    const { reply } = await bashComplete('leasectl list --s');
    expect(reply).toEqual(expect.arrayContaining(['--selector', '--sort-by', '--show-managed-fields']));
    expect(reply.every((flag) => flag.startsWith('--s'))).toBe(true);
  });

  it('completes -o from the declared formats, also as --output=VALUE', async () => {
    expect((await bashComplete('leasectl list -o ')).reply).toEqual(['wide', 'yaml', 'json', 'name', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file=']);
    expect((await bashComplete('leasectl list --output=j')).reply).toEqual(['json', 'jsonpath=', 'jsonpath-file=']);
    // Right after the =, readline replaces the (empty) text after it.
    expect((await bashComplete('leasectl inspect --output=')).reply).toEqual(['yaml', 'json', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file=']);
  });

  it('completes lease names from the cluster, in the namespace typed earlier', async () => {
    expect((await bashComplete(`leasectl inspect -n ${ns} ${prefix}-alpha`)).reply).toEqual([alphaOne, alphaTwo]);
    expect((await bashComplete(`leasectl inspect --namespace=${ns} ${alphaOne} ${prefix}`)).reply).toEqual([alphaTwo, beta]);
  });

  it.skipIf(oneNamespace)(`completes lease names from another namespace typed before the command${beyondOneNamespace}`, async () => {
    expect((await bashComplete(`leasectl -n ${otherNs} list `)).reply).toEqual([gamma]);
  });

  it.for(['hold', 'renew', 'release'])('completes lease names for %s', async (command, { skip }) => {
    const commands = (await bashComplete('leasectl ')).reply;
    if (!commands.includes(command)) skip(`${command} is not registered in src/cli.ts yet`);
    expect((await bashComplete(`leasectl ${command} -n ${ns} ${prefix}-alpha`)).reply).toEqual([alphaOne, alphaTwo]);
  });

  it.skipIf(oneNamespace)(`completes -n with the namespaces of the cluster${beyondOneNamespace}`, async () => {
    expect((await bashComplete(`leasectl list -n ${ns.slice(0, -1)}`)).reply).toEqual(expect.arrayContaining([ns]));
    expect((await bashComplete(`leasectl list -n ${otherNs.slice(0, -1)}`)).reply).toEqual([otherNs]);
    expect((await bashComplete('leasectl list -n kube-s')).reply).toEqual(['kube-system']);
  });

  it.skipIf(oneNamespace)(`completes --context from the kubeconfig and then uses that context for lease names${beyondOneNamespace}`, async () => {
    const env = shellEnv(twoContexts);
    expect((await bashComplete('leasectl --context ', env)).reply).toEqual(expect.arrayContaining(['other']));
    expect((await bashComplete('leasectl --context other inspect ', env)).reply).toEqual([gamma]);
    // Readline replaces only the text after the last colon.
    expect((await bashComplete('leasectl --context team:b', env)).reply).toEqual(['blue']);
    // --kubeconfig typed on the line wins over $KUBECONFIG.
    expect((await bashComplete(`leasectl --kubeconfig ${twoContexts} --context other list ${prefix}-g`)).reply).toEqual([gamma]);
  });

  it('leaves file names to bash for --kubeconfig, and offers no files where none make sense', async () => {
    const kubeconfig = await bashComplete('leasectl list --kubeconfig ');
    expect(kubeconfig).toEqual({ reply: [], compopt: ['compopt -o default'] });
    expect(await bashComplete('leasectl list --sort-by ')).toEqual({ reply: [], compopt: [] });
  });

  it('gives up silently, within the deadline, when the cluster does not answer', async () => {
    const started = Date.now();
    const result = await bashComplete('leasectl inspect ', shellEnv(blackHoleKubeconfig));
    expect(result).toEqual({ reply: [], compopt: [] });
    // Its own 2 s deadline ended it, not the transport's 10 s TLS-handshake timeout that would end it otherwise.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe.skipIf(!hasZsh)(`zsh${hasZsh ? '' : ' (skipped: zsh is not installed; apt-get install zsh)'}`, () => {
  /** Runs _leasectl with words/CURRENT set as zsh's completion system sets them; _describe and _files are stubbed to print. */
  async function zshComplete(line: string, env = shellEnv()): Promise<string[]> {
    const words = line.split(/\s+/).filter(Boolean);
    if (/\s$/.test(line)) words.push('');
    const script = [
      'compdef() { :; }',
      "_describe() { print -rl -- \"${(@P)4}\"; }",
      '_files() { print -r -- "<files>"; }',
      `source ${JSON.stringify(join(root, 'completions/_leasectl'))}`,
      'words=("$@"); CURRENT=$#; PREFIX=${words[CURRENT]}',
      '_leasectl',
    ].join('\n');
    const { stdout, stderr } = await runShell('zsh', ['-f', '-c', script, 'zsh', ...words], env);
    expect(stderr).toBe('');
    return stdout.split('\n').filter(Boolean);
  }

  it('completes commands with their summaries', async () => {
    expect(await zshComplete('leasectl insp')).toEqual(['inspect:show everything about a lease: holder, times, state, tenure']);
  });

  it('completes -o values and lease names from the cluster', async () => {
    expect(await zshComplete('leasectl list -o ')).toEqual(['wide', 'yaml', 'json', 'name', 'jsonpath=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file=']);
    expect(await zshComplete(`leasectl inspect -n ${ns} ${prefix}-alpha`)).toEqual([`${alphaOne}:held by ${alphaOne}-holder`, `${alphaTwo}:held by ${alphaTwo}-holder`]);
  });

  it('falls back to files for --kubeconfig', async () => {
    expect(await zshComplete('leasectl --kubeconfig ')).toEqual(['<files>']);
  });
});

describe.skipIf(!hasFish)(`fish${hasFish ? '' : ' (skipped: fish is not installed; apt-get install fish)'}`, () => {
  /** `complete -C LINE`: fish's own completion of LINE, as value<TAB>description lines. */
  async function fishComplete(line: string, env = shellEnv()): Promise<string[]> {
    const script = `source ${JSON.stringify(join(root, 'completions/leasectl.fish'))}; complete -C ${JSON.stringify(line)}`;
    const { stdout, stderr } = await runShell('fish', ['--no-config', '-c', script], env);
    expect(stderr).toBe('');
    return stdout.split('\n').filter(Boolean);
  }

  it('completes commands with descriptions', async () => {
    expect(await fishComplete('leasectl li')).toEqual(['list\tlist leases with their holders, like kubectl get lease']);
  });

  it('completes -o values and lease names from the cluster', async () => {
    expect(await fishComplete('leasectl list -o ')).toEqual(['custom-columns=', 'custom-columns-file=', 'json', 'jsonpath=', 'jsonpath-file=', 'name', 'wide', 'yaml']);
    expect(await fishComplete(`leasectl inspect -n ${ns} ${prefix}-alpha`)).toEqual([`${alphaOne}\theld by ${alphaOne}-holder`, `${alphaTwo}\theld by ${alphaTwo}-holder`]);
  });
});
