// Training runs over HTTP (admin scope): start, list, read, cancel, and follow one as server-sent events.
import { readFile } from 'node:fs/promises';
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import { trainKindOf, type TrainRun } from '../../../contract/training';
import type { NodeServices } from '../../../node';
import { actorOf, audit } from '../../../admission/audit';
import { TERMINAL_TRAIN_STATES } from '../../../train/runs';
import { mount } from '../../mount';
import { streamProgress } from '../../sse';

/** Longest side of a misclassified example's thumbnail. */
const THUMBNAIL_SIDE = 240;

export function trainingRouter(s: NodeServices): Router {
  const router = express.Router();
  const { training } = s;

  mount(router, 'listTrainRuns', () => ({ runs: training.list() }));
  mount(router, 'startTrainRun', ({ body, principal }) => {
    const run = training.start(body, principal.keyId);
    audit(s.store, actorOf(principal), 'train.start', { run: run.id, model: body.name, kind: trainKindOf(body), backbone: body.backbone });
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
  mount(router, 'trainThumbnail', async ({ params, res }) => {
    const example = training.get(params.id).report?.misclassified[params.n];
    if (!example) throw new AppError('not_found', 404, `training run ${params.id} has no misclassified example ${params.n}`);
    let bytes: Buffer;
    try {
      bytes = await readFile(example.file);
    } catch (err) {
      throw new AppError(
        'not_found',
        404,
        `the example ${example.file} is no longer readable (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
    const jpeg = await s.engine.run('thumbnail', { bytes, side: THUMBNAIL_SIDE });
    res.setHeader('Content-Type', 'image/jpeg');
    res.setHeader('Cache-Control', 'private, max-age=300');
    res.send(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
  });

  return router;
}
