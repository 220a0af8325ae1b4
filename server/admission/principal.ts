// Who is asking: the principal the guard sets on every request before any route runs.
import type { Response } from 'express';
import { AppError } from '../appError';
import type { KeyScope } from '../contract/security';

export interface Principal {
  /** API key id, or null for the owner on loopback. */
  keyId: string | null;
  scopes: readonly KeyScope[];
  /** True for the machine's owner (loopback mode, no key): may use any folder path. */
  local: boolean;
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new AppError('unauthorized', 401, 'no credentials were checked for this request');
  return p;
}
