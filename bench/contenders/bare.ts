// The bare-session limit as a row: the engine's sessions on pre-made tensors shaped like the in-process run's
// images, same worker count and threads per worker as the engine.
import { threadsPerWorker } from '../../server/engine';
import type { ImageShape } from '../children/hearthEngine';
import { measuredPhase, runChild } from './child';
import { failed, THROUGHPUT_PASSES, type BenchContext, type ContenderResult } from './types';

export interface BareSetup {
  shapes: ImageShape[];
  workers: number;
  /** Intra-op threads per worker; default: the engine's own rule for this worker count. */
  threads?: number;
  providers: string[];
}

export async function bareLimit(ctx: BenchContext, setup: BareSetup): Promise<ContenderResult> {
  const name = 'bare limit: det+cls+rec sessions on pre-made tensors';
  const n = setup.shapes.length * THROUGHPUT_PASSES;
  if (n === 0 || setup.workers < 1)
    return failed(name, ctx.dataset.files.length, 'needs the in-process run (image shapes, worker count), which failed');
  const threads = setup.threads ?? threadsPerWorker(setup.workers);
  try {
    const run = await runChild(ctx, 'bareSessions', {
      workers: setup.workers,
      threads,
      providers: setup.providers,
      shapes: setup.shapes,
      passes: THROUGHPUT_PASSES,
    });
    const { providers, crops } = run.report.extra ?? {};
    return {
      name,
      ...measuredPhase(run),
      note: `${setup.workers} workers × ${threads} threads, ${(providers as string[] | undefined)?.join(',')}; ${crops} crops; no CER (no decoding)`,
    };
  } catch (err) {
    return failed(name, n, err);
  }
}
