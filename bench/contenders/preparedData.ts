// What any earlier `hearth` run leaves in a data dir besides the store: the graphs prepared for this machine
// (cache/) and the measured provider choice (providers.json). A person's second run finds them there; the
// whole-process rows start from a copy of them with a new store, so no result of an earlier run is reused.
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { engineCacheDir } from '../../server/engine/cacheEntries';
import { PROVIDER_CHOICE_FILE } from '../../server/engine/providerChoice';
import { runMeasured } from '../measure';
import { lastWords, withoutStoreKey } from './child';
import type { BenchContext } from './types';

/** What a run leaves besides the store, as paths in a data dir. */
const leftByARun = (dataDir: string): string[] => [engineCacheDir(dataDir), join(dataDir, PROVIDER_CHOICE_FILE)];

const sources = new WeakMap<BenchContext, Promise<string>>();

/** One `hearth ocr` of the set's first image in a fresh data dir, once per bench run: the dir it leaves. */
function source(ctx: BenchContext): Promise<string> {
  let found = sources.get(ctx);
  if (!found) {
    found = (async () => {
      const dir = join(ctx.tmp, 'prepared');
      const image = join(ctx.dataset.dir, ctx.dataset.files[0]);
      const figures = await runMeasured(
        process.execPath,
        [join(ctx.root, 'bin', 'hearth.js'), 'ocr', image, '--data', dir, '--local', '--format', 'txt'],
        { cwd: ctx.root, timeoutMs: ctx.timeoutMs, env: { ...withoutStoreKey(process.env), NO_COLOR: '1' } },
      );
      if (figures.code !== 0) throw new Error(`preparing the graphs: ${lastWords(figures) || `exited with ${figures.code}`}`);
      return dir;
    })();
    sources.set(ctx, found);
  }
  return found;
}

/** A new data dir at `dir` holding the prepared graphs and provider choice of an earlier run, and no store. */
export async function preparedDataDir(ctx: BenchContext, dir: string): Promise<string> {
  const from = await source(ctx);
  mkdirSync(dir, { recursive: true });
  const to = leftByARun(dir);
  leftByARun(from).forEach((path, i) => {
    if (existsSync(path)) cpSync(path, to[i], { recursive: true });
  });
  return dir;
}
