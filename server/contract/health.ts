// GET /v1/health: no auth; what a client or a load balancer checks first.
import type { ProviderReport } from './providers';

export interface HealthModel {
  id: string;
  task: string;
  version: number;
  loaded: boolean;
}

export interface HealthResponse {
  status: 'ok';
  version: string;
  /** Execution providers actually in use, best first (always ends in "cpu" when CPU runs anything). */
  providers: string[];
  /** Every execution provider candidate here: available or why not, ms on the fixed OCR workload, chosen. */
  candidates?: ProviderReport[];
  models: HealthModel[];
  engine?: { workers: number; queueDepth: number; inFlight: number };
  lan?: boolean;
}
