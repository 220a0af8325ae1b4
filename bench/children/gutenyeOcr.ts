// Peer: @gutenye/ocr-node (same PP-OCRv4 models) as one whole process over the folder, models loaded once,
// images one after another as its API is meant to be used.
import Ocr from '@gutenye/ocr-node';
import { measureSequential, readJob } from './protocol';

interface GutenyeLine {
  text: string;
  frame?: { top: number; left: number };
}

const job = readJob();
const ocr = await Ocr.create();
await measureSequential(job, async (path) => {
  const lines = (await ocr.detect(path)) as GutenyeLine[];
  // The library hands lines back in reverse detection order; sort into reading order so CER measures
  // recognition, not ordering.
  const ordered = [...lines].sort((a, b) => (a.frame?.top ?? 0) - (b.frame?.top ?? 0) || (a.frame?.left ?? 0) - (b.frame?.left ?? 0));
  return ordered.map((l) => l.text).join('\n');
});
