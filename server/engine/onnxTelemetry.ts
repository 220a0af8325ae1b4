// ONNX Runtime's own builds for Linux and macOS (1.29 on) report to Microsoft by default: a process event, then
// session, model, execution-provider and error events, with a device identifier kept under
// ~/.cache/Microsoft/DeveloperTools and an event store uploaded when the machine is online. A private node sends
// nothing about what it runs, so the runtime's opt-out is set before its environment can exist. ONNX Runtime reads
// it from the process environment once, when its environment is created (the first session); a worker thread's
// process.env is a copy of its own that does not reach there, so this runs on the main thread, in every module that
// starts a thread or a process that may load the runtime, and where sessions are created. (Its set-up also costs
// a first session 40-70 ms of files and fsyncs on this machine.)

/** Sets ONNX Runtime's telemetry opt-out for this process and its children; a value the user set is kept. */
export function optOutOfOnnxTelemetry(): void {
  process.env.ORT_DISABLE_TELEMETRY ??= '1';
}
