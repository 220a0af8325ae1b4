// Composes one Hearth node from its parts (config → settings → store → engine → models → admission, observability → jobs → app).
// Listening, TLS and shutdown live in serve.ts; tests build a node here and drive `app` without a socket.
import type { Application } from 'express';
import { createApp } from './api/app';
import type { Cluster } from './cluster';
import type { Config } from './config';
import { createEngine, type Engine } from './engine';
import { createModelRepository, type ModelRepository } from './engine/models/repository';
import { createJobService, type JobService } from './jobs';
import { configureLogging, createLogger } from './logger';
import { createAdmission, type Admission } from './admission';
import { createLanHolder, type LanHolder } from './lan';
import { createObservability, type Observability } from './observability';
import { createSettingsService, deepFreeze, type SettingsService } from './settings';
import { openStore, type Store } from './store';

export interface NodeServices {
  /** As the node started; frozen. Values the owner changes at runtime are read from `settings`. */
  config: Config;
  settings: SettingsService;
  store: Store;
  engine: Engine;
  models: ModelRepository;
  jobs: JobService;
  admission: Admission;
  observability: Observability;
  lan: LanHolder;
  /** Present only when the node joined a cluster (`--cluster`). */
  cluster?: Cluster;
}

export interface HearthNode {
  services: NodeServices;
  app: Application;
  /** Finishes in-flight job items, stops workers, closes the store. */
  close(): Promise<void>;
}

export async function createNode(config: Config): Promise<HearthNode> {
  configureLogging({ dataDir: config.dataDir });
  const log = createLogger('node');
  const settings = createSettingsService(config);
  deepFreeze(config);
  const store = openStore({ dataDir: config.dataDir, key: config.storeKey, retention: () => settings.current().retention });
  // Images the new retention no longer keeps go at once, not at the next write.
  settings.on('retention', () => store.results.pruneImages());
  let engine: Engine | undefined;
  let cluster: Cluster | undefined;
  try {
    engine = await createEngine({
      workers: config.engine.workers,
      queueDepth: config.engine.queueDepth,
      cacheEntries: config.engine.cacheEntries,
      providers: config.engine.providers,
    });
    let models = createModelRepository({ dataDir: config.dataDir, engine, store, idleMinutes: config.modelIdleMinutes });
    const admission = createAdmission({ settings, store });
    const observability = createObservability({ config, settings, store, engine, keys: admission.keys });
    const lan = createLanHolder(settings);
    if (config.cluster.url) {
      // Loaded only here: a single node never loads the NATS client.
      const { joinCluster } = await import('./cluster');
      cluster = await joinCluster({ config, engine, models });
      models = await cluster.syncModels(models);
    }
    const jobs = cluster
      ? createJobService({ store, engine: cluster.recognizer, config, concurrency: config.cluster.inFlight })
      : createJobService({ store, engine, config });
    await cluster?.start(jobs);
    const services: NodeServices = { config, settings, store, engine, models, jobs, admission, observability, lan, ...(cluster ? { cluster } : {}) };
    const app = createApp(services);
    jobs.resumeInterrupted();
    log.info('node ready', { providers: engine.providers, dataDir: config.dataDir });
    return {
      services,
      app,
      close: async () => {
        // First: stop taking shared work and fail this node's waiting items, so the job service can settle.
        await cluster?.close();
        await jobs.close();
        await observability.close();
        await models.close();
        await engine?.close();
        store.close();
      },
    };
  } catch (err) {
    await cluster?.close();
    await engine?.close();
    store.close();
    throw err;
  }
}
