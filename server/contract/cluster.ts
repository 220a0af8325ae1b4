// GET /v1/cluster: the nodes of the cluster (or this node alone) and the depth of the shared queues;
// PUT /v1/cluster: the cluster setting for the next start.
import { z } from 'zod';

export type NodeStatus = 'up' | 'down';

export interface ClusterNode {
  id: string;
  name: string;
  url: string;
  status: NodeStatus;
  version: string;
  providers: string[];
  workers: number;
  /** Items this node's engine holds right now (running and waiting). */
  queueDepth: number;
  /** Queue items this node finished per second, recent. */
  throughput?: number;
  /** Queue items this node has finished since it started. */
  processed?: number;
  /** Items this node gave up on after they stopped a worker every time. */
  deadLetters?: number;
  /** Imported models with the version this node serves. */
  models?: { id: string; version: number }[];
  /** Milliseconds since the node's last heartbeat. */
  lastSeenMs?: number;
  self?: boolean;
}

export interface ClusterQueue {
  /** Items waiting for a node. */
  pending: number;
  /** Items handed to a node and not yet acknowledged. */
  inFlight: number;
  /** Items handed out more than once (a node died or timed out holding them). */
  redelivered: number;
  /** Deliveries so far, first ones and redeliveries. */
  delivered?: number;
}

export interface ClusterResponse {
  nodes: ClusterNode[];
  /** Per class of work (`interactive`, `bulk`); absent on a node that is not in a cluster. */
  queues?: Record<string, ClusterQueue>;
  /** Whether this node is connected to NATS right now. */
  connected?: boolean;
  /** The cluster this node runs with (credentials are never shown). */
  settings?: ClusterSettings;
}

/** The cluster setting as saved in config.json; it applies when the node starts. */
export interface ClusterSettings {
  /** NATS server URL, or null for a node on its own. */
  url: string | null;
  /** This node's name in the Cluster view; null for the host name. */
  name: string | null;
}

/** PUT /v1/cluster answers what was saved and whether the running node differs from it. */
export interface ClusterSettingsResponse extends ClusterSettings {
  restartNeeded: boolean;
}

/** A NATS server URL as `--cluster` and the console take it. */
export const clusterUrlSchema = z.string().regex(/^(nats|tls):\/\/[^\s]+$/, 'a NATS server URL such as nats://host:4222');

const clusterNodeSchema: z.ZodType<ClusterNode> = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  status: z.enum(['up', 'down']),
  version: z.string(),
  providers: z.array(z.string()),
  workers: z.number(),
  queueDepth: z.number(),
  throughput: z.number().optional(),
  processed: z.number().optional(),
  deadLetters: z.number().optional(),
  models: z.array(z.object({ id: z.string(), version: z.number() })).optional(),
  lastSeenMs: z.number().optional(),
  self: z.boolean().optional(),
});

const clusterQueueSchema: z.ZodType<ClusterQueue> = z.object({
  pending: z.number(),
  inFlight: z.number(),
  redelivered: z.number(),
  delivered: z.number().optional(),
});

export const clusterSettingsSchema: z.ZodType<ClusterSettings> = z.object({
  url: clusterUrlSchema.nullable(),
  name: z.string().trim().min(1).max(100).nullable(),
});

export const clusterResponseSchema: z.ZodType<ClusterResponse> = z.object({
  nodes: z.array(clusterNodeSchema),
  queues: z.record(z.string(), clusterQueueSchema).optional(),
  connected: z.boolean().optional(),
  settings: clusterSettingsSchema.optional(),
});

/** PUT /v1/cluster body: the URL (null: run alone) and optionally the node's name (null: the host name). */
export const clusterSettingsUpdateSchema = z.object({
  url: clusterUrlSchema.nullable(),
  name: z.string().trim().min(1).max(100).nullable().optional(),
});
export type ClusterSettingsUpdate = z.infer<typeof clusterSettingsUpdateSchema>;

export const clusterSettingsResponseSchema: z.ZodType<ClusterSettingsResponse> = z.object({
  url: z.string().nullable(),
  name: z.string().nullable(),
  restartNeeded: z.boolean(),
});
