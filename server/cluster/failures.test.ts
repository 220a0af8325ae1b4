// The failures a cluster must survive, each with real processes: a worker or the owner killed mid-job, the NATS
// server restarted mid-job, a file that kills every worker that opens it, a node leaving with SIGTERM.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterResponse } from '../contract/cluster';
import type { Job, JobItemsPage } from '../contract/jobs';
import { makeImageFolder } from '../testkit/imageFolder';
import { sha256Hex } from '../sha256';
import {
  getJson,
  killNode,
  postJson,
  startNats,
  startNode,
  tempRoot,
  until,
  type NatsServer,
  type NodeProc,
  type NodeOptions,
} from '../testkit/cluster';

// Enough that a blow struck after the first files lands while most are still to do, on a fast machine too.
const FILES = 40;

interface Scene {
  root: string;
  nats: NatsServer;
  folder: string;
  nodes: NodeProc[];
  node(name: string, extra?: Partial<NodeOptions>): Promise<NodeProc>;
}

let cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  cleanups = [];
});

async function scene(prefix: string): Promise<Scene> {
  const tmp = tempRoot(`hearth-${prefix}-`);
  const nats = await startNats(tmp.root);
  const folder = join(tmp.root, 'scans');
  await makeImageFolder(folder, FILES);
  const s: Scene = {
    root: tmp.root,
    nats,
    folder,
    nodes: [],
    async node(name, extra) {
      const n = await startNode({ name, dataDir: join(tmp.root, name), natsUrl: nats.url, ...extra });
      s.nodes.push(n);
      return n;
    },
  };
  cleanups.push(async () => {
    await Promise.all(s.nodes.map((n) => killNode(n)));
    await nats.stop();
    tmp.cleanup();
  });
  return s;
}

const jobOf = (n: NodeProc, id: string): Promise<Job> => getJson<Job>(`${n.url}/v1/jobs/${id}`);

async function settled(n: NodeProc, id: string, timeoutMs = 120_000): Promise<Job> {
  return until('job settled', timeoutMs, async () => {
    const j = await jobOf(n, id);
    return ['done', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
  });
}

/** Every file of the folder once in the owner's store: exact counts and one export row per file. */
async function expectEveryFileOnce(n: NodeProc, job: Job): Promise<void> {
  const rows = (await (await fetch(`${n.url}/v1/jobs/${job.id}/export?format=jsonl`)).text()).trim().split('\n');
  const files = rows.map((l) => (JSON.parse(l) as { file: string }).file);
  expect(files.length).toBe(FILES);
  expect(new Set(files).size).toBe(FILES);
  const results = await getJson<{ total: number }>(`${n.url}/v1/results?limit=1`);
  expect(results.total).toBe(job.done);
}

async function startedJob(owner: NodeProc, folder: string): Promise<Job> {
  return postJson<Job>(`${owner.url}/v1/jobs`, { path: folder, recursive: true });
}

/** Waits until the job has at least `n` files finished (so the next blow lands mid-job). */
async function atLeastDone(owner: NodeProc, id: string, n: number): Promise<Job> {
  return until(`${n} files done`, 60_000, async () => {
    const j = await jobOf(owner, id);
    return j.done + j.failed >= n ? j : undefined;
  });
}

describe('cluster failures', () => {
  it('a worker killed with -9 mid-job: its items go to the others, every file exactly once', async () => {
    const s = await scene('kill-worker');
    const [owner, worker] = await Promise.all([s.node('owner'), s.node('worker')]);
    const job = await startedJob(owner, s.folder);
    await atLeastDone(owner, job.id, 2);
    await killNode(worker);
    const mid = await jobOf(owner, job.id);
    expect(mid.done).toBeLessThan(FILES);
    const end = await settled(owner, job.id);
    expect({ state: end.state, done: end.done, failed: end.failed }).toEqual({ state: 'done', done: FILES, failed: 0 });
    await expectEveryFileOnce(owner, end);
  }, 180_000);

  it('the owner killed with -9 mid-job: after a restart it collects what the others did, nothing lost', async () => {
    const s = await scene('kill-owner');
    const [owner, worker] = await Promise.all([s.node('owner'), s.node('worker')]);
    const job = await startedJob(owner, s.folder);
    await atLeastDone(owner, job.id, 2);
    await killNode(owner);
    // The worker goes on with the owner's items meanwhile; their results wait on the owner's results subject.
    await until('the queue emptied by the worker', 60_000, async () => {
      const v = await getJson<ClusterResponse>(`${worker.url}/v1/cluster`);
      return v.queues?.bulk.pending === 0 && v.queues.bulk.inFlight === 0 ? true : undefined;
    });
    const again = await s.node('owner');
    const end = await settled(again, job.id);
    expect({ state: end.state, done: end.done, failed: end.failed }).toEqual({ state: 'done', done: FILES, failed: 0 });
    await expectEveryFileOnce(again, end);
  }, 180_000);

  it('the NATS server restarted mid-job: nodes reconnect on their own, say so, and the job completes', async () => {
    const s = await scene('nats-restart');
    const [owner, worker] = await Promise.all([s.node('owner'), s.node('worker')]);
    const job = await startedJob(owner, s.folder);
    await atLeastDone(owner, job.id, 2);
    await s.nats.kill();
    // The Cluster view says so while the server is away, and keeps answering.
    const away = await until('the owner reports the link down', 10_000, async () => {
      const v = await getJson<ClusterResponse>(`${owner.url}/v1/cluster`);
      return v.connected === false ? v : undefined;
    });
    expect(away.nodes.find((n) => n.name === 'owner')?.status).toBe('up');
    await s.nats.start();
    const end = await settled(owner, job.id);
    expect({ state: end.state, done: end.done, failed: end.failed }).toEqual({ state: 'done', done: FILES, failed: 0 });
    await expectEveryFileOnce(owner, end);
    expect((await getJson<ClusterResponse>(`${owner.url}/v1/cluster`)).connected).toBe(true);
    // Each node follows the heartbeats again: both are up on fresh beats, long after any from before the restart.
    await new Promise((r) => setTimeout(r, 3_000));
    const after = await getJson<ClusterResponse>(`${owner.url}/v1/cluster`);
    expect(after.nodes.map((n) => [n.name, n.status, (n.lastSeenMs ?? Infinity) < 1_500])).toEqual([
      ['owner', 'up', true],
      ['worker', 'up', true],
    ]);
    for (const n of [owner, worker]) {
      expect(n.log()).toContain('lost the connection to the NATS server');
      expect(n.log()).toContain('reconnected to the NATS server');
    }
  }, 180_000);

  it('a file that kills every worker that opens it ends as a per-file error after maxDeliver tries', async () => {
    const s = await scene('poison');
    const poison = readFileSync(join(s.folder, 'img-000.png'));
    const env = { HEARTH_FAULT_KILL_ON_SHA256: sha256Hex(poison) };
    const [owner] = await Promise.all([s.node('owner', { env }), s.node('worker', { env })]);
    const job = await startedJob(owner, s.folder);
    // A supervisor's part: start again whatever node the poison took down.
    let current = owner;
    const deaths: string[] = [];
    let supervising = true;
    const supervise = (async () => {
      while (supervising) {
        for (const n of [...s.nodes]) {
          if (n.child.exitCode === null && n.child.signalCode === null) continue;
          s.nodes.splice(s.nodes.indexOf(n), 1);
          deaths.push(n.name);
          const back = await s.node(n.name, { env });
          if (n.name === 'owner') current = back;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const end = await until('poison job settled', 150_000, async () => {
        const j = await jobOf(current, job.id).catch(() => undefined);
        return j && j.state === 'done' ? j : undefined;
      });
      expect({ done: end.done, failed: end.failed }).toEqual({ done: FILES - 1, failed: 1 });
      const failed = await getJson<JobItemsPage>(`${current.url}/v1/jobs/${job.id}/items?state=failed`);
      expect(failed.items.map((i) => [i.file, i.error?.code])).toEqual([['img-000.png', 'worker_crashed']]);
      // maxDeliver is 2 in the test config: two workers died, the third delivery became the error.
      expect(deaths.length).toBe(2);
    } finally {
      supervising = false;
      await supervise;
    }
  }, 240_000);

  it('a node leaving with SIGTERM finishes or hands back its in-flight items and exits 0', async () => {
    const s = await scene('drain');
    const [owner, worker] = await Promise.all([s.node('owner'), s.node('worker')]);
    const job = await startedJob(owner, s.folder);
    await atLeastDone(owner, job.id, 2);
    const code = await killNode(worker, 'SIGTERM');
    expect(code).toBe(0);
    expect(worker.log()).toMatch(/"msg":"left the work queue","finished":\d+,"returned":\d+/);
    const end = await settled(owner, job.id);
    expect({ state: end.state, done: end.done, failed: end.failed }).toEqual({ state: 'done', done: FILES, failed: 0 });
    await expectEveryFileOnce(owner, end);
  }, 180_000);
});
