// Training runs over HTTP (admin scope): start, list, read, cancel, and follow one as server-sent events.
import express, { type Router } from 'express';
import type { TrainRun } from '../../../contract/training';
import type { NodeServices } from '../../../node';
import { actorOf, audit } from '../../../admission/audit';
import { TERMINAL_TRAIN_STATES } from '../../../train/runs';
import { mount } from '../../mount';

/** Comments keep idle proxies from closing a quiet stream (an epoch can take a while on big sets). */
const SSE_HEARTBEAT_MS = 15_000;

export function trainingRouter(s: NodeServices): Router {
  const router = express.Router();
  const { training } = s;

  mount(router, 'listTrainRuns', () => ({ runs: training.list() }));
  mount(router, 'startTrainRun', ({ body, principal }) => {
    const run = training.start(body, principal.keyId);
    audit(s.store, actorOf(principal), 'train.start', { run: run.id, model: body.name, backbone: body.backbone });
    return run;
  });
  mount(router, 'getTrainRun', ({ params }) => training.get(params.id));
  mount(router, 'cancelTrainRun', ({ params, principal }) => {
    const run = training.cancel(params.id);
    audit(s.store, actorOf(principal), 'train.cancel', { run: run.id });
    return run;
  });
  mount(router, 'trainEvents', ({ params, req, res }) => {
    const first = training.get(params.id);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let ended = false;
    let off = (): void => {};
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      off();
      res.end();
    };
    const send = (run: TrainRun): void => {
      if (ended) return;
      res.write(`event: progress\ndata: ${JSON.stringify(run)}\n\n`);
      if (TERMINAL_TRAIN_STATES.includes(run.state)) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: run.state })}\n\n`);
        end();
      }
    };
    off = training.subscribe(first.id, send);
    req.on('close', end);
    send(first);
  });

  return router;
}
