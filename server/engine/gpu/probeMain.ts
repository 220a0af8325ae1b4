// A child process that measures one provider on the fixed OCR workload and prints the result as JSON lines:
// {"loaded":true} once the sessions are loaded, then {"ms":…,"rounds":…} or {"reason":"…"}. A process, not a
// thread: the parent can stop a run that takes too long, and a driver that crashes takes only this with it.
//
//   node probe.js <provider> <threads> <budgetMs> [cacheDir]
import { ensurePrivateDir } from '../../dataDir';
import { loadOcrModels } from '../ocr/pipeline';
import { firstLine } from '../session';
import { OCR_MODEL_NAMES } from './protocol';
import { runOn } from './wire';
import { WORKLOAD_ROUNDS, workloadInput } from './workload';

const [provider = 'cpu', threadsArg = '1', budgetArg = 'Infinity', cacheArg] = process.argv.slice(2);
const say = (msg: object): void => void process.stdout.write(`${JSON.stringify(msg)}\n`);

/**
 * The graph cache, made owner-only like everything in the data dir whatever this process creates; undefined when
 * it cannot be made: the measurement then prepares the graphs in memory, and the engine prepares its own later.
 */
function usableCache(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  try {
    ensurePrivateDir(dir);
    return dir;
  } catch {
    return undefined;
  }
}

try {
  const cacheDir = usableCache(cacheArg);
  const loaded = await loadOcrModels({ providers: [provider], threads: Number(threadsArg), strict: true, cacheDir });
  const models = { det: loaded.det, cls: await loaded.cls(), rec: loaded.rec };
  say({ loaded: true });
  const inputs = OCR_MODEL_NAMES.map((m) => [m, workloadInput(m)] as const);
  const round = async (): Promise<number> => {
    const t0 = performance.now();
    for (const [m, input] of inputs) await runOn(models[m], input);
    return performance.now() - t0;
  };
  await round();
  const times: number[] = [];
  // A round that takes longer than the budget has lost already: no need to time more of them.
  for (let i = 0; i < WORKLOAD_ROUNDS && !(times[i - 1] > Number(budgetArg)); i++) times.push(await round());
  times.sort((a, b) => a - b);
  say({ ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10, rounds: times.length });
} catch (err) {
  say({ reason: firstLine(err) });
}
process.exit(0);
