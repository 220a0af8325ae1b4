// The body size limit for every route, before any parser runs. A declared Content-Length over the limit is refused
// at once (413, connection closed, nothing read). A chunked body is cut at the limit: the request stream ends there,
// so the route's parser answers 413 at once instead of first reading (and discarding) the rest, which may be
// gigabytes; the connection then lingers briefly so the client can read that answer, and is closed.
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { AppError } from '../appError';
import { closeIfBody } from './guard';

type Push = IncomingMessage['push'];

/** After a cut, bytes still arriving are discarded (never buffered) this long after the answer, then the socket closes. */
const LINGER_MS = 2_000;

/** Ends `req` after `limit` bytes (plus the chunk that crossed it); returns whether the real message has ended since. */
function cutAt(req: IncomingMessage, limit: number, onCut: () => void): () => boolean {
  const push: Push = req.push.bind(req);
  let received = 0;
  let cut = false;
  let wireDone = false;
  // Node's HTTP parser feeds the body through push(). Past the limit we hand on one chunk (so the route's parser
  // sees the overflow and answers 413), end the stream, and discard what follows.
  req.push = ((chunk: unknown, encoding?: BufferEncoding): boolean => {
    if (cut) {
      if (chunk === null) wireDone = true;
      return true;
    }
    if (chunk === null) return push(chunk, encoding);
    received += (chunk as Buffer).length;
    if (received <= limit) return push(chunk, encoding);
    cut = true;
    push(chunk, encoding);
    // An ended but incomplete request would destroy its socket at once (before the 413 is read); the parser
    // still reads the rest of the message, so as far as this request object goes, it is complete.
    req.complete = true;
    push(null);
    onCut();
    return true;
  }) as Push;
  return () => wireDone;
}

export function bodyLimit(limit: () => number): RequestHandler {
  return (req, res, next) => {
    const max = limit();
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      throw new AppError('payload_too_large', 413, `the request body is ${declared} bytes; this node accepts at most ${max}`, {
        headers: closeIfBody(req),
      });
    }
    if (declared === undefined && req.headers['transfer-encoding'] !== undefined) {
      const ended = cutAt(req, max, () => {
        const close = (): void => {
          setTimeout(() => {
            if (!ended()) req.socket.destroy();
          }, LINGER_MS).unref();
        };
        if (res.writableFinished) close();
        else res.once('finish', close);
      });
    }
    next();
  };
}
