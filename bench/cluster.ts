// `npm run bench -- --cluster`: the same folder three ways, one after another: a local job on one node, the same
// job through the queue on one node, and through the queue on two nodes — each node with one engine worker.
// Prints the two-node speed-up and the queue's overhead; never fails on timing.
import { join } from 'node:path';
import type { Job } from '../server/contract/jobs';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NodeProc } from '../server/testkit/cluster';
import type { BenchDataset } from './dataset';

interface Phase {
  label: string;
  seconds: number;
  imagesPerS: number;
}

async function timeJob(owner: NodeProc, folder: string, files: number): Promise<number> {
  const started = performance.now();
  const job = await postJson<Job>(`${owner.url}/v1/jobs`, { path: folder, recursive: true });
  const end = await until('bench job', 30 * 60_000, async () => {
    const j = await getJson<Job>(`${owner.url}/v1/jobs/${job.id}`);
    return j.state === 'done' || j.state === 'failed' ? j : undefined;
  });
  if (end.done + end.failed !== files) throw new Error(`job finished ${end.done + end.failed} of ${files} files`);
  return (performance.now() - started) / 1000;
}

export async function clusterBench(dataset: BenchDataset, say: (m: string) => void): Promise<string[]> {
  const files = dataset.files.length;
  const tmp = tempRoot('hearth-bench-cluster-');
  const phases: Phase[] = [];
  const phase = (label: string, seconds: number): void => {
    phases.push({ label, seconds, imagesPerS: files / seconds });
    say(`  → ${(files / seconds).toFixed(2)} img/s`);
  };
  // Long AckWait: a busy bench machine must not make items look lost.
  const cluster = { ackWaitMs: 120_000, heartbeatMs: 1_000, downAfterMs: 4_000 };
  const nodes: NodeProc[] = [];
  const nats = await startNats(tmp.root);
  try {
    say('one node, local job…');
    const local = await startNode({ name: 'local', dataDir: join(tmp.root, 'local') });
    nodes.push(local);
    phase('1 node, local job', await timeJob(local, dataset.dir, files));
    await killNode(local, 'SIGTERM');

    say('one node, through the queue…');
    const q1 = await startNode({ name: 'q1', dataDir: join(tmp.root, 'q1'), natsUrl: nats.url, cluster });
    nodes.push(q1);
    phase('1 node, queue', await timeJob(q1, dataset.dir, files));
    await killNode(q1, 'SIGTERM');

    say('two nodes, through the queue…');
    const [a, b] = await Promise.all([
      startNode({ name: 'q2a', dataDir: join(tmp.root, 'q2a'), natsUrl: nats.url, cluster }),
      startNode({ name: 'q2b', dataDir: join(tmp.root, 'q2b'), natsUrl: nats.url, cluster }),
    ]);
    nodes.push(a, b);
    phase('2 nodes, queue', await timeJob(a, dataset.dir, files));
  } finally {
    await Promise.all(nodes.map((n) => killNode(n)));
    await nats.stop();
    tmp.cleanup();
  }
  const [local, q1, q2] = phases;
  const speedUp = q2.imagesPerS / q1.imagesPerS;
  const overhead = q1.seconds / local.seconds - 1;
  return [
    `cluster bench: ${files} images, each node with 1 engine worker, timed from job creation to done`,
    ...phases.map((p) => `  ${p.label.padEnd(20)} ${p.seconds.toFixed(2).padStart(8)} s ${p.imagesPerS.toFixed(2).padStart(8)} img/s`),
    `  two nodes vs one through the queue: ${speedUp.toFixed(2)}× (target ≥ 1.7×)`,
    `  queue overhead vs a local job on one node: ${(overhead * 100).toFixed(1)} % (target ≤ 15 %)`,
  ];
}
