// Peer: @gutenye/ocr-node (same PP-OCRv4 models) as one whole process over the folder, models loaded once,
// images one after another as its API is meant to be used.
import { join } from 'node:path';
import Ocr from '@gutenye/ocr-node';
import { cpuSeconds, readJob, sinceProcessStart, writeReport, type ImageOutcome } from './protocol';

interface GutenyeLine {
  text: string;
  frame?: { top: number; left: number };
}

const job = readJob();
const ocr = await Ocr.create();
const loadS = sinceProcessStart();
const outcomes: ImageOutcome[] = [];
const t0 = performance.now();
const c0 = cpuSeconds();
for (const file of job.files) {
  const s = performance.now();
  try {
    const lines = (await ocr.detect(join(job.dir, file))) as GutenyeLine[];
    // The library hands lines back in reverse detection order; sort into reading order so CER measures
    // recognition, not ordering.
    const ordered = [...lines].sort((a, b) => (a.frame?.top ?? 0) - (b.frame?.top ?? 0) || (a.frame?.left ?? 0) - (b.frame?.left ?? 0));
    outcomes.push({ file, ms: performance.now() - s, text: ordered.map((l) => l.text).join('\n') });
  } catch (err) {
    outcomes.push({ file, ms: performance.now() - s, error: (err as Error).message });
  }
}
writeReport(job, { loadS, measuredS: (performance.now() - t0) / 1000, measuredCpuS: cpuSeconds() - c0, outcomes });
