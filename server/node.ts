// Composes one Hearth node from its parts (config → settings → store → engine → models → admission, observability → jobs → app).
// Listening, TLS and shutdown live in serve.ts; tests build a node here and drive `app` without a socket.
import type { Application } from 'express';
import { createApp } from './api/app';
import { createUmiDocuments, type UmiDocuments } from './compat/umi/documents';
import { createBilling, type Billing } from './billing';
import { audit } from './admission/audit';
import type { SharedDefinitions } from './billing/sharedDefinitions';
import type { Cluster } from './cluster';
import type { Config } from './config';
import { createTrainRuns, type TrainRuns } from './train/runs';
import { createEngine, type Engine } from './engine';
import { engineCacheDir } from './engine/cacheEntries';
import { chooseProvider, type ProviderChoice } from './engine/providerChoice';
import { createModelService, type ModelService } from './engine/models/service';
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
  models: ModelService;
  jobs: JobService;
  admission: Admission;
  observability: Observability;
  lan: LanHolder;
  /** Umi-OCR's document tasks, kept on the node's durable jobs. */
  documents: UmiDocuments;
  /** Price cards, quotas and statements, charged from every billable request. */
  billing: Billing;
  /** Training runs: classifiers learnt on the node from labelled folders. */
  training: TrainRuns;
  /** Present only when the node joined a cluster (`--cluster`). */
  cluster?: Cluster;
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
  let cluster: Cluster | undefined;
  let shared: SharedDefinitions | undefined;
  try {
    const providerChoice = await chooseProvider({ dataDir: config.dataDir, forced: config.engine.provider });
    engine = await createEngine({
      workers: config.engine.workers,
      threadsPerWorker: config.engine.threadsPerWorker,
      queueDepth: config.engine.queueDepth,
      cacheEntries: config.engine.cacheEntries,
      providers: [providerChoice.provider],
      why: providerChoice.why,
      cacheDir: engineCacheDir(config.dataDir),
      layout: () => settings.current().ocr.layout,
    });
    let models = createModelService({ dataDir: config.dataDir, engine, store, idleMinutes: config.modelIdleMinutes });
    const admission = createAdmission({ settings, store });
    const observability = createObservability({ config, settings, store, engine, keys: admission.keys });
    const lan = createLanHolder(settings);
    if (config.cluster.url) {
      // Loaded only here: a single node never loads the NATS client.
      const { joinCluster } = await import('./cluster');
      cluster = await joinCluster({ config, engine, models });
      models = await cluster.syncModels(models);
    }
    const billing = createBilling({
      store,
      keys: admission.keys,
      audit: (actor, action, detail) => audit(store, actor, action, detail),
      // In a cluster every node counts quotas on one shared count (loaded only here, like the cluster).
      ...(cluster ? { counters: await (await import('./billing/clusterCounters')).openClusterCounters(cluster) } : {}),
    });
    // In a cluster, keys, groups, quotas and price cards made on any node hold on all of them.
    if (cluster) {
      const { shareDefinitions } = await import('./billing/sharedDefinitions');
      shared = await shareDefinitions({ cluster, store, keys: admission.keys, billing });
    }
    const jobs = createJobService({
      store,
      engine: cluster ? cluster.recogniser : engine,
      config,
      ...(cluster ? { concurrency: config.cluster.inFlight } : {}),
      sharedRoots: () => settings.current().sharedRoots,
      // A job's files are charged to the key that created it, one OCR image each (reused results cost nothing).
      onRecognised: (keyId) => billing.charge(keyId, 'ocr_image', 1),
      tagger: {
        check: (model) => models.requireDocType(model),
        tag: (model, bytes, page, text) => models.classifyPage(model, { bytes, page: page || undefined }, { text, bulk: true }),
      },
    });
    // A revoked key's running work stops with it: its jobs pause (an admin may resume them).
    admission.keys.onRevoked((keyId) => jobs.pauseOwnedBy(keyId));
    await cluster?.start(jobs);
    const documents = createUmiDocuments({ dataDir: config.dataDir, jobs, store });
    // Image classifiers embed on the CPU (the GPU's sessions belong to the engine's one session thread); document
    // types read their pages through the engine, as bulk work beside jobs.
    const training = createTrainRuns({ store, repository: () => models.repository, providers: ['cpu'], engine });
    const services: NodeServices = {
      config,
      settings,
      store,
      engine,
      models,
      jobs,
      admission,
      observability,
      lan,
      documents,
      billing,
      training,
      providerChoice,
      ...(cluster ? { cluster } : {}),
    };
    const app = createApp(services);
    jobs.resumeInterrupted();
    training.resumeInterrupted();
    log.info('node ready', { providers: engine.providers, dataDir: config.dataDir });
    return {
      services,
      app,
      close: async () => {
        // First: stop taking shared work and fail this node's waiting items, so the job service can settle.
        await shared?.stop();
        await cluster?.close();
        documents.close();
        await training.close();
        await jobs.close();
        billing.close();
        await observability.close();
        await models.close();
        await engine?.close();
        store.close();
      },
    };
  } catch (err) {
    await shared?.stop();
    await cluster?.close();
    await engine?.close();
    store.close();
    throw err;
  }
}
