// `npm run bench -- --cluster`: the same folder four ways, one after another: a local job on one node, the same
// job through the queue on one node, through the queue on two nodes, and — the machine's own ceiling for two
// nodes — a local job on each of two standalone nodes at once, with no queue between them. Each node has one
// engine worker of one ONNX thread and, where the machine has the cores and Linux's taskset, a core of its own
// (node 1 on CPU 0, node 2 on CPU 1): one node is then what a one-core machine does, and two nodes what two such
// machines do, instead of one node spilling its HTTP, store and queue work onto the core a second node needs.
// Prints the two-node speed-up, the queue's overhead, how near two nodes come to that ceiling, and the machine's
// load after each phase, best of a few rounds; never fails on timing.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import type { Job } from '../server/contract/jobs';
import { getJson, killNode, postJson, startNats, startNode, tempRoot, until, type NodeProc } from '../server/testkit/cluster';
import { renderText } from '../server/testkit/renderText';
import type { BenchDataset } from './dataset';

interface Phase {
  label: string;
  seconds: number;
  imagesPerS: number;
  /** One-minute load average as the phase ended: other work on the machine shows here. */
  load: number;
  /** CPU seconds the nodes and the NATS server spent on the job (Linux), per image. */
  cpuPerImage?: number;
  /** Cores the phase kept busy on average (Linux): less than the nodes could use means others took the rest. */
  cores?: number;
}

/** Clock ticks per second of /proc's CPU times. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, all threads) the processes have used so far; undefined off Linux. */
function cpuSeconds(pids: (number | undefined)[]): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  let ticks = 0;
  for (const pid of pids) {
    if (pid === undefined) continue;
    // The command name may hold spaces: the fields counted from after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / TICKS;
}

const LOCAL = '1 node, local job';
const QUEUE_1 = '1 node, queue';
const QUEUE_2 = '2 nodes, queue';
const PAIR = '2 nodes, local jobs';

/** Every contender alike: one engine worker with one ONNX thread. */
const ENGINE = ['--workers', '1', '--threads-per-worker', '1'];

/** Each node on a core of its own, where there are two and taskset to pin them (util-linux, on every Debian). */
const PINNED = availableParallelism() >= 2 && existsSync('/usr/bin/taskset');
/** The CPU of the first or second node of a phase; undefined: not pinned. */
const core = (n: 0 | 1): number | undefined => (PINNED ? n : undefined);

/**
 * Runs two images of its own through each node first (text not in the folder, so no result is reused): ONNX
 * Runtime's first runs are slower, and two nodes would pay that twice on half the images each.
 */
async function warmUp(nodes: NodeProc[]): Promise<void> {
  const images = await Promise.all(
    ['warm up 7301', 'first runs 4419'].map((line, i) => renderText({ lines: [line, `bench line ${i}`], fontSize: 26 })),
  );
  for (const node of nodes) {
    for (const image of images) {
      const res = await fetch(`${node.url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image });
      if (!res.ok) throw new Error(`warm-up on ${node.name}: ${res.status} ${await res.text()}`);
    }
  }
}

/** Seconds from job creation to done, and the CPU seconds `pids` spent meanwhile. */
async function timeJob(
  owner: NodeProc,
  folder: string,
  files: number,
  pids: (number | undefined)[],
): Promise<{ seconds: number; cpu?: number }> {
  const cpuBefore = cpuSeconds(pids);
  const started = performance.now();
  const job = await postJson<Job>(`${owner.url}/v1/jobs`, { path: folder, recursive: true });
  const finished = async (): Promise<Job | undefined> => {
    const j = await getJson<Job>(`${owner.url}/v1/jobs/${job.id}`);
    return j.state === 'done' || j.state === 'failed' ? j : undefined;
  };
  // The progress stream ends with the job: the end to the millisecond, and no polling load on the owner node.
  await fetch(`${owner.url}/v1/jobs/${job.id}/events`).then((res) => res.text());
  let seconds = (performance.now() - started) / 1000;
  let end = await finished();
  if (!end) {
    // The stream was cut short: wait for the job itself.
    end = await until('bench job', 30 * 60_000, finished);
    seconds = (performance.now() - started) / 1000;
  }
  if (end.done + end.failed !== files) throw new Error(`job finished ${end.done + end.failed} of ${files} files`);
  const cpuAfter = cpuSeconds(pids);
  return { seconds, cpu: cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined };
}

export async function clusterBench(dataset: BenchDataset, say: (m: string) => void, rounds = 1): Promise<string[]> {
  const files = dataset.files.length;
  const tmp = tempRoot('hearth-bench-cluster-');
  const phases: Phase[] = [];
  /** `images`: what the phase recognised in all (the folder once, or once per node for two local jobs). */
  const phase = (label: string, { seconds, cpu }: { seconds: number; cpu?: number }, images = files): void => {
    const load = loadavg()[0];
    const cores = cpu !== undefined ? cpu / seconds : undefined;
    phases.push({ label, seconds, imagesPerS: images / seconds, load, cpuPerImage: cpu !== undefined ? cpu / images : undefined, cores });
    say(
      `  → ${(images / seconds).toFixed(2)} img/s (load ${load.toFixed(2)}${cores !== undefined ? `, ${cores.toFixed(2)} cores busy` : ''})`,
    );
  };
  // Long AckWait: a busy bench machine must not make items look lost.
  const cluster = { ackWaitMs: 120_000, heartbeatMs: 1_000, downAfterMs: 4_000 };
  const nodes: NodeProc[] = [];
  const nats = await startNats(tmp.root);
  try {
    // The four phases one after another, round after round: a burst of other work on the machine then costs
    // one round of one phase, not the comparison.
    for (let round = 1; round <= rounds; round++) {
      const dir = (name: string): string => join(tmp.root, `round-${round}`, name);
      say(`round ${round} of ${rounds}: one node, local job…`);
      const local = await startNode({ name: 'local', dataDir: dir('local'), args: ENGINE, cpu: core(0) });
      nodes.push(local);
      await warmUp([local]);
      phase(LOCAL, await timeJob(local, dataset.dir, files, [local.child.pid]));
      await killNode(local, 'SIGTERM');

      say(`round ${round} of ${rounds}: one node, through the queue…`);
      const q1 = await startNode({ name: 'q1', dataDir: dir('q1'), natsUrl: nats.url, cluster, args: ENGINE, cpu: core(0) });
      nodes.push(q1);
      await warmUp([q1]);
      phase(QUEUE_1, await timeJob(q1, dataset.dir, files, [q1.child.pid, nats.pid]));
      await killNode(q1, 'SIGTERM');

      say(`round ${round} of ${rounds}: two nodes, through the queue…`);
      const [a, b] = await Promise.all([
        startNode({ name: 'q2a', dataDir: dir('q2a'), natsUrl: nats.url, cluster, args: ENGINE, cpu: core(0) }),
        startNode({ name: 'q2b', dataDir: dir('q2b'), natsUrl: nats.url, cluster, args: ENGINE, cpu: core(1) }),
      ]);
      nodes.push(a, b);
      await warmUp([a, b]);
      phase(QUEUE_2, await timeJob(a, dataset.dir, files, [a.child.pid, b.child.pid, nats.pid]));
      await Promise.all([killNode(a, 'SIGTERM'), killNode(b, 'SIGTERM')]);

      say(`round ${round} of ${rounds}: two standalone nodes, a local job each at once…`);
      const [p, r] = await Promise.all([
        startNode({ name: 'pair-a', dataDir: dir('pair-a'), args: ENGINE, cpu: core(0) }),
        startNode({ name: 'pair-b', dataDir: dir('pair-b'), args: ENGINE, cpu: core(1) }),
      ]);
      nodes.push(p, r);
      await warmUp([p, r]);
      // Twice the images, in the time of the slower of the two jobs.
      const pids = [p.child.pid, r.child.pid];
      const cpuBefore = cpuSeconds(pids);
      const both = await Promise.all([timeJob(p, dataset.dir, files, []), timeJob(r, dataset.dir, files, [])]);
      const cpuAfter = cpuSeconds(pids);
      const cpu = cpuBefore !== undefined && cpuAfter !== undefined ? cpuAfter - cpuBefore : undefined;
      phase(PAIR, { seconds: Math.max(...both.map((j) => j.seconds)), cpu }, 2 * files);
      await Promise.all([killNode(p, 'SIGTERM'), killNode(r, 'SIGTERM')]);
    }
  } finally {
    await Promise.all(nodes.map((n) => killNode(n)));
    await nats.stop();
    tmp.cleanup();
  }
  /** The fastest run of a phase: other work on the machine only ever slows a run down. */
  const best = (label: string): Phase => phases.filter((p) => p.label === label).reduce((a, b) => (b.seconds < a.seconds ? b : a));
  const [local, q1, q2, pair] = [best(LOCAL), best(QUEUE_1), best(QUEUE_2), best(PAIR)];
  const speedUp = q2.imagesPerS / q1.imagesPerS;
  const overhead = q1.seconds / local.seconds - 1;
  const row = (p: Phase): string =>
    `  ${p.label.padEnd(20)} ${p.seconds.toFixed(2).padStart(8)} s ${p.imagesPerS.toFixed(2).padStart(8)} img/s` +
    (p.cpuPerImage !== undefined ? `   CPU ${p.cpuPerImage.toFixed(3)} s/img, ${p.cores!.toFixed(2)} cores busy` : '') +
    `   load ${p.load.toFixed(2)}`;
  return [
    `cluster bench: ${files} images, each node with 1 engine worker × 1 ONNX thread` +
      `${PINNED ? ' on a core of its own (taskset: CPU 0, and CPU 1 for a second node)' : ''}, timed from job creation to done`,
    ...(rounds > 1 ? [`every run, ${rounds} rounds:`, ...phases.map(row), `best of ${rounds}:`] : []),
    ...[local, q1, q2, pair].map(row),
    `  two nodes vs one through the queue: ${speedUp.toFixed(2)}× (target ≥ 1.7×)`,
    `  queue overhead vs a local job on one node: ${(overhead * 100).toFixed(1)} % (target ≤ 15 %)`,
    `  this machine's ceiling for two nodes (two standalone nodes at once vs one): ${(pair.imagesPerS / local.imagesPerS).toFixed(2)}×;` +
      ` two nodes through the queue reach ${((q2.imagesPerS / pair.imagesPerS) * 100).toFixed(0)} % of it`,
    ...(q2.cores !== undefined
      ? [
          `  (${availableParallelism()} cores here; "cores busy" below what the nodes could use means other work on the machine took the rest)`,
        ]
      : []),
  ];
}
