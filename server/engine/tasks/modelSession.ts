// Worker tasks `load` and `unload`: warm one model's session in this worker ahead of use, or release it now.
import { unloadModel, withSession } from '../models/sessionCache';
import type { TaskHandler } from './types';

export interface LoadPayload {
  modelPath: string;
  /** Release the session after this long unused, as for any run. */
  idleMs: number;
}

export interface LoadResult {
  provider: string;
  ms: number;
}

export const loadTask: TaskHandler<LoadPayload, LoadResult> = async (p, ctx) => {
  const started = performance.now();
  return withSession(p.modelPath, { providers: ctx.providers, threads: ctx.threads, idleMs: p.idleMs }, async ({ provider }) => ({
    provider,
    ms: Math.round((performance.now() - started) * 100) / 100,
  }));
};

export interface UnloadPayload {
  modelPath: string;
}

/** True when this worker had the session. */
export const unloadTask: TaskHandler<UnloadPayload, boolean> = async (p) => unloadModel(p.modelPath);
