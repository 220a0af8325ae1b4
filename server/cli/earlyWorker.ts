// Runs first when `hearth` starts (bin/hearth.js loads it before the CLI): a `hearth ocr` that will likely
// recognise in this process boots its first engine worker now (engine/prestart.ts says why).
import { resolve } from 'node:path';
import { defaultDataDir } from '../dataDir';
import { engineCacheDir } from '../engine/cacheEntries';
import { prestartWorker } from '../engine/prestart';
import { processAlive, readNodeFile } from '../runningNode';

/** The --data value of a command line, if it has one. */
function dataFlag(args: readonly string[]): string | undefined {
  const at = args.indexOf('--data');
  if (at >= 0) return args[at + 1];
  return args.find((a) => a.startsWith('--data='))?.slice('--data='.length);
}

/**
 * The data dir of `hearth ocr …` when it will likely recognise here: not --server or --help, and (unless --local)
 * no live node serving its data dir (hearth ocr then probes that node and uses it; a worker booted here would be
 * wasted). Undefined otherwise.
 */
export function localRecognitionDir(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string | undefined {
  const args = argv.slice(2);
  if (args[0] !== 'ocr' || args.some((a) => a === '--help' || a === '-h' || a === '--server' || a.startsWith('--server=')))
    return undefined;
  const data = dataFlag(args);
  const dir = data ? resolve(data) : defaultDataDir(env);
  if (args.includes('--local')) return dir;
  const node = readNodeFile(dir);
  return node && !node.lan && processAlive(node.pid) ? undefined : dir;
}

const dataDir = localRecognitionDir(process.argv);
if (dataDir) prestartWorker(engineCacheDir(dataDir));
