// Server-sent events for something that changes until it ends (a job, a training run): a `progress` event with
// each snapshot, one `end` event with the final state, and heartbeat comments so idle proxies keep it open.
import type { Request, Response } from 'express';

/** Comments keep idle proxies from closing a quiet stream (a big file or an epoch can take a while). */
const HEARTBEAT_MS = 15_000;

export function streamProgress<T extends { state: string }>(
  req: Request,
  res: Response,
  opts: {
    /** Starts delivering snapshots; returns the unsubscribe function. */
    subscribe(listener: (snapshot: T) => void): () => void;
    /** The state now, sent first. */
    first: T | null | undefined;
    isFinal(state: T['state']): boolean;
  },
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.flushHeaders();
  let ended = false;
  let off = (): void => {};
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    off();
    res.end();
  };
  const send = (snapshot: T): void => {
    if (ended) return;
    res.write(`event: progress\ndata: ${JSON.stringify(snapshot)}\n\n`);
    if (opts.isFinal(snapshot.state)) {
      res.write(`event: end\ndata: ${JSON.stringify({ state: snapshot.state })}\n\n`);
      end();
    }
  };
  off = opts.subscribe(send);
  req.on('close', end);
  if (opts.first) send(opts.first);
}
