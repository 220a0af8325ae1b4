// The security layer of a node: who may ask (guard), how much (rate limit, body size), what it cost (metering,
// metrics, monitor), and switching LAN exposure. Its routes live in api/routes/.
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { RequestHandler } from 'express';
import { AppError } from '../appError';
import type { Principal } from '../api/scope';
import type { Config } from '../config';
import type { NodeInfo } from '../contract/security';
import type { Engine } from '../engine';
import { createLogger } from '../logger';
import type { SettingsService } from '../settings';
import type { Store } from '../store';
import { bodyLimit } from './bodyLimit';
import { createGuard } from './guard';
import { createKeyRepository, type KeyRepository } from './keys';
import { listInterfaces, nodeInfo, type ListeningInfo } from './lan';
import { createMetering, type Metering } from './metering';
import { createMetrics, type NodeMetrics } from './metrics';
import { createMonitor, type Monitor } from './monitor';
import { createRateLimiter } from './rateLimit';
import { createRequestMeter } from './requestMeter';
import { actorOf, audit } from './audit';

export { audit, actorOf } from './audit';
export { ensureTlsMaterial } from './tls';
export type { ListeningInfo } from './lan';

const log = createLogger('security');

/** Failed authentications allowed per client address: a burst for a misconfigured script, then one a second. */
const FAILED_AUTH_LIMITS = { ratePerMinute: 60, burst: 30 } as const;

export interface LanControl {
  info(): NodeInfo;
  /** Switches LAN on/off (re-listening); returns the new state. */
  set(change: { lan: boolean; host?: string }): Promise<NodeInfo>;
}

export interface Security {
  before: RequestHandler[];
  readonly lan: LanControl;
  attachServer?(info: { server: HttpServer | HttpsServer; url: string; fingerprint?: string } & Partial<ListeningInfo>): void;
  /** For other areas: per-model, per-provider inference timing in /metrics. */
  readonly metrics: NodeMetrics;
  readonly keys: KeyRepository;
  readonly metering: Metering;
  readonly monitor: Monitor;
  close(): Promise<void>;
}

export function createSecurity(opts: { config: Config; settings: SettingsService; store: Store; engine: Engine }): Security {
  const { config, settings, store, engine } = opts;
  const live = settings.current;
  const keys = createKeyRepository(store.db);
  const metering = createMetering(store.db, keys);
  const metrics = createMetrics(engine, store.db);
  const monitor = createMonitor({ engine, dataDir: config.dataDir, queueDepth: () => config.engine.queueDepth, thresholds: () => live().alerts });
  const limiter = createRateLimiter(() => live().limits);
  const failures = createRateLimiter(() => FAILED_AUTH_LIMITS);
  let listening: ListeningInfo | undefined;

  const rateLimit: RequestHandler = (_req, res, next) => {
    const p = res.locals.principal as Principal | undefined;
    // The owner on loopback is the machine's user; limits protect the node from the LAN.
    if (p?.keyId) {
      const wait = limiter.take(p.keyId);
      if (wait > 0) {
        throw new AppError('rate_limited', 429, `too many requests for this key; retry in ${wait} s`, {
          headers: { 'Retry-After': String(wait) },
        });
      }
    }
    next();
  };

  // One switch at a time: a second request waits for the first to finish re-listening.
  let switching: Promise<unknown> = Promise.resolve();
  const lan: LanControl = {
    info: () => nodeInfo(live(), listening),
    set(change: { lan: boolean; host?: string }): Promise<NodeInfo> {
      const next = switching.then(() => switchLan(change));
      switching = next.catch(() => undefined);
      return next;
    },
  };
  const switchLan = async (change: { lan: boolean; host?: string }): Promise<NodeInfo> => {
    const host = change.host ?? (change.lan ? '0.0.0.0' : '127.0.0.1');
    if (!listening?.relisten) {
      throw new AppError('conflict', 409, 'this node was started without a socket it can re-open; restart it with or without --lan');
    }
    const known = host === '0.0.0.0' || host === '::' || listInterfaces().some((i) => i.address === host);
    if (!known) throw new AppError('invalid_body', 400, `"${host}" is not an address of this machine; pick one from GET /v1/node interfaces`);
    const before = { lan: live().lan, host: live().host };
    if (change.lan === before.lan && host === before.host) return nodeInfo(before, listening);
    // The guard follows the new exposure from the first request on the new socket.
    settings.setExposure({ lan: change.lan, host }, { persist: false });
    try {
      await listening.relisten({ lan: change.lan, host });
    } catch (err) {
      settings.setExposure(before, { persist: false });
      throw new AppError('conflict', 409, `could not listen on ${host}: ${(err as Error).message}`);
    }
    settings.setExposure({ lan: change.lan, host });
    log.info(change.lan ? 'LAN on' : 'LAN off', { host });
    return nodeInfo(live(), listening);
  };

  // Changed timeouts go to the listening server at once (new connections pick them up).
  settings.on('limits', (limits) => {
    if (!listening) return;
    listening.server.headersTimeout = limits.headersTimeoutMs;
    listening.server.requestTimeout = limits.requestTimeoutMs;
  });

  return {
    before: [
      createRequestMeter({
        metrics,
        metering,
        monitor,
        providers: () => engine.providers,
        audit: (principal, action, detail) => {
          try {
            audit(store, actorOf(principal), action, detail);
          } catch (err) {
            log.warn('could not write an audit entry', { action, error: String(err) });
          }
        },
      }),
      createGuard({ keys, lan: () => live().lan, allowedHosts: () => live().allowedHosts, failed: (address) => failures.take(address) }),
      rateLimit,
      bodyLimit(() => live().limits.bodyBytes),
    ],
    lan,
    attachServer(info) {
      listening = { ...listening, ...info };
    },
    metrics,
    keys,
    metering,
    monitor,
    async close() {
      monitor.close();
      try {
        metering.close();
      } catch (err) {
        log.warn('could not write the last usage figures', { error: String(err) });
      }
    },
  };
}
