// One engine worker thread booted before it is known to be needed: booting a thread and loading its code
// (ONNX Runtime, sharp) is the longest part of a start, and can run while the CLI loads its own code, reads
// its config and opens the store. Until the engine starts it, it reads the prepared files of the cache folder
// and sets up ONNX Runtime's environment, which its first session would otherwise wait for. The engine adopts it
// when it starts (EngineOptions.prestarted); when the run recognises elsewhere or not at all, it is stopped at once
// (it has not entered a session), and at the latest before the process exits.
import { WorkerThread } from './workerThread';

let early: WorkerThread | undefined;

/**
 * Boots the thread now (once), to read ahead in `cacheDir` (the engine's cache folder); it does not keep the
 * process alive until the engine takes it.
 */
export function prestartWorker(cacheDir?: string): void {
  if (early) return;
  early = new WorkerThread(undefined, undefined, cacheDir);
  early.unref();
  // Left to the process's exit, a thread still loading its native addons can abort the whole process
  // ("terminate called after throwing an instance of 'Napi::Error'", exit 134) on a run that ended early, a usage
  // error say. Stopped before, it ends cleanly.
  process.once('beforeExit', () => void dropPrestartedWorker());
}

/** The booted thread, handed over once (undefined when none was started or it was taken). */
export function takePrestartedWorker(): WorkerThread | undefined {
  const t = early;
  early = undefined;
  return t;
}

/** Stops the booted thread if nobody took it. */
export async function dropPrestartedWorker(): Promise<void> {
  await takePrestartedWorker()?.terminate();
}
