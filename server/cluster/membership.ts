// Membership and health: every node puts a heartbeat into a KV bucket; a node whose last heartbeat is older
// than downAfterMs is down. Ages are measured against the NATS server's timestamps, one clock for all nodes.
import type { KV } from '@nats-io/kv';
import type { ClusterNode } from '../contract/cluster';
import { createLogger } from '../logger';

const log = createLogger('cluster');

export interface Heartbeat extends Omit<ClusterNode, 'status' | 'lastSeenMs' | 'self'> {
  /** Set by a node leaving on purpose, so others show it down at once. */
  stopped?: boolean;
}

export interface Membership {
  nodes(selfId: string): Promise<ClusterNode[]>;
  /** Sends a heartbeat now (this node's facts changed). */
  refresh(): void;
  /** Sends one last heartbeat that marks this node stopped. */
  leave(): Promise<void>;
}

export function startHeartbeats(
  kv: KV,
  opts: { heartbeatMs: number; downAfterMs: number; beat: () => Heartbeat; now?: () => number },
): Membership {
  let stopped = false;
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

  return {
    async nodes(selfId) {
      const out: ClusterNode[] = [];
      // A key updated while the bucket is listed (heartbeats come every few hundred ms) can be listed twice.
      const keys = new Set<string>();
      for await (const k of await kv.keys()) keys.add(k);
      for (const k of keys) {
        const e = await kv.get(k);
        if (!e || e.operation !== 'PUT') continue;
        const hb = JSON.parse(e.string()) as Heartbeat;
        // The server stamps every entry; comparing with our clock assumes clocks in step (NTP), as TLS does.
        const age = Math.max(0, Date.now() - e.created.getTime());
        const { stopped: left, ...info } = hb;
        out.push({
          ...info,
          status: !left && age < opts.downAfterMs ? 'up' : 'down',
          lastSeenMs: age,
          ...(k === selfId ? { self: true } : {}),
        });
      }
      return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
    },
    refresh() {
      if (!stopped) void send(opts.beat());
    },
    async leave() {
      stopped = true;
      clearInterval(timer);
      await send({ ...opts.beat(), stopped: true });
    },
  };
}
