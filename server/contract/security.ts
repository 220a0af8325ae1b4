// Keys, usage, audit, settings, node (LAN) and monitoring: request/response schemas (zod) and their types.
// The API validates with these and the OpenAPI document is generated from them.
import { LAYOUT_MODES } from './ocr';
import { z } from 'zod';
import { displayNameSchema, isPrintable } from './names';
import { providerSettingSchema } from './providers';

/** What an API key may do; the owner on loopback holds all of them. */
export const SCOPES = ['infer', 'jobs', 'admin', 'metrics'] as const;
export const scopeSchema = z.enum(SCOPES);
export type KeyScope = z.infer<typeof scopeSchema>;

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** First characters of the key, to tell keys apart; not usable as a key. */
  prefix: z.string(),
  scopes: z.array(scopeSchema),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiKeySummary = z.infer<typeof apiKeySchema>;

export const keyListSchema = z.object({ keys: z.array(apiKeySchema) });
export type KeyListResponse = z.infer<typeof keyListSchema>;

/** Key names: printable, 1–100 characters (the CLI checks `--name` with the same rule). */
export const keyNameSchema = displayNameSchema(100);

export const createKeyRequestSchema = z.object({
  name: keyNameSchema,
  scopes: z.array(scopeSchema).min(1),
});
export type CreateKeyRequest = z.infer<typeof createKeyRequestSchema>;

/** The new key appears here once and is never shown again. */
export const createdKeySchema = apiKeySchema.extend({ key: z.string() });
export type CreatedKeyResponse = z.infer<typeof createdKeySchema>;

export const updateKeyRequestSchema = z.object({
  name: keyNameSchema.optional(),
  scopes: z.array(scopeSchema).min(1).optional(),
});
export type UpdateKeyRequest = z.infer<typeof updateKeyRequestSchema>;

export const usageQuerySchema = z.object({
  /** Inclusive UTC days, YYYY-MM-DD. */
  from: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  to: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  key: z.string().optional(),
  format: z.enum(['json', 'csv']).optional(),
});
export type UsageQuery = z.infer<typeof usageQuerySchema>;

export const usageRowSchema = z.object({
  day: z.string(),
  /** API key id, or "owner" for keyless loopback requests. */
  keyId: z.string(),
  keyName: z.string().nullable(),
  requests: z.number().int(),
  images: z.number().int(),
  engineMs: z.number().int(),
  errors: z.number().int(),
});
export type UsageRow = z.infer<typeof usageRowSchema>;

export const usageResponseSchema = z.object({ rows: z.array(usageRowSchema) });
export type UsageResponse = z.infer<typeof usageResponseSchema>;

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  /** "owner" or "key:<id>" or "cli". */
  actor: z.string(),
  action: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const auditResponseSchema = z.object({ entries: z.array(auditEntrySchema) });
export type AuditResponse = z.infer<typeof auditResponseSchema>;

/**
 * Bounds keep a setting from switching a protection off: a timeout of 1e15 ms is no timeout, a body limit of
 * terabytes no limit. The node's config file is held to the same bounds.
 */
export const limitsSchema = z.object({
  bodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(1024 ** 3),
  ratePerMinute: z.number().int().min(1).max(1_000_000),
  burst: z.number().int().min(1).max(100_000),
  requestTimeoutMs: z.number().int().min(1000).max(3_600_000),
  headersTimeoutMs: z.number().int().min(1000).max(600_000),
});

/** A folder path or host name in the settings: printable text, no NUL (which would cut the path short in C). */
const settingTextSchema = z.string().min(1).max(4096).refine(isPrintable, 'control characters (NUL, line breaks) are not allowed here');

const levelsSchema = z.object({ warning: z.number().min(0), critical: z.number().min(0) });

/** When alerts fire: warning first, critical second. */
export const alertThresholdsSchema = z.object({
  /** Share of server errors in a window; needs at least minRequests requests to mean anything. */
  errorRate: z.object({ warning: z.number().min(0).max(1), critical: z.number().min(0).max(1), minRequests: z.number().int().min(1) }),
  p95Ms: levelsSchema,
  /** Share of the configured engine queue depth. */
  queueShare: levelsSchema,
  /** Free bytes in the data dir's file system (alerts below, not above). */
  diskFreeBytes: levelsSchema,
});
export type AlertThresholds = z.infer<typeof alertThresholdsSchema>;

export const settingsSchema = z.object({
  limits: limitsSchema,
  retention: z.object({ mode: z.enum(['all', 'days', 'results-only']), days: z.number().int().min(1).max(36_500) }),
  sharedRoots: z.array(z.string()),
  allowedHosts: z.array(z.string()),
  alerts: alertThresholdsSchema,
  /** OCR layout when a request names none. */
  ocr: z.object({ layout: z.enum(LAYOUT_MODES) }),
  /** The OCR's execution provider: 'auto' (measured) or one forced by name; applies at the next start. */
  provider: providerSettingSchema,
  /** Where the node keeps its store, models and config (read-only: set with --data-dir at start). */
  dataDir: z.string(),
});
export type Settings = z.infer<typeof settingsSchema>;

export const settingsUpdateSchema = z.object({
  limits: limitsSchema.partial().optional(),
  retention: settingsSchema.shape.retention.partial().optional(),
  sharedRoots: z.array(settingTextSchema).max(100).optional(),
  allowedHosts: z.array(settingTextSchema).max(100).optional(),
  ocr: z
    .object({ layout: z.enum(LAYOUT_MODES) })
    .partial()
    .optional(),
  provider: providerSettingSchema.optional(),
  /** Per alert, the levels to change; the others stay. */
  alerts: z
    .object({
      errorRate: alertThresholdsSchema.shape.errorRate.partial(),
      p95Ms: levelsSchema.partial(),
      queueShare: levelsSchema.partial(),
      diskFreeBytes: levelsSchema.partial(),
    })
    .partial()
    .optional(),
});
export type SettingsUpdate = z.infer<typeof settingsUpdateSchema>;

export const networkInterfaceSchema = z.object({
  name: z.string(),
  address: z.string(),
  family: z.enum(['IPv4', 'IPv6']),
  internal: z.boolean(),
});
export type NetworkInterfaceInfo = z.infer<typeof networkInterfaceSchema>;

export const nodeInfoSchema = z.object({
  lan: z.boolean(),
  /** Interface the node listens on ("0.0.0.0" = all). */
  host: z.string(),
  port: z.number().int().nullable(),
  /** The URL the node is listening at (loopback form). */
  url: z.string().nullable(),
  /** URLs teammates can use (non-internal interface addresses); empty unless LAN is on. */
  urls: z.array(z.string()),
  /** SHA-256 of the TLS certificate (colon-hex), for pinning; null without TLS. */
  fingerprint: z.string().nullable(),
  interfaces: z.array(networkInterfaceSchema),
  /** Whether this process can re-listen at runtime (false for a node built without a socket). */
  canToggle: z.boolean(),
});
export type NodeInfo = z.infer<typeof nodeInfoSchema>;

export const nodeUpdateSchema = z.object({
  lan: z.boolean(),
  /** Interface address to listen on; default all interfaces with LAN on, 127.0.0.1 with LAN off. */
  host: z.string().min(1).optional(),
});
export type NodeUpdate = z.infer<typeof nodeUpdateSchema>;

/** Answer to PUT /v1/node; `ownerKey` appears once when a keyless owner turned LAN on (the console needs a key from then on). */
export const nodeUpdateResponseSchema = nodeInfoSchema.extend({ ownerKey: z.string().optional() });
export type NodeUpdateResponse = z.infer<typeof nodeUpdateResponseSchema>;

export const monitorSampleSchema = z.object({
  /** Sample end, ms since epoch. */
  t: z.number(),
  requestsPerSec: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  /** Share of responses that were server errors (status >= 500), 0..1; client mistakes (4xx) are not node trouble. */
  errorRate: z.number(),
  queueDepth: z.number().int(),
  inFlight: z.number().int(),
  cpuPercent: z.number(),
  rssBytes: z.number().int(),
  /** Engine time per model that ran in this window (models that did not run are absent). */
  models: z.record(z.string(), z.object({ runs: z.number().int(), p50Ms: z.number(), p95Ms: z.number() })),
});
export type MonitorSample = z.infer<typeof monitorSampleSchema>;

export const ALERT_KINDS = ['error_rate', 'p95_latency', 'queue_depth', 'disk_space'] as const;

export const monitorAlertSchema = z.object({
  kind: z.enum(ALERT_KINDS),
  severity: z.enum(['warning', 'critical']),
  message: z.string(),
  value: z.number(),
  threshold: z.number(),
  /** When the condition started, ms since epoch. */
  since: z.number(),
});
export type MonitorAlert = z.infer<typeof monitorAlertSchema>;

export const monitorResponseSchema = z.object({
  intervalMs: z.number().int(),
  samples: z.array(monitorSampleSchema),
  alerts: z.array(monitorAlertSchema),
  thresholds: alertThresholdsSchema,
  disk: z.object({ freeBytes: z.number(), totalBytes: z.number() }).nullable(),
});
export type MonitorResponse = z.infer<typeof monitorResponseSchema>;
