// Execution provider names a person may choose (settings, `--provider`), and the candidate report that
// `hearth doctor` and /v1/health show: shared by the node, the CLI and the console.
import { z } from 'zod';
import { PROVIDER_NAMES } from './providerNames';

export { PROVIDER_NAMES, type ProviderName } from './providerNames';

/** The provider setting: the measured choice, or one provider forced by name. */
export const providerSettingSchema = z.enum(['auto', ...PROVIDER_NAMES]);
export type ProviderSetting = z.infer<typeof providerSettingSchema>;

export const providerReportSchema = z.object({
  name: z.string(),
  available: z.boolean(),
  /** Why it is not available, or why it was not chosen. */
  reason: z.string().optional(),
  /** Median ms of the fixed OCR workload. */
  ms: z.number().optional(),
  chosen: z.boolean(),
});
export type ProviderReport = z.infer<typeof providerReportSchema>;
