// Membership and health: every node puts a heartbeat into a KV bucket and watches the bucket, so each node holds
// the latest heartbeat of every node in memory; one whose last heartbeat is older than downAfterMs is down.
// Reading the view costs no round trip to NATS, and a slow or restarting NATS server cannot hold a request up.
import type { KV, KvWatchEntry } from '@nats-io/kv';
import type { ClusterNode } from '../contract/cluster';
import { createLogger } from '../logger';

const log = createLogger('cluster');

export interface Heartbeat extends Omit<ClusterNode, 'status' | 'lastSeenMs' | 'self'> {
  /** Set by a node leaving on purpose, so others show it down at once. */
  stopped?: boolean;
}

export interface Membership {
  /** Every node whose heartbeat this node has seen, self included, by name. */
  nodes(selfId: string): ClusterNode[];
  /**
   * Whether the node has left, or been silent for GONE_FACTOR times downAfterMs: surely dead or cut off, not just
   * slow under load (false until the watch has caught up with the bucket).
   */
  gone(id: string): boolean;
  /** Sends a heartbeat now (this node's facts changed). */
  refresh(): void;
  /** Sends one last heartbeat that marks this node stopped, and stops watching. */
  leave(): Promise<void>;
}

interface Seen {
  hb: Heartbeat;
  /** When the NATS server stored it. */
  at: number;
}

/** A node silent this many times downAfterMs is gone, past a busy moment that delayed its heartbeats. */
const GONE_FACTOR = 3;

/** What a heartbeat tells the Cluster view about its node. */
function facts({ stopped: _left, ...info }: Heartbeat): Omit<Heartbeat, 'stopped'> {
  return info;
}

export function startHeartbeats(
  kv: KV,
  opts: { heartbeatMs: number; downAfterMs: number; forgetAfterMs: number; beat: () => Heartbeat },
): Membership {
  let stopped = false;
  const seen = new Map<string, Seen>();
  /** The watch has delivered every heartbeat the bucket held when it started. */
  let caughtUp = false;
  const send = async (hb: Heartbeat): Promise<void> => {
    try {
      await kv.put(hb.id, JSON.stringify(hb));
    } catch (err) {
      // NATS away: the next beat tries again; others see us down meanwhile, which is the truth.
      log.debug('heartbeat not sent', { error: String(err) });
    }
  };
  const timer = setInterval(() => {
    if (!stopped) void send(opts.beat());
  }, opts.heartbeatMs);
  timer.unref();
  void send(opts.beat());

  const take = (e: KvWatchEntry): void => {
    if (e.isUpdate) caughtUp = true;
    if (e.operation !== 'PUT') {
      seen.delete(e.key);
      return;
    }
    try {
      seen.set(e.key, { hb: JSON.parse(e.string()) as Heartbeat, at: e.created.getTime() });
    } catch {
      log.warn('a heartbeat that is not JSON was ignored', { key: e.key });
    }
  };
  let stopWatch = (): void => undefined;
  // The watch is an ordered consumer: after a reconnect or a gap it is recreated where it left off.
  const watching = (async () => {
    while (!stopped) {
      try {
        const updates = await kv.watch();
        if (stopped) return updates.stop();
        stopWatch = () => updates.stop();
        for await (const e of updates) take(e);
      } catch (err) {
        if (!stopped) log.debug('node watch interrupted; resuming', { error: String(err) });
      }
      if (!stopped) await new Promise((r) => setTimeout(r, opts.heartbeatMs));
    }
  })();

  // The server stamps every entry; comparing with our clock assumes clocks in step (NTP), as TLS does.
  const ageOf = (s: Seen, now = Date.now()): number => Math.max(0, now - s.at);

  return {
    nodes(selfId) {
      const out: ClusterNode[] = [];
      const now = Date.now();
      for (const [id, s] of seen) {
        const age = ageOf(s, now);
        // The bucket's own expiry removes a long-gone node without telling watchers: forget it here too.
        if (age >= opts.forgetAfterMs) continue;
        out.push({
          ...facts(s.hb),
          status: !s.hb.stopped && age < opts.downAfterMs ? 'up' : 'down',
          lastSeenMs: age,
          ...(id === selfId ? { self: true } : {}),
        });
      }
      // Until its own first heartbeat comes back through the watch, a node still knows it is up.
      if (!seen.has(selfId) && !stopped) {
        out.push({ ...facts(opts.beat()), status: 'up', lastSeenMs: 0, self: true });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
    gone(id) {
      if (!caughtUp) return false;
      const s = seen.get(id);
      return !s || !!s.hb.stopped || ageOf(s) >= GONE_FACTOR * opts.downAfterMs;
    },
    refresh() {
      if (!stopped) void send(opts.beat());
    },
    async leave() {
      stopped = true;
      clearInterval(timer);
      await send({ ...opts.beat(), stopped: true });
      stopWatch();
      await watching;
    },
  };
}
