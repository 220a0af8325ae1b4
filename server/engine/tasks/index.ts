// The task table engine workers dispatch on: `engine.run(name, payload)` runs TASKS[name] in a worker thread.
import { barcodesTask } from './barcodes';
import { classifyTask } from './classify';
import { inferTask } from './infer';
import { loadTask, unloadTask } from './modelSession';
import { ocrTask } from './ocr';
import type { TaskHandler } from './types';

export const TASKS: Readonly<Record<string, TaskHandler<never, unknown>>> = {
  ocr: ocrTask,
  barcodes: barcodesTask,
  classify: classifyTask,
  infer: inferTask,
  load: loadTask,
  unload: unloadTask,
};
