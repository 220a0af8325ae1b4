// Gives the memory of large decoded images back to the system soon after they are done. A decoded page is one big
// buffer that V8 frees only when it next collects garbage; an idle worker may not collect for minutes, so each
// worker would keep its last large image resident. Workers count the pixels they decoded and collect once that
// passes a threshold, after the answer has gone out.
import v8 from 'node:v8';
import vm from 'node:vm';

/** About 16 MP (~50 MB of RGB): below this, V8's own rhythm is soon enough. */
const COLLECT_AFTER_PIXELS = 16_000_000;

let decoded = 0;
let collect: (() => void) | undefined;

function collector(): () => void {
  if (!collect) {
    // The one way to reach V8's collector from running code without a start flag.
    v8.setFlagsFromString('--expose-gc');
    collect = vm.runInNewContext('gc') as () => void;
  }
  return collect;
}

/** Records a decoded image's size. */
export function noteDecoded(pixels: number): void {
  decoded += pixels;
}

/** Collects garbage when enough pixels were decoded since the last time; call between tasks. */
export function releaseDecoded(): void {
  if (decoded < COLLECT_AFTER_PIXELS) return;
  decoded = 0;
  collector()();
}
