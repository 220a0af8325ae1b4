// Admission: who may ask (the guard: Host, Origin, keys), how often (per-key rate limit, failed-auth throttle)
// and how much (body size). Runs before every route; reads LAN exposure, allowed hosts and limits live.
import type { RequestHandler } from 'express';
import { AppError } from '../appError';
import type { SettingsService } from '../settings';
import type { Store } from '../store';
import { bodyLimit } from './bodyLimit';
import { createGuard } from './guard';
import { createKeyRepository, type KeyRepository } from './keys';
import type { Principal } from './principal';
import { createRateLimiter } from './rateLimit';

/** Failed authentications allowed per client address: a burst for a misconfigured script, then one a second. */
const FAILED_AUTH_LIMITS = { ratePerMinute: 60, burst: 30 } as const;

export interface Admission {
  /** Guard, rate limit and body limit, in that order. */
  before: RequestHandler[];
  readonly keys: KeyRepository;
}

export function createAdmission(opts: { settings: SettingsService; store: Store }): Admission {
  const live = opts.settings.current;
  const keys = createKeyRepository(opts.store.db);
  const limiter = createRateLimiter(() => live().limits);
  const failures = createRateLimiter(() => FAILED_AUTH_LIMITS);

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

  return {
    before: [
      createGuard({ keys, lan: () => live().lan, allowedHosts: () => live().allowedHosts, failed: (address) => failures.take(address) }),
      rateLimit,
      bodyLimit(() => live().limits.bodyBytes),
    ],
    keys,
  };
}
