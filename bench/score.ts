// Accuracy of a contender on the set: overall CER from the engine engineer's scorer, so every row is
// judged by the same rule the OCR tests use.
import { cerReport } from '../server/testkit/cer';
import type { BenchDataset } from './dataset';

/** Overall CER of the texts a contender produced; a file it did not answer counts as read empty. */
export function setCer(dataset: BenchDataset, texts: Record<string, string | undefined>): number {
  return cerReport(dataset.truth, texts).overall.cer;
}
