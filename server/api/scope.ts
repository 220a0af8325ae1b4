// Who is asking (set by the security layer on every request) and the per-route scope check.
import type { RequestHandler, Response } from 'express';
import { AppError } from '../appError';

export const SCOPES = ['infer', 'jobs', 'admin', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  /** API key id, or null for the owner on loopback. */
  keyId: string | null;
  scopes: readonly Scope[];
  /** True for the machine's owner (loopback mode, no key): may use any folder path. */
  local: boolean;
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new AppError('unauthorized', 401, 'no credentials were checked for this request');
  return p;
}

/** Lets the request through only when its principal holds `scope`. */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!p.scopes.includes(scope)) {
      throw new AppError('forbidden', 403, `this key lacks the "${scope}" scope needed here`);
    }
    next();
  };
}
