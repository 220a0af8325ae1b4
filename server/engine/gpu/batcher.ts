// A dynamic batcher for one model: inputs from many requests that share a shape (all but the first dimension)
// are joined along the first dimension and run together, up to `maxRows`; an input waits at most `maxDelayMs`
// for company while the model is idle, and whatever gathered while a run was going goes at once after it.
import type { BatchLimits, TensorData, WireTensor } from './protocol';

export const BATCH_DEFAULTS: BatchLimits = { maxRows: 32, maxDelayMs: 2 };

interface Waiting {
  input: WireTensor;
  since: number;
  resolve(outputs: Record<string, WireTensor>): void;
  reject(err: unknown): void;
}

export type RunBatch = (input: WireTensor) => Promise<Record<string, WireTensor>>;

export class DynamicBatcher {
  private readonly queues = new Map<string, Waiting[]>();
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  /** Runs made and rows they held (for tests and the bench). */
  runs = 0;
  rows = 0;

  constructor(
    private readonly runBatch: RunBatch,
    private readonly limits: BatchLimits = BATCH_DEFAULTS,
  ) {}

  submit(input: WireTensor): Promise<Record<string, WireTensor>> {
    return new Promise((resolve, reject) => {
      const key = `${input.type}:${input.dims.slice(1).join('x')}`;
      const queue = this.queues.get(key) ?? [];
      queue.push({ input, since: performance.now(), resolve, reject });
      this.queues.set(key, queue);
      this.schedule();
    });
  }

  /** Inputs waiting, not yet in a run. */
  get waiting(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.length;
    return n;
  }

  private schedule(): void {
    if (this.busy) return;
    const full = [...this.queues.values()].some((q) => rowsOf(q) >= this.limits.maxRows);
    if (full || this.limits.maxDelayMs <= 0) return this.dispatch();
    if (this.timer || this.waiting === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dispatch();
    }, this.limits.maxDelayMs);
  }

  private dispatch(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.busy) return;
    // The queue whose first input has waited longest goes first.
    let key: string | undefined;
    let oldest = Infinity;
    for (const [k, q] of this.queues) {
      if (q.length && q[0].since < oldest) {
        oldest = q[0].since;
        key = k;
      }
    }
    if (key === undefined) return;
    const queue = this.queues.get(key) as Waiting[];
    const batch: Waiting[] = [];
    let rows = 0;
    while (queue.length && (batch.length === 0 || rows + queue[0].input.dims[0] <= this.limits.maxRows)) {
      const next = queue.shift() as Waiting;
      rows += next.input.dims[0];
      batch.push(next);
    }
    if (!queue.length) this.queues.delete(key);
    this.busy = true;
    this.runs++;
    this.rows += rows;
    this.runBatch(joinRows(batch.map((w) => w.input)))
      .then(
        (outputs) => {
          const parts = splitRows(
            outputs,
            batch.map((w) => w.input.dims[0]),
          );
          batch.forEach((w, i) => w.resolve(parts[i]));
        },
        (err: unknown) => batch.forEach((w) => w.reject(err)),
      )
      .finally(() => {
        this.busy = false;
        // What gathered during the run has waited already: it goes now.
        if (this.waiting) this.dispatch();
      });
  }
}

function rowsOf(queue: readonly Waiting[]): number {
  return queue.reduce((n, w) => n + w.input.dims[0], 0);
}

/** Inputs of one shape joined along the first dimension (one input is passed through as it is). */
export function joinRows(inputs: readonly WireTensor[]): WireTensor {
  if (inputs.length === 1) return inputs[0];
  const rows = inputs.reduce((n, t) => n + t.dims[0], 0);
  const total = inputs.reduce((n, t) => n + t.data.length, 0);
  const data = new (inputs[0].data.constructor as new (n: number) => TensorData)(total);
  let at = 0;
  for (const t of inputs) {
    (data as Float32Array).set(t.data as Float32Array, at);
    at += t.data.length;
  }
  return { type: inputs[0].type, dims: [rows, ...inputs[0].dims.slice(1)], data };
}

/** Each output cut back into the parts its inputs' rows make; every output's first dimension is the batch. */
export function splitRows(outputs: Record<string, WireTensor>, rows: readonly number[]): Record<string, WireTensor>[] {
  const total = rows.reduce((a, b) => a + b, 0);
  const parts: Record<string, WireTensor>[] = rows.map(() => ({}));
  for (const [name, t] of Object.entries(outputs)) {
    if (t.dims[0] !== total) throw new Error(`output ${name} has ${t.dims[0]} rows for a batch of ${total}`);
    const perRow = total ? t.data.length / total : 0;
    let row = 0;
    rows.forEach((n, i) => {
      const data = rows.length === 1 ? t.data : t.data.slice(row * perRow, (row + n) * perRow);
      parts[i][name] = { type: t.type, dims: [n, ...t.dims.slice(1)], data };
      row += n;
    });
  }
  return parts;
}
