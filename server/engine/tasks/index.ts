// The task table engine workers dispatch on: `engine.run(name, payload)` runs TASKS[name] in a worker thread.
import { classifyTask } from './classify';
import { inferTask } from './infer';
import { loadTask, unloadTask } from './modelSession';
import { ocrTask } from './ocr';
import { ocrPdfPageTask, pdfInfoTask } from './pdf';
import type { TaskHandler } from './types';

export const TASKS: Readonly<Record<string, TaskHandler<never, unknown>>> = {
  ocr: ocrTask,
  pdfInfo: pdfInfoTask,
  ocrPdfPage: ocrPdfPageTask,
  classify: classifyTask,
  infer: inferTask,
  load: loadTask,
  unload: unloadTask,
};
