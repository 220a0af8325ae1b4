// Composes one Hearth node from its parts (config → settings → store → engine → models → admission, observability → jobs → app).
// Listening, TLS and shutdown live in serve.ts; tests build a node here and drive `app` without a socket.
import type { Application } from 'express';
import { createApp } from './api/app';
import type { Config } from './config';
import { createEngine, type Engine } from './engine';
import { chooseProvider, type ProviderChoice } from './engine/providerChoice';
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
  /** Every execution provider candidate and why the engine runs on the one it does. */
  providerChoice: ProviderChoice;
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
  try {
    const providerChoice = await chooseProvider({ dataDir: config.dataDir, forced: config.engine.provider });
    engine = await createEngine({
      workers: config.engine.workers,
      queueDepth: config.engine.queueDepth,
      cacheEntries: config.engine.cacheEntries,
      providers: [providerChoice.provider],
      why: providerChoice.why,
    });
    const models = createModelRepository({ dataDir: config.dataDir, engine, store, idleMinutes: config.modelIdleMinutes });
    const admission = createAdmission({ settings, store });
    const observability = createObservability({ config, settings, store, engine, keys: admission.keys });
    const lan = createLanHolder(settings);
    const jobs = createJobService({ store, engine, config });
    const services: NodeServices = { config, settings, store, engine, models, jobs, admission, observability, lan, providerChoice };
    const app = createApp(services);
    jobs.resumeInterrupted();
    log.info('node ready', { providers: engine.providers, dataDir: config.dataDir });
    return {
      services,
      app,
      close: async () => {
        await jobs.close();
        await observability.close();
        await models.close();
        await engine?.close();
        store.close();
      },
    };
  } catch (err) {
    await engine?.close();
    store.close();
    throw err;
  }
}
