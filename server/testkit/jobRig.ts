// A job service over a real encrypted store and a real CPU engine in one data dir, as job tests need it.
import { loadConfig } from '../config';
import { createEngine, type Engine } from '../engine';
import { createJobService, type JobService } from '../jobs';
import { openStore, type Store } from '../store';

export interface JobRig {
  store: Store;
  engine: Engine;
  jobs: JobService;
  /** Closes the jobs, the engine and the store, in that order. */
  close(): Promise<void>;
}

export async function openJobRig(dataDir: string, engine: { workers: number; queueDepth: number }): Promise<JobRig> {
  const config = loadConfig({ dataDir }, {});
  const store = openStore({ dataDir: config.dataDir });
  const eng = await createEngine({ ...engine, cacheEntries: 0, providers: ['cpu'] });
  const jobs = createJobService({ store, engine: eng, config });
  return {
    store,
    engine: eng,
    jobs,
    async close() {
      await jobs.close();
      await eng.close();
      store.close();
    },
  };
}
