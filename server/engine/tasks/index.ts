// The task table engine workers dispatch on: `engine.run(name, payload)` runs TASKS[name] in a worker thread.
// Payload and result types come from the handlers, so callers of engine.run are checked against this table
// the way the IPC channels are checked against main/ipcChannels.ts.
import { barcodesTask } from './barcodes';
import { classifyTask } from './classify';
import { docVisualTask } from './docVisual';
import { inferTask } from './infer';
import { loadTask, unloadTask } from './modelSession';
import { ocrTask } from './ocr';
import { ocrPdfPageTask, pdfInfoTask } from './pdf';
import { thumbnailTask } from './thumbnail';
import type { TaskHandler } from './types';

export const TASKS = {
  ocr: ocrTask,
  barcodes: barcodesTask,
  pdfInfo: pdfInfoTask,
  ocrPdfPage: ocrPdfPageTask,
  classify: classifyTask,
  docVisual: docVisualTask,
  thumbnail: thumbnailTask,
  infer: inferTask,
  load: loadTask,
  unload: unloadTask,
} as const satisfies Record<string, TaskHandler<never, unknown>>;

export type TaskName = keyof typeof TASKS;
export type TaskPayload<T extends TaskName> = Parameters<(typeof TASKS)[T]>[0];
export type TaskResult<T extends TaskName> = Awaited<ReturnType<(typeof TASKS)[T]>>;

export function isTaskName(name: string): name is TaskName {
  return Object.hasOwn(TASKS, name);
}
