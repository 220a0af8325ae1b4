// GET /v1/cluster: the nodes of the cluster (or this node alone) and the depth of the shared queues.

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
