// Which data dir a command uses when --data is not given: $HEARTH_DATA, else ~/.hearth. Its own module so the
// first code `hearth` runs (cli/earlyWorker.ts) can tell without loading the config schema.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.HEARTH_DATA || join(homedir(), '.hearth'));
}
