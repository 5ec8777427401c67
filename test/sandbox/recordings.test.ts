// The sandbox held to the record: every exchange recorded from kube-apiserver v1.26.1
// (apiserver-recordings/, beside this file) is replayed, in order, against one fresh sandbox, and its status and body
// are compared byte for byte once the values that vary from run to run are normalised. What still differs is listed
// in `knownDifferences` with the reason (the same list is in docs/sandbox-fidelity.md), and a test fails when a
// listed difference disappears, so the list cannot go stale.

import { readdirSync, readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '@leasectl/sandbox';

interface Recording {
  file: string;
  number: number;
  title: string;
  request: {
    method: string;
    path: string;
    /** How a path too long to record was made. */
    path_recipe?: string;
    headers: Record<string, string>;
    body: unknown;
  };
  response: { status: number; body?: string; json?: unknown; events?: string[]; end?: { how: string; after_ms: number } };
  triggers?: { method: string; path: string; body: unknown }[];
}

/** Differences from kube-apiserver v1.26.1 that stay, each with why. Keep in step with docs/sandbox-fidelity.md. */
const knownDifferences: Record<number, string> = {
  4: 'the sandbox serves one API group (coordination.k8s.io); the real server lists 19',
  10: 'the rig\'s ClusterRole view was empty (no controller-manager aggregates it); the sandbox\'s viewer may read namespaces',
  16: 'no YAML answers: Accept application/yaml gets 406',
  26: 'the continue-token error does not name the byte the JSON decoder choked on',
  27: 'a resourceVersion=0 list comes whole, as from the watch cache, but in key order; the watch cache answers in its hash map\'s order',
  33: 'managedFields leave out f:generateName',
  47: 'a JSON patch that replaces a missing path is a 422; v1.26 adds the field',
  70: 'with the CoordinatedLeaderElection gate off, Strict field validation drops spec.strategy and spec.preferredHolder instead of rejecting them as unknown',
  75: 'Strict field validation does not detect duplicate fields',
  79: 'a body of another kind is refused in other words (apiVersion mismatch, not an unknown conversion)',
  99: 'etcd\'s limits are met, but the size quoted is of the sandbox\'s stored JSON, not of the gRPC message kube-apiserver sends etcd',
  101: 'etcd\'s limits are met, but the size quoted is of the sandbox\'s stored JSON, not of the gRPC message kube-apiserver sends etcd',
  112: 'the sandbox has a garbage collector, the rig had none: a Foreground delete completes at once, so the lease is gone',
  113: 'the sandbox has a garbage collector, the rig had none: a Foreground delete completes at once, so the lease is gone',
  114: 'the sandbox has a garbage collector, the rig had none: a Foreground delete completes at once, so the lease is gone',
  120: 'a watch without resourceVersion sends its ADDED events in key order; the watch cache sends them in its hash map\'s order',
  133: 'the list holds what earlier differences left: v-strategy-strict (070) and v-dup-strict (075), which the real server refused, gen-\'s managedFields without f:generateName (033), and big-annotation, which the recorder deleted without recording it',
  135: 'the sandbox has a namespace controller, the rig had none: a deleted namespace is gone at once (404), not Terminating (403)',
};

/** Exchanges not replayed, with why. */
const notReplayed: Record<number, string> = {
  124: 'waits a minute for the apiserver\'s bookmark rhythm; the sandbox\'s rhythm is an option (bookmarkIntervalMs)',
};

// A copy of shared/reference/apiserver-recordings (its README says what varies from run to run).
const recordingsDir = resolve(import.meta.dirname, 'apiserver-recordings');

function loadRecordings(dir: string): Recording[] {
  return readdirSync(dir)
    .filter((file) => /^\d{3}-.*\.json$/.test(file))
    .sort()
    .map((file) => ({ file, number: Number(file.slice(0, 3)), ...JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

const recordings = loadRecordings(recordingsDir);
const recordedNamespace = 'rec-7nln2j';
/** The recorder's own requests, recorded or not, name it as their field manager. */
const recorderUserAgent = 'apiserver-recorder/1.0 (python http.client)';

/** `<<ELIDED N chars: 'x' * N>>` back to the N characters the recorder sent. */
const expandElided = (text: string) => text.replace(/<<ELIDED (\d+) chars: '(.)' \* \d+>>/g, (_, count: string, char: string) => char.repeat(Number(count)));

/** Runs of 4 KiB or more of one character, written the way the recorder elided them. */
const elideLongRuns = (text: string) => text.replace(/(.)\1{4095,}/g, (run: string, char: string) => `<<ELIDED ${run.length} chars: '${char}' * ${run.length}>>`);

/** A path as sent: long runs expanded, and the one long set selector (104) rebuilt from its recipe. */
function sentPath(recording: Recording): string {
  const { path, path_recipe: recipe } = recording.request;
  const set = recipe === undefined ? null : /'a in \(' \+ ','\.join\('v%05d' % i for i in range\((\d+)\)\)/.exec(recipe);
  if (!set) return expandElided(path);
  const values = Array.from({ length: Number(set[1]) }, (_, i) => `v${String(i).padStart(5, '0')}`);
  return `${path.slice(0, path.indexOf('?'))}?labelSelector=${encodeURIComponent(`a in (${values.join(',')})`)}`;
}

/**
 * Replaces what varies from run to run: uids, resourceVersions (also inside messages), continue tokens,
 * timestamps with one-second precision, generated-name suffixes, the Table's Age cell and /version's buildDate.
 */
function normalise(text: string): string {
  return elideLongRuns(text)
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UID')
    .replace(/("resourceVersion":\s*)"\d+"/g, '$1"RV"')
    .replace(/("continue":\s*)"[^"]+"/g, '$1"CONTINUE"')
    .replace(/("(?:creationTimestamp|deletionTimestamp|time)":\s*)"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"/g, '$1"TIME"')
    .replace(/("buildDate":\s*)"[^"]*"/g, '$1"BUILD-DATE"')
    .replace(/("serverAddress":\s*)"127\.0\.0\.1:\d+"/g, '$1"127.0.0.1:PORT"')
    .replace(/\bgen-[a-z0-9]{5}\b/g, 'gen-XXXXX')
    .replace(/("cells":\s*\[\s*"[^"]*",\s*"[^"]*",\s*)"[^"]*"/g, '$1"AGE"')
    .replace(/(ResourceVersion in record \()\d+/g, '$1RV')
    .replace(/(too old resource version: \d+ \()\d+/g, '$1RV');
}

interface Outcome {
  status: number;
  body: string;
  /** Watches: the lines received. */
  events?: string[];
}

/** Recorded values (uids, resourceVersions, continue tokens) → the sandbox's, paired where both answers hold them. */
class ValueMap {
  private readonly values = new Map<string, string>();

  pair(recorded: unknown, actual: unknown): void {
    if (typeof recorded === 'string' && typeof actual === 'string') {
      const recordedUids = recorded.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
      const actualUids = actual.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? [];
      recordedUids.forEach((uid, i) => actualUids[i] !== undefined && this.values.set(uid, actualUids[i]!));
      const recordedRv = /ResourceVersion in record \((\d+)\)/.exec(recorded);
      const actualRv = /ResourceVersion in record \((\d+)\)/.exec(actual);
      if (recordedRv && actualRv) this.values.set(recordedRv[1]!, actualRv[1]!);
      return;
    }
    if (typeof recorded !== 'object' || recorded === null || typeof actual !== 'object' || actual === null) return;
    for (const [key, value] of Object.entries(recorded)) {
      const other = (actual as Record<string, unknown>)[key];
      if ((key === 'uid' || key === 'resourceVersion' || key === 'continue') && typeof value === 'string' && typeof other === 'string') {
        this.values.set(value, other);
      } else {
        this.pair(value, other);
      }
    }
  }

  set(recorded: string, actual: string): void {
    this.values.set(recorded, actual);
  }

  has(recorded: string): boolean {
    return this.values.has(recorded);
  }

  /** Every recorded value in `text` replaced by the sandbox's. */
  translate(text: string): string {
    let result = text;
    for (const [recorded, actual] of this.values) {
      if (recorded.length < 3) continue; // a small resourceVersion ("1", "2") is a literal of the request
      result = result.split(recorded).join(actual);
    }
    return result;
  }
}

/** The Lease a setup step creates where the recorder made requests it did not record. */
interface UnrecordedLease {
  name: string;
  labels: Record<string, string>;
  spec: Record<string, unknown>;
  /** Recorded values of this lease that only a later request shows. */
  recorded?: { uid?: string; resourceVersion?: string };
}

const run = { 'rec-run': recordedNamespace };
/** Leases made before the recording with this number, as each file's note says. */
const unrecordedSetup: Record<number, UnrecordedLease[]> = {
  20: [2, 3, 4, 5].map((n) => ({ name: `page-${n}`, labels: { ...run, set: 'paging' }, spec: { holderIdentity: `p${n}` } })),
  106: [
    { name: 'del-plain', labels: run, spec: { holderIdentity: 'del-plain' }, recorded: { uid: 'cc0cd1f3-7968-47de-a0ac-07a9368fab8d' } },
    { name: 'del-pre-uid', labels: run, spec: { holderIdentity: 'del-pre-uid' }, recorded: { uid: '2bba8047-328f-4210-b929-e03965470f0d', resourceVersion: '28313' } },
    { name: 'del-pre-rv', labels: run, spec: { holderIdentity: 'del-pre-rv' } },
    { name: 'del-bg', labels: run, spec: { holderIdentity: 'del-bg' } },
    { name: 'del-fg', labels: run, spec: { holderIdentity: 'del-fg' } },
    { name: 'del-orphan', labels: run, spec: { holderIdentity: 'del-orphan' } },
  ],
  121: [{ name: 'w-single', labels: run, spec: { holderIdentity: 's' } }],
  125: [1, 2, 3].map((n) => ({ name: `cmp-${n}`, labels: run, spec: { holderIdentity: `c${n}` } })),
};
/** Merge patches made after the recording with this number (before the recorder's etcd compaction). */
const unrecordedPatches: Record<number, { name: string; spec: Record<string, unknown> }[]> = {
  125: [{ name: 'cmp-1', spec: { holderIdentity: 'c1-b' } }, { name: 'cmp-2', spec: { holderIdentity: 'c2-b' } }],
};
/** The recorder compacted etcd by hand (`etcdctl compact`) after the recording with this number, its README says. */
const unrecordedCompactionAfter = 125;

class Replayer {
  readonly map = new ValueMap();

  constructor(private readonly sandbox: Sandbox) {}

  private token(who: string): string | undefined {
    if (who === 'admin') return this.sandbox.tokens.admin;
    if (who === 'viewer') return this.sandbox.tokens.readOnly;
    if (who === 'bad') return 'not-a-token-the-server-knows';
    return undefined;
  }

  /** Sends one request exactly as given; a watch is read until it ends or `watchFor` decides. */
  send(method: string, path: string, headers: Record<string, string>, body: string | undefined, watchFor?: (lines: string[], ended: () => boolean) => Promise<void>): Promise<Outcome> {
    const url = new URL(this.sandbox.url);
    const sent = { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) };
    return new Promise((resolvePromise) => {
      const req = httpsRequest({ host: url.hostname, port: url.port, method, path, ca: this.sandbox.caPem, agent: false, headers: sent }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        const lines: string[] = [];
        let pending = '';
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          if (!watchFor) return;
          pending += chunk.toString('utf8');
          let newline;
          while ((newline = pending.indexOf('\n')) >= 0) {
            lines.push(pending.slice(0, newline + 1));
            pending = pending.slice(newline + 1);
          }
        });
        let ended = false;
        const finish = () => {
          ended = true;
          resolvePromise({ status, body: Buffer.concat(chunks).toString('utf8'), ...(watchFor ? { events: lines } : {}) });
        };
        res.on('end', finish);
        res.on('error', finish);
        if (watchFor && status === 200) {
          void watchFor(lines, () => ended).then(() => {
            req.destroy();
            finish();
          });
        }
      });
      req.on('error', (error) => resolvePromise({ status: 0, body: `connection failed: ${error.message}` }));
      req.end(body);
    });
  }

  async admin(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Outcome> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = { 'User-Agent': recorderUserAgent, Authorization: `Bearer ${this.sandbox.tokens.admin}`, Accept: 'application/json' };
    return this.send(method, path, { ...headers, ...(text ? { 'Content-Type': contentType } : {}) }, text);
  }

  private async currentResourceVersion(): Promise<string> {
    const list = await this.admin('GET', `/apis/coordination.k8s.io/v1/namespaces/${recordedNamespace}/leases?limit=1`);
    return JSON.parse(list.body).metadata.resourceVersion;
  }

  async setUp(number: number): Promise<void> {
    for (const lease of unrecordedSetup[number] ?? []) {
      const created = await this.admin('POST', `/apis/coordination.k8s.io/v1/namespaces/${recordedNamespace}/leases`, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: lease.name, labels: lease.labels }, spec: lease.spec,
      });
      const metadata = JSON.parse(created.body).metadata;
      if (lease.recorded?.uid) this.map.set(lease.recorded.uid, metadata.uid);
      if (lease.recorded?.resourceVersion) this.map.set(lease.recorded.resourceVersion, metadata.resourceVersion);
    }
  }

  async afterwards(number: number): Promise<void> {
    for (const patch of unrecordedPatches[number] ?? []) {
      await this.admin('PATCH', `/apis/coordination.k8s.io/v1/namespaces/${recordedNamespace}/leases/${patch.name}`, { spec: patch.spec }, 'application/merge-patch+json');
    }
    if (number === unrecordedCompactionAfter) this.sandbox.compact({ watchCache: false });
  }

  async replay(recording: Recording): Promise<Outcome> {
    const { request } = recording;
    let path = this.map.translate(sentPath(recording));
    // A watch from "now": the recorder had read the current resourceVersion with a request it did not record.
    const watchFrom = /[?&]watch=1.*[?&]resourceVersion=(\d{3,})/.exec(path);
    if (watchFrom && !this.map.has(watchFrom[1]!)) {
      path = path.replace(`resourceVersion=${watchFrom[1]}`, `resourceVersion=${await this.currentResourceVersion()}`);
    }
    const headers: Record<string, string> = {};
    for (const name of ['User-Agent', 'Accept', 'Content-Type']) if (request.headers[name] !== undefined) headers[name] = request.headers[name]!;
    const token = this.token(request.headers.Authorization ?? 'none');
    if (token) headers.Authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (typeof request.body === 'string') body = this.map.translate(request.body);
    else if (request.body !== null && request.body !== undefined) body = this.map.translate(expandElided(JSON.stringify(request.body)));

    if (recording.response.events === undefined) return this.send(request.method, path, headers, body);
    const expected = recording.response.events.length;
    const end = recording.response.end!;
    const serverEnds = end.how.startsWith('server');
    const watchFor = async (lines: string[], ended: () => boolean) => {
      for (const trigger of recording.triggers ?? []) {
        await this.admin(trigger.method, trigger.path, trigger.body ?? undefined, trigger.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json');
      }
      // A stream the server ended gets as long as it took the real one and a margin; one the recorder closed, until
      // its lines are in, and a moment more for any line the real server did not send.
      const deadline = Date.now() + (serverEnds ? end.after_ms + 3000 : 2000);
      while (Date.now() < deadline && !ended() && (serverEnds || lines.length < expected)) await new Promise((r) => setTimeout(r, 20));
      if (!serverEnds) await new Promise((r) => setTimeout(r, 200));
    };
    return this.send(request.method, path, headers, body, watchFor);
  }
}

describe('docs/sandbox-fidelity.md', () => {
  it('lists the same differences and unreplayed exchanges as this test, with the same reasons', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/sandbox-fidelity.md'), 'utf8');
    const rows = (heading: string) => {
      const section = doc.slice(doc.indexOf(heading));
      const table = section.slice(0, section.indexOf('\n\n', section.indexOf('| ---')) + 1 || undefined);
      return Object.fromEntries([...table.matchAll(/^\| (\d{3}) \| (.*) \|$/gm)].map(([, n, reason]) => [Number(n), reason]));
    };
    expect(rows('## Differences that stay')).toEqual(knownDifferences);
    expect(rows('## Not replayed')).toEqual(notReplayed);
  });
});

describe('the sandbox replays kube-apiserver v1.26.1\'s recorded exchanges', () => {
  let sandbox: Sandbox;
  const outcomes = new Map<number, Outcome>();

  beforeAll(async () => {
    sandbox = await startSandbox();
    const replayer = new Replayer(sandbox);
    for (const recording of recordings) {
      if (notReplayed[recording.number]) continue;
      await replayer.setUp(recording.number);
      const outcome = await replayer.replay(recording);
      outcomes.set(recording.number, outcome);
      replayer.map.pair(recording.response.json, outcome.body.startsWith('{') ? safeParse(outcome.body) : undefined);
      recording.response.events?.forEach((line, i) => outcome.events?.[i] && replayer.map.pair(JSON.parse(line), JSON.parse(outcome.events[i]!)));
      await replayer.afterwards(recording.number);
    }
  }, 120_000);
  afterAll(async () => {
    await sandbox?.stop();
  });

  const answered = (recording: Recording) => {
    const outcome = outcomes.get(recording.number)!;
    return {
      status: outcome.status,
      body: recording.response.events ? (outcome.events ?? []).map(normalise) : normalise(outcome.body),
    };
  };
  const recorded = (recording: Recording) => ({
    status: recording.response.status,
    body: recording.response.events ? recording.response.events.map(normalise) : normalise(recording.response.body ?? ''),
  });

  for (const recording of recordings) {
    if (notReplayed[recording.number]) continue;
    const reason = knownDifferences[recording.number];
    if (reason === undefined) {
      it(`${recording.file}: ${recording.title}`, () => {
        expect(answered(recording)).toEqual(recorded(recording));
      });
    } else {
      it(`${recording.file} still differs, as listed: ${reason}`, () => {
        expect(answered(recording)).not.toEqual(recorded(recording));
      });
    }
  }
});

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
