// Training runs over HTTP (admin scope): start, list, read, cancel, and follow one as server-sent events.
import express, { type Router } from 'express';
import type { TrainRun } from '../../../contract/training';
import type { NodeServices } from '../../../node';
import { actorOf, audit } from '../../../admission/audit';
import { TERMINAL_TRAIN_STATES } from '../../../train/runs';
import { mount } from '../../mount';
import { streamProgress } from '../../sse';

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
    streamProgress<TrainRun>(req, res, {
      subscribe: (listener) => training.subscribe(first.id, listener),
      first,
      isFinal: (state) => TERMINAL_TRAIN_STATES.includes(state),
    });
  });

  return router;
}
