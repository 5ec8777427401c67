// npm run bench: leasectl against kubectl on the same sandbox, in one run, so that the machine's noise hits
// both alike. Figures are medians of whole-process wall time; ratios are leasectl / kubectl.
// BENCH_QUICK=1 shortens every section (fewer runs, a 10 s hold instead of 60 s) for a smoke run.
// `npm run bench -- startup hold` runs only the named sections (startup, large, hold, gc, list-all, gc-large, watch).
// list-all, gc-large and watch are the scale targets of issue 11: list -A of 100,000 leases, gc of 20,000 expired
// ones, and list -w following 100 changes a second for a minute.
// BENCH_NODE picks the Node.js that runs leasectl and the floor: a path to a node binary, or a major version
// (22, 24) that .ci/node-runtime fetches from the npm registry as CI does. Unset, it is the node running the bench.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { formatMicroTime } from '../src/lease/time.js';
import type { LeaseSpec } from '../src/lease/types.js';
import { startSandbox, type Sandbox } from '@leasectl/sandbox';
import { leasesPath, sandboxWriter, seedLeases } from '../scripts/seed-leases.js';
import { startupTargetLines, verdict } from './startup-targets.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SECTIONS = ['startup', 'large', 'hold', 'gc', 'list-all', 'gc-large', 'watch'] as const;
const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(SECTIONS as readonly string[]).includes(name)) throw new Error(`unknown section "${name}": choose from ${SECTIONS.join(', ')}`);
}
const wanted = (section: (typeof SECTIONS)[number]) => requested.length === 0 || requested.includes(section);
const LEASECTL = resolve(import.meta.dirname, '..', 'bin', 'leasectl');

function benchNode(): string {
  const wantedNode = process.env.BENCH_NODE;
  if (!wantedNode) return process.execPath;
  if (!/^\d+$/.test(wantedNode)) return resolve(wantedNode);
  const binDir = execFileSync(resolve(import.meta.dirname, '..', '.ci', 'node-runtime'), [wantedNode], { encoding: 'utf8' }).trim();
  return join(binDir, 'node');
}
const NODE = benchNode();
const NODE_VERSION = execFileSync(NODE, ['--version'], { encoding: 'utf8' }).trim();
const NODE_MAJOR = Number(NODE_VERSION.slice(1).split('.')[0]);
const TIME = '/usr/bin/time';
const hasTime = spawnSync(TIME, ['-f', '%M', 'true']).status === 0;
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

interface Sample {
  ms: number;
  maxRssKiB: number | undefined;
  code: number | null;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * One whole process, timed from spawn to exit; max RSS from GNU time when it is installed. Its stdout goes to
 * `stdoutFile` when given (to count what it printed), else nowhere.
 */
function timeOnce(command: string, args: string[], env: NodeJS.ProcessEnv, stdoutFile?: string): Promise<Sample> {
  const rssFile = join(tmpdir(), `leasectl-bench-rss-${process.pid}`);
  const [file, argv] = hasTime ? [TIME, ['-o', rssFile, '-f', '%M', command, ...args]] : [command, args];
  const stdout = stdoutFile === undefined ? 'ignore' : openSync(stdoutFile, 'w');
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, argv, { env, stdio: ['ignore', stdout, 'ignore'] });
    if (typeof stdout === 'number') closeSync(stdout);
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = performance.now() - started;
      let maxRssKiB: number | undefined;
      if (hasTime) {
        maxRssKiB = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
        rmSync(rssFile, { force: true });
      }
      resolvePromise({ ms, maxRssKiB, code });
    });
  });
}

interface Measurement {
  label: string;
  medianMs: number;
  maxRssMiB: number | undefined;
  runs: number;
}

interface Timed {
  label: string;
  command: string;
  args: string[];
}

/**
 * Times several commands round-robin (one run of each per round, after warm-up rounds), so that drift in the
 * machine's load hits them alike; each gets its median and the largest max RSS seen.
 */
async function measureInterleaved(commands: Timed[], env: NodeJS.ProcessEnv, runs: number, warmups = 2): Promise<Measurement[]> {
  const samples = commands.map(() => [] as Sample[]);
  for (let round = 0; round < warmups + runs; round++) {
    for (const [index, timed] of commands.entries()) {
      const sample = await timeOnce(timed.command, timed.args, env);
      if (sample.code !== 0) throw new Error(`${timed.label}: exit ${sample.code}`);
      if (round >= warmups) samples[index]!.push(sample);
    }
  }
  return commands.map((timed, index) => {
    const taken = samples[index]!;
    const rss = taken.map((sample) => sample.maxRssKiB).filter((value): value is number => value !== undefined);
    return { label: timed.label, medianMs: median(taken.map((sample) => sample.ms)), maxRssMiB: rss.length ? Math.max(...rss) / 1024 : undefined, runs };
  });
}

function row(measurement: Measurement, reference?: Measurement): string {
  const ratio = reference ? `  ${(measurement.medianMs / reference.medianMs).toFixed(2)}x ${reference.label.split(' ')[0]}` : '';
  const rss = measurement.maxRssMiB === undefined ? '' : `  max RSS ${measurement.maxRssMiB.toFixed(0)} MiB`;
  return `  ${measurement.label.padEnd(48)} median ${measurement.medianMs.toFixed(1).padStart(7)} ms (n=${measurement.runs})${rss}${ratio}`;
}

/** `count` leases named lease-00000..., seeded through the API; returns their names. */
async function seedNumberedLeases(sandbox: Sandbox, namespace: string, count: number, spec: (index: number) => LeaseSpec): Promise<string[]> {
  const names = Array.from({ length: count }, (_, index) => `lease-${String(index).padStart(5, '0')}`);
  await seedLeases(sandbox, namespace, names.map((name, index) => ({ metadata: { name }, spec: spec(index) })));
  return names;
}


/** Runs hold with --events json; resolves the parsed events and the child's start time (epoch ms) once it exits. */
function runHold(env: NodeJS.ProcessEnv, args: string[], childScript: string) {
  const child = spawn(LEASECTL, ['hold', ...args, '--events', 'json', '--', 'sh', '-c', `echo $(date +%s%N) ; ${childScript}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<{ events: { event: string; time: string }[]; childStartedAt: number; code: number | null }>((resolvePromise) => {
    child.on('exit', (code) =>
      setImmediate(() =>
        resolvePromise({
          code,
          childStartedAt: Number(stdout.trim().split('\n')[0]) / 1e6,
          events: stderr.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line)),
        }),
      ),
    );
  });
  return { child, done };
}

function procStat(pid: number): { cpuTicks: number; rssKiB: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuTicks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { cpuTicks, rssKiB };
}

interface Bench {
  sandbox: Sandbox;
  /** A scratch directory for this run. */
  work: string;
  env: NodeJS.ProcessEnv;
  out: (line?: string) => void;
}

/** One row per command, each but kubectl's own with its ratio to kubectl. */
function printAgainstKubectl(measured: Measurement[], out: (line?: string) => void): void {
  const kubectl = measured.find((measurement) => measurement.label.startsWith('kubectl'));
  for (const measurement of measured) out(row(measurement, measurement === kubectl ? undefined : kubectl));
}

const freshLease = (index: number): LeaseSpec => ({ holderIdentity: `holder-${index}`, leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now()) });

/**
 * The least any Node.js CLI can do for `list`: one HTTPS GET with the token and CA already at hand, no kubeconfig,
 * no argument parsing, no table. Its distance from kubectl is Node's, not leasectl's.
 */
const ONE_HTTPS_GET = `require('node:https').get(process.env.FLOOR_URL, { ca: process.env.FLOOR_CA, headers: { Authorization: 'Bearer ' + process.env.FLOOR_TOKEN } }, (response) => { let body = ''; response.on('data', (chunk) => (body += chunk)); response.on('end', () => process.stdout.write(String(JSON.parse(body).items.length))); })`;

async function startupSection({ sandbox, env, out, work }: Bench): Promise<void> {
  out('\nStartup and small lists (10 leases)');
  await seedNumberedLeases(sandbox, 'bench-small', 10, freshLease);
  // The trivial exec credential plugin the issue measured: it prints the token, so the difference from the
  // token row is leasectl's exec path plus the plugin's own run (timed alone below).
  const plugin = join(work, 'exec-plugin.sh');
  writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"${sandbox.tokens.admin}"}}'\n`);
  chmodSync(plugin, 0o755);
  const execKubeconfig = join(work, 'kubeconfig-exec');
  writeFileSync(
    execKubeconfig,
    readFileSync(env.KUBECONFIG!, 'utf8').replace(/^(\s*)token: .*$/m, `$1exec: {apiVersion: client.authentication.k8s.io/v1, command: ${plugin}, interactiveMode: Never}`),
  );
  const floorEnv = { ...env, FLOOR_URL: `${sandbox.url}/apis/coordination.k8s.io/v1/namespaces/bench-small/leases?limit=500`, FLOOR_CA: sandbox.caPem, FLOOR_TOKEN: sandbox.tokens.admin };
  const kubectl = { label: 'kubectl get lease -n bench-small', command: 'kubectl', args: ['get', 'lease', '-n', 'bench-small'] };
  const floor = { label: 'node, one HTTPS GET (floor for list)', command: NODE, args: ['-e', ONE_HTTPS_GET] };
  const help = { label: 'leasectl --help', command: NODE, args: [LEASECTL, '--help'] };
  const list = { label: 'leasectl list -n bench-small', command: NODE, args: [LEASECTL, 'list', '-n', 'bench-small'] };
  const listWithExecPlugin = { label: 'leasectl list -n bench-small (exec plugin)', command: NODE, args: [LEASECTL, '--kubeconfig', execKubeconfig, 'list', '-n', 'bench-small'] };
  const pluginAlone = { label: 'sh, the exec plugin alone', command: plugin, args: [] };
  const complete = { label: "leasectl __complete inspect ''", command: NODE, args: [LEASECTL, '__complete', 'inspect', ''] };
  const commands: Timed[] = [
    { label: 'node -e 0', command: NODE, args: ['-e', '0'] },
    floor,
    ...(hasKubectl ? [kubectl] : []),
    help,
    list,
    listWithExecPlugin,
    pluginAlone,
    complete,
  ];
  const measured = await measureInterleaved(commands, floorEnv, QUICK ? 5 : 21);
  printAgainstKubectl(measured, out);
  const medianOf = (timed: Timed) => measured[commands.indexOf(timed)]!.medianMs;
  const medians = {
    kubectl: hasKubectl ? medianOf(kubectl) : undefined,
    floor: medianOf(floor),
    help: medianOf(help),
    list: medianOf(list),
    listWithExecPlugin: medianOf(listWithExecPlugin),
    pluginAlone: medianOf(pluginAlone),
    complete: medianOf(complete),
  };
  for (const line of startupTargetLines(medians, NODE_MAJOR)) out(line);
}

async function largeSection({ sandbox, env, out }: Bench): Promise<void> {
  const count = QUICK ? 2000 : 10_000;
  out(`\nLarge list (${count.toLocaleString('en')} leases)`);
  await seedNumberedLeases(sandbox, 'bench-large', count, freshLease);
  const commands: Timed[] = [
    ...(hasKubectl ? [{ label: `kubectl get lease -n bench-large`, command: 'kubectl', args: ['get', 'lease', '-n', 'bench-large'] }] : []),
    { label: `leasectl list -n bench-large`, command: LEASECTL, args: ['list', '-n', 'bench-large'] },
  ];
  printAgainstKubectl(await measureInterleaved(commands, env, QUICK ? 3 : 7, 1), out);
}

async function holdSection({ env, out }: Bench): Promise<void> {
  out('\nhold');
  const acquireSamples: number[] = [];
  for (let i = 0; i < (QUICK ? 5 : 11); i++) {
    const started = Date.now();
    const { done } = runHold(env, ['-n', 'bench-hold', `acquire-${i}`], 'true');
    const result = await done;
    acquireSamples.push(result.childStartedAt - started);
  }
  out(`  start of hold to start of child, free lease        median ${median(acquireSamples).toFixed(1).padStart(7)} ms (n=${acquireSamples.length})`);

  // Handoff: a waiter is already watching when the holder releases; latency = waiter's child start − release event.
  const handoffs: number[] = [];
  const timing = ['--lease-duration', '15s', '--renew-deadline', '10s', '--retry-period', '2s'];
  for (let i = 0; i < (QUICK ? 5 : 20); i++) {
    const holder = runHold(env, ['-n', 'bench-hold', 'handoff', ...timing], 'sleep 0.6');
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 200));
    const waiter = runHold(env, ['-n', 'bench-hold', 'handoff', ...timing], 'true');
    const [first, second] = await Promise.all([holder.done, waiter.done]);
    const released = first.events.find((event) => event.event === 'released');
    if (!released || first.code !== 0 || second.code !== 0) throw new Error(`handoff run ${i} failed: ${JSON.stringify(first.events)}`);
    handoffs.push(second.childStartedAt - Date.parse(released.time));
  }
  out(`  handoff: release to next child's start             median ${median(handoffs).toFixed(1).padStart(7)} ms (n=${handoffs.length}, max ${Math.max(...handoffs).toFixed(0)} ms)`);

  const holdSeconds = QUICK ? 10 : 60;
  const idle = spawn(LEASECTL, ['hold', '-n', 'bench-hold', 'idle', '--', 'sleep', String(holdSeconds + 5)], { env, stdio: 'ignore' });
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 5000));
  const before = procStat(idle.pid!);
  const ticksPerSecond = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim() || 100);
  let peakRss = before.rssKiB;
  const sampleEvery = setInterval(() => (peakRss = Math.max(peakRss, procStat(idle.pid!).rssKiB)), 1000);
  await new Promise((resolvePromise) => setTimeout(resolvePromise, holdSeconds * 1000));
  clearInterval(sampleEvery);
  const after = procStat(idle.pid!);
  idle.kill('SIGTERM');
  const cpuPercent = ((after.cpuTicks - before.cpuTicks) / ticksPerSecond / holdSeconds) * 100;
  out(`  while holding for ${holdSeconds}s (renewing every 2s): CPU ${cpuPercent.toFixed(2)}% of a core, peak RSS ${(peakRss / 1024).toFixed(0)} MiB`);
}

async function gcSection({ sandbox, env, out }: Bench): Promise<void> {
  const gcCount = QUICK ? 500 : 2000;
  out(`\ngc of ${gcCount.toLocaleString('en')} expired leases`);
  const expired = (index: number): LeaseSpec => ({ holderIdentity: `gone-${index}`, leaseDurationSeconds: 15, renewTime: formatMicroTime(Date.now() - 2 * 3600_000) });
  await seedNumberedLeases(sandbox, 'bench-gc-leasectl', gcCount, expired);
  const gcStarted = performance.now();
  const gc = await timeOnce(LEASECTL, ['gc', '-n', 'bench-gc-leasectl'], env);
  const gcMs = performance.now() - gcStarted;
  if (gc.code !== 0) throw new Error(`leasectl gc exited ${gc.code}`);
  out(`  leasectl gc -n bench-gc-leasectl (${gcCount})                   ${gcMs.toFixed(0).padStart(7)} ms`);
  if (!hasKubectl) return;
  // kubectl throttles itself to 5 requests/s (client-go's default QPS, burst 10) and GETs each name after
  // deleting it, so 2,000 names take over ten minutes. By default it deletes a smaller set and the rate is
  // scaled up (the throttle makes it linear); BENCH_KUBECTL_GC_COUNT=2000 measures the whole set.
  const kubectlCount = Number(process.env.BENCH_KUBECTL_GC_COUNT ?? (QUICK ? 50 : 200));
  const names = await seedNumberedLeases(sandbox, 'bench-gc-kubectl', kubectlCount, expired);
  const kubectlStarted = performance.now();
  const deleted = await timeOnce('kubectl', ['delete', 'lease', '-n', 'bench-gc-kubectl', ...names], env);
  const kubectlMs = performance.now() - kubectlStarted;
  if (deleted.code !== 0) throw new Error(`kubectl delete exited ${deleted.code}`);
  const projectedMs = (kubectlMs / kubectlCount) * gcCount;
  out(`  kubectl delete lease NAME... (${kubectlCount} names, one call)      ${kubectlMs.toFixed(0).padStart(7)} ms`);
  out(`  → kubectl for ${gcCount} at that rate: ${(projectedMs / 1000).toFixed(0)} s; leasectl gc is ${(projectedMs / gcMs).toFixed(0)}x faster`);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? NaN;
}

const mib = (kib: number | undefined) => (kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(0)} MiB`);

/** list -A of 100,000 leases in 100 namespaces: pages stream through, so memory stays flat; kubectl holds its table. */
async function listAllSection({ sandbox, env, out }: Bench): Promise<void> {
  const namespaces = QUICK ? 20 : 100;
  const perNamespace = 1000;
  out(`\nlist -A of ${(namespaces * perNamespace).toLocaleString('en')} leases (${namespaces} namespaces), besides those other sections seeded`);
  for (let index = 0; index < namespaces; index++) {
    const namespace = `bench-all-${String(index).padStart(3, '0')}`;
    sandbox.createNamespace(namespace);
    await seedNumberedLeases(sandbox, namespace, perNamespace, freshLease);
  }
  // kubectl takes 30 s and more here (200 pages, throttled to 5 requests/s): few rounds, no warm-up.
  const commands: Timed[] = [
    ...(hasKubectl ? [{ label: 'kubectl get lease -A', command: 'kubectl', args: ['get', 'lease', '-A'] }] : []),
    { label: 'leasectl list -A', command: NODE, args: [LEASECTL, 'list', '-A'] },
  ];
  const measured = await measureInterleaved(commands, env, QUICK ? 1 : 2, 0);
  printAgainstKubectl(measured, out);
  const leasectl = measured.find((measurement) => measurement.label.startsWith('leasectl'))!;
  const kubectl = measured.find((measurement) => measurement.label.startsWith('kubectl'));
  const rssMet = leasectl.maxRssMiB === undefined || leasectl.maxRssMiB <= 120;
  out(`  target: peak RSS <= 120 MiB (${verdict(rssMet)})${kubectl ? `, time <= kubectl's (${verdict(leasectl.medianMs <= kubectl.medianMs)})` : ''}`);
}

/** gc of 20,000 expired leases, every one under confirmation at once (1 s lease durations keep the wait short). */
async function gcLargeSection({ sandbox, env, out, work }: Bench): Promise<void> {
  const count = QUICK ? 5000 : 20_000;
  const namespace = 'bench-gc-large';
  out(`\ngc of ${count.toLocaleString('en')} expired leases (leaseDurationSeconds 1: each confirmed for 1 s before its delete)`);
  sandbox.createNamespace(namespace);
  const expired = (index: number): LeaseSpec => ({ holderIdentity: `gone-${index}`, leaseDurationSeconds: 1, renewTime: formatMicroTime(Date.now() - 2 * 3600_000) });
  const names = await seedNumberedLeases(sandbox, namespace, count, expired);
  const printedFile = join(work, 'gc-large-names');
  const gc = await timeOnce(NODE, [LEASECTL, 'gc', '-n', namespace, '-o', 'name'], env, printedFile);
  if (gc.code !== 0) throw new Error(`leasectl gc -n ${namespace} exited ${gc.code}`);
  const printed = new Set(readFileSync(printedFile, 'utf8').split('\n').filter(Boolean));
  const notPrinted = names.filter((name) => !printed.has(`lease.coordination.k8s.io/${name}`)).length;
  const left = spawnSync(NODE, [LEASECTL, 'list', '-n', namespace, '-o', 'name'], { env, encoding: 'utf8' }).stdout.split('\n').filter(Boolean).length;
  out(`  leasectl gc -n ${namespace} -o name                   ${gc.ms.toFixed(0).padStart(7)} ms  max RSS ${mib(gc.maxRssKiB)}`);
  out(`  printed as deleted: ${printed.size} of ${count} (${notPrinted} not printed); left in the namespace: ${left}`);
  const accounted = printed.size === count && notPrinted === 0 && left === 0;
  const rssMet = gc.maxRssKiB === undefined || gc.maxRssKiB / 1024 <= 150;
  out(`  target: peak RSS <= 150 MiB (${verdict(rssMet)}), every lease accounted for (${verdict(accounted)})`);
}

/**
 * list -w while this process changes leases 100 times a second for a minute: every change must be printed, the
 * lag (from sending the change to reading its row) must not grow, nor the watcher's RSS.
 */
async function watchSection({ sandbox, env, out }: Bench): Promise<void> {
  const namespace = 'bench-watch';
  const leaseCount = 100;
  const perSecond = 100;
  const seconds = QUICK ? 15 : 60;
  const total = perSecond * seconds;
  out(`\nlist -w following ${perSecond} changes/s for ${seconds} s (${total.toLocaleString('en')} changes to ${leaseCount} leases)`);
  sandbox.createNamespace(namespace);
  const names = await seedNumberedLeases(sandbox, namespace, leaseCount, freshLease);

  const watcher = spawn(NODE, [LEASECTL, 'list', '-w', '-n', namespace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  watcher.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const sentAt: number[] = [];
  const lagAt: { at: number; lag: number }[] = [];
  const seen = new Set<number>();
  let listed = 0;
  let started = 0;
  let startWriting!: () => void;
  const listingPrinted = new Promise<void>((resolvePromise) => (startWriting = resolvePromise));
  let pending = '';
  watcher.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const now = performance.now();
    const lines = (pending + chunk).split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const seq = /\bw-(\d+)\b/.exec(line)?.[1];
      if (seq === undefined) {
        if (line.startsWith('lease-') && ++listed === leaseCount) startWriting();
        continue;
      }
      seen.add(Number(seq));
      lagAt.push({ at: now - started, lag: now - sentAt[Number(seq)]! });
    }
  });
  await listingPrinted;
  await new Promise((resolvePromise) => setTimeout(resolvePromise, 500)); // the watch is open once the listing is out

  const rssSamples: { at: number; kib: number }[] = [];
  const sampler = setInterval(() => rssSamples.push({ at: performance.now() - started, kib: procStat(watcher.pid!).rssKiB }), 1000);
  const writer = sandboxWriter(sandbox);
  const writes: Promise<void>[] = [];
  started = performance.now();
  for (let seq = 0; seq < total; ) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * perSecond) + 1);
    for (; seq < due; seq++) {
      sentAt[seq] = performance.now();
      const patch = { spec: { holderIdentity: `w-${seq}`, renewTime: formatMicroTime(Date.now()) } };
      writes.push(writer.send('PATCH', `${leasesPath(namespace)}/${names[seq % leaseCount]}`, patch, 200, 'application/merge-patch+json'));
    }
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 5));
  }
  await Promise.all(writes);
  const writtenIn = (performance.now() - started) / 1000;
  for (let waited = 0; seen.size < total && waited < 10_000; waited += 100) await new Promise((resolvePromise) => setTimeout(resolvePromise, 100));
  clearInterval(sampler);
  writer.close();
  watcher.kill('SIGINT');
  const code = await new Promise<number | null>((resolvePromise) => (watcher.exitCode !== null ? resolvePromise(watcher.exitCode) : watcher.on('exit', resolvePromise)));

  const lags = lagAt.map((sample) => sample.lag);
  const window = (from: number, to: number) => lagAt.filter((sample) => sample.at >= from * 1000 && sample.at < to * 1000).map((sample) => sample.lag);
  const firstLags = window(0, 10);
  const lastLags = window(seconds - 10, seconds + 10);
  const rssIn = (from: number, to: number) => Math.max(0, ...rssSamples.filter((sample) => sample.at >= from * 1000 && sample.at < to * 1000).map((sample) => sample.kib));
  const rssEarly = rssIn(5, 15);
  const rssLate = rssIn(seconds - 10, seconds + 1);
  out(`  written: ${total} in ${writtenIn.toFixed(1)} s (${(total / writtenIn).toFixed(0)}/s); printed: ${seen.size} (${total - seen.size} missing); watcher exit ${code}${stderr.trim() ? `, stderr: ${stderr.trim()}` : ''}`);
  out(`  lag, send to row read: median ${median(lags).toFixed(1)} ms, p99 ${percentile(lags, 0.99).toFixed(1)} ms, max ${Math.max(...lags).toFixed(0)} ms`);
  out(`  lag median, first 10 s ${median(firstLags).toFixed(1)} ms, last 10 s ${median(lastLags).toFixed(1)} ms`);
  out(`  watcher RSS: peak ${mib(Math.max(...rssSamples.map((sample) => sample.kib)))}, peak in 5-15 s ${mib(rssEarly)}, in the last 10 s ${mib(rssLate)}`);
  const allPrinted = seen.size === total && code === 0 && stderr.trim() === '';
  const keptUp = percentile(lastLags, 0.5) <= Math.max(2 * percentile(firstLags, 0.5), 50) && Math.max(...lags) < 1000;
  const flat = rssLate <= rssEarly * 1.1;
  out(`  target: every change printed (${verdict(allPrinted)}), lag bounded (${verdict(keptUp)}), RSS not growing (${verdict(flat)})`);
}

const SECTION_RUNNERS: Record<(typeof SECTIONS)[number], (bench: Bench) => Promise<void>> = {
  startup: startupSection,
  large: largeSection,
  hold: holdSection,
  gc: gcSection,
  'list-all': listAllSection,
  'gc-large': gcLargeSection,
  watch: watchSection,
};

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'leasectl-bench-'));
  const sandbox = await startSandbox({ namespaces: ['bench-small', 'bench-large', 'bench-hold', 'bench-gc-leasectl', 'bench-gc-kubectl'] });
  const kubeconfig = await sandbox.writeKubeconfig(join(work, 'kubeconfig'));
  const bench: Bench = { sandbox, work, env: { ...process.env, KUBECONFIG: kubeconfig, NO_COLOR: '1' }, out: (line = '') => process.stdout.write(`${line}\n`) };
  try {
    bench.out(`leasectl benchmark — ${new Date().toISOString()} — node ${NODE_VERSION}, ${hasKubectl ? 'kubectl found' : 'kubectl MISSING (kubectl rows skipped)'}${hasTime ? '' : ', /usr/bin/time missing (no RSS)'}`);
    bench.out(`machine: ${readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? 'unknown CPU'}, ${spawnSync('nproc').stdout?.toString().trim()} CPUs, load ${loadavg()[0]!.toFixed(2)}`);
    // Node 20 reads and parses the whole file at every start, before any script runs (90 ms for Debian's bundle on
    // this kind of machine): every Node row pays it, kubectl's does not.
    if (process.env.NODE_EXTRA_CA_CERTS) bench.out(`NODE_EXTRA_CA_CERTS is set (${process.env.NODE_EXTRA_CA_CERTS}): on Node 20 every node start below pays for reading it`);
    for (const section of SECTIONS) if (wanted(section)) await SECTION_RUNNERS[section](bench);
  } finally {
    await sandbox.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
