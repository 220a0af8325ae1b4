// GET /v1/health: no auth; what a client or a load balancer checks first.
import { z } from 'zod';
import { providerReportSchema, type ProviderReport } from './providers';

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

export const healthResponseSchema: z.ZodType<HealthResponse> = z.object({
  status: z.literal('ok'),
  version: z.string(),
  providers: z.array(z.string()),
  candidates: z.array(providerReportSchema).optional(),
  models: z.array(z.object({ id: z.string(), task: z.string(), version: z.number(), loaded: z.boolean() })),
  engine: z.object({ workers: z.number(), queueDepth: z.number(), inFlight: z.number() }).optional(),
  lan: z.boolean().optional(),
});
