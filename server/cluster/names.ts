// The names on NATS that every node must agree on: streams, subjects, consumers, buckets.

export const WORK_STREAM = 'HEARTH_WORK';
export const RESULT_STREAM = 'HEARTH_RESULTS';
/** Work classes: a person waiting at the console never queues behind a nightly folder. */
export const CLASSES = ['interactive', 'bulk'] as const;
export type WorkClass = (typeof CLASSES)[number];

export const workSubject = (cls: WorkClass): string => `hearth.work.${cls}`;
export const workConsumer = (cls: WorkClass): string => `work-${cls}`;
export const resultSubject = (nodeId: string): string => `hearth.result.${nodeId}`;
export const resultConsumer = (nodeId: string): string => `results-${nodeId}`;

/** Heartbeats, one key per node; a node gone this long falls out of the bucket. */
export const NODES_BUCKET = 'hearth-nodes';
export const NODES_TTL_MS = 10 * 60_000;
/** Cluster-wide facts (the key check). */
export const CLUSTER_BUCKET = 'hearth-cluster';
/** Model bundles (object store) and each model's active version (KV). */
export const MODELS_BUCKET = 'hearth-models';
/** Billing's quota counts, one entry per quota and period. */
export const BILLING_BUCKET = 'hearth-billing';
/** API keys (hash, never the key), key groups, quotas and price cards, one sealed entry each, as every node holds them. */
export const DEFINITIONS_BUCKET = 'hearth-definitions';
/** Work payloads too large for one message. */
export const PAYLOAD_BUCKET = 'hearth-payloads';

/** Largest sealed payload sent inline; NATS's default message limit is 1 MiB and headers need room. */
export const INLINE_LIMIT = 900 * 1024;
/** Publishes with the same id inside this window are stored once. */
export const DEDUP_WINDOW_MS = 10 * 60_000;
export const DEDUP_WINDOW_NS = DEDUP_WINDOW_MS * 1_000_000;
