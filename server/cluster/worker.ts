// The worker's side of durable work: pulls items from the shared stream as fast as this node's engine has room,
// runs them, publishes the sealed result to the owner and only then acknowledges. An item that already stopped
// a worker maxDeliver times is not run again: it goes back as a per-file error.
import type { Consumer, JetStreamClient, JsMsg } from '@nats-io/jetstream';
import type { ObjectStore } from '@nats-io/obj';
import { isAppError } from '../appError';
import { RETRY_LATER_CODES } from '../contract/errors';
import type { Engine } from '../engine';
import type { JobError } from '../contract/jobs';
import { createLogger } from '../logger';
import { sha256Hex } from '../sha256';
import type { ResultHeader, WorkHeader } from './dispatch';
import { resultSubject, type WorkClass } from './names';
import { frame, unframe, type Sealer } from './sealed';

const log = createLogger('cluster');
/** How often a node whose engine is full with other work looks again for room. */
const OTHERS_POLL_MS = 200;

export interface WorkerStats {
  inFlight: number;
  processed: number;
  deadLetters: number;
  /** Items per second over the last few seconds. */
  throughput(): number;
}

export interface WorkPuller {
  stats: WorkerStats;
  /** Stops taking items; in-flight ones finish (or go back to the queue after `graceMs`). */
  drain(graceMs: number): Promise<{ finished: number; returned: number }>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function startPuller(opts: {
  nodeId: string;
  js: JetStreamClient;
  consumers: Record<WorkClass, Consumer>;
  payloads: ObjectStore;
  sealer: Sealer;
  engine: Engine;
  ackWaitMs: number;
  maxDeliver: number;
}): WorkPuller {
  const { engine, sealer, js } = opts;
  const inFlight = new Map<JsMsg, Promise<void>>();
  let stopping = false;
  let processed = 0;
  let deadLetters = 0;
  const recent: number[] = [];
  let finishedWhileDraining = 0;
  const slotWaiters = new Set<() => void>();
  const wakeAll = (): void => {
    for (const w of slotWaiters) w();
    slotWaiters.clear();
  };

  /** Of this puller's items, those inside the engine now. */
  let inEngine = 0;
  /** This puller's items not yet through the engine: being opened, waiting their turn, or running. */
  let ahead = 0;
  /**
   * Items this node may take now: its engine's free capacity, one per worker less the items already taken and
   * not yet run, and less what the engine runs for others (this node's interactive calls, PDF pages, peers' calls).
   * An item whose result is on its way to the owner no longer holds a worker.
   */
  const free = (): number => {
    const s = engine.stats();
    const others = Math.max(0, s.inFlight + s.queued - inEngine);
    return Math.max(1, s.workers) - ahead - others;
  };
  // An item delivered again may be the one that took a worker down: it runs alone, so a second crash blames only
  // it and the items that happened to share the first one's worker are not counted against.
  let isolating = 0;
  let suspectTail: Promise<unknown> = Promise.resolve();

  const faultSha = process.env.HEARTH_FAULT_KILL_ON_SHA256;

  const runOne = async (m: JsMsg, cls: WorkClass, passed: () => void): Promise<void> => {
    let header: WorkHeader;
    let bytes: Buffer;
    try {
      const opened = unframe<WorkHeader>(sealer.open(m.data, 'work'));
      header = opened.header;
      if (header.blob) {
        const blob = await opts.payloads.getBlob(header.blob);
        if (!blob) throw new Error('payload is gone');
        bytes = sealer.open(blob, 'blob');
      } else bytes = opened.body;
    } catch (err) {
      log.error('cannot open a queued item; leaving it for another node', { error: String(err) });
      m.nak(opts.ackWaitMs);
      return;
    }
    const tries = m.info.deliveryCount;
    let outcome: { result?: ResultHeader['result']; error?: JobError };
    if (tries > opts.maxDeliver) {
      deadLetters++;
      log.warn('item stopped a worker every time; giving up on it', { item: header.item, tries: tries - 1 });
      outcome = { error: { code: 'worker_crashed', message: `this file stopped a worker ${tries - 1} times; it was left out` } };
    } else {
      // Fault injection for the failure tests: a file that takes the whole worker process down, every time.
      if (faultSha && sha256Hex(bytes) === faultSha) process.kill(process.pid, 'SIGKILL');
      // Tell NATS we are alive while a long page runs, so the item is not handed to another node meanwhile.
      const alive = setInterval(() => m.working(), Math.max(500, Math.floor(opts.ackWaitMs / 3)));
      try {
        inEngine++;
        outcome = {
          result: await engine.ocr(bytes, { bulk: cls === 'bulk' }).finally(() => {
            inEngine--;
            passed();
          }),
        };
      } catch (err) {
        // "Not now" from this engine: the item goes back to the queue for any node.
        if (isAppError(err) && RETRY_LATER_CODES.has(err.code)) {
          m.nak(250);
          return;
        }
        outcome = {
          error: isAppError(err)
            ? { code: err.code, message: err.message }
            : { code: 'internal_error', message: 'recognition failed unexpectedly on a peer node' },
        };
      } finally {
        clearInterval(alive);
      }
    }
    const reply: ResultHeader = { item: header.item, node: opts.nodeId, ...outcome };
    try {
      await js.publish(resultSubject(header.owner), sealer.seal(frame(reply), 'result'), { msgID: `r.${header.item}`, timeout: 5_000 });
    } catch (err) {
      // Not acknowledged: the item comes back after AckWait and is run again, here or elsewhere.
      log.warn('cannot publish a result; the item will be redelivered', { item: header.item, error: String(err) });
      return;
    }
    m.ack();
    processed++;
    recent.push(Date.now());
    if (stopping) finishedWhileDraining++;
  };

  /** Waits for `until` while telling NATS the item is still held. */
  const holding = async (m: JsMsg, until: Promise<unknown>): Promise<void> => {
    const alive = setInterval(() => m.working(), Math.max(500, Math.floor(opts.ackWaitMs / 3)));
    try {
      await until;
    } finally {
      clearInterval(alive);
    }
  };

  const dispatch = (m: JsMsg, cls: WorkClass): void => {
    const suspect = m.info.deliveryCount > 1;
    const others = [...inFlight.values()];
    const before = suspectTail;
    const waitTurn = suspect
      ? holding(
          m,
          before.then(() => Promise.allSettled(others)),
        )
      : isolating > 0
        ? holding(m, before)
        : Promise.resolve();
    if (suspect) isolating++;
    ahead++;
    let through = false;
    // Once the engine is done with the item (or it never gets there), its worker is free for the next one.
    const passed = (): void => {
      if (through) return;
      through = true;
      ahead--;
      wakeAll();
    };
    const p = waitTurn
      .then(() => runOne(m, cls, passed))
      .catch((err: unknown) => log.error('queued item failed unexpectedly', { error: String(err) }))
      .finally(() => {
        if (suspect) isolating--;
        passed();
        inFlight.delete(m);
        wakeAll();
      });
    if (suspect) suspectTail = p;
    inFlight.set(m, p);
  };

  /** Until one of this node's items leaves the engine or ends, or `ms` at most. */
  const waitForSlot = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        slotWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      slotWaiters.add(done);
    });

  // One pull loop per class, sharing this node's slots: an interactive item is taken as soon as a slot frees,
  // without waiting behind a bulk fetch (the engine then runs it ahead of bulk work, too).
  const loop = async (cls: WorkClass): Promise<void> => {
    while (!stopping) {
      const n = isolating > 0 ? 0 : free();
      if (n <= 0) {
        // A slot frees when one of this node's items leaves the engine, or when the engine finishes work of
        // others: that one sends no word here, so look again shortly.
        await waitForSlot(OTHERS_POLL_MS);
        continue;
      }
      try {
        const batch = await opts.consumers[cls].fetch({ max_messages: n, expires: 1_000 });
        for await (const m of batch) {
          if (stopping) m.nak();
          else dispatch(m, cls);
        }
      } catch (err) {
        if (stopping) break;
        log.debug('fetch failed; trying again', { error: String(err) });
        await sleep(500);
      }
    }
  };
  const looping = Promise.all([loop('interactive'), loop('bulk')]);

  return {
    stats: {
      get inFlight() {
        return inFlight.size;
      },
      get processed() {
        return processed;
      },
      get deadLetters() {
        return deadLetters;
      },
      throughput() {
        const since = Date.now() - 5_000;
        while (recent.length && recent[0] < since) recent.shift();
        return Math.round((recent.length / 5) * 100) / 100;
      },
    },
    async drain(graceMs) {
      stopping = true;
      wakeAll();
      const pending = [...inFlight.entries()];
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.allSettled(pending.map(([, p]) => p)), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
      clearTimeout(timer);
      let returned = 0;
      for (const [m] of inFlight) {
        m.nak();
        returned++;
      }
      await Promise.race([looping, sleep(1_500)]);
      return { finished: finishedWhileDraining, returned };
    },
  };
}
