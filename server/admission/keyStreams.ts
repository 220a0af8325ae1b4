// Long-lived answers (event streams) held open under an API key: when the key is revoked they end at once, since
// the per-request key check would otherwise never run again for them.
import type { RequestHandler, Response } from 'express';
import type { Principal } from './principal';
import type { KeyRepository } from './keys';

function isStream(res: Response): boolean {
  return String(res.getHeader('content-type') ?? '').startsWith('text/event-stream');
}

/** Registers every keyed request until it closes; on revocation, ends that key's streams. */
export function trackKeyStreams(keys: KeyRepository): RequestHandler {
  const open = new Map<string, Set<Response>>();
  keys.onRevoked((id) => {
    for (const res of open.get(id) ?? []) {
      if (!isStream(res)) continue;
      res.write('event: revoked\ndata: {"message":"the API key of this stream was revoked"}\n\n');
      // Destroying the socket also fires the route's own close handler, which unsubscribes its listeners.
      res.end();
      res.destroy();
    }
    open.delete(id);
  });
  return (_req, res, next) => {
    const keyId = (res.locals.principal as Principal | undefined)?.keyId;
    if (keyId) {
      let set = open.get(keyId);
      if (!set) open.set(keyId, (set = new Set()));
      set.add(res);
      res.once('close', () => {
        set.delete(res);
        if (set.size === 0 && open.get(keyId) === set) open.delete(keyId);
      });
    }
    next();
  };
}
