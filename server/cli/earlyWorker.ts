// Imported first by cli.ts, so it runs before the rest of the CLI's code loads: a `hearth ocr` that may
// recognise in this process boots its first engine worker now (engine/prestart.ts says why).
import { prestartWorker } from '../engine/prestart';

/** `hearth ocr …` without --server or --help: the run may need a local engine. */
export function mayRecogniseLocally(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  return args[0] === 'ocr' && !args.some((a) => a === '--help' || a === '-h' || a === '--server' || a.startsWith('--server='));
}

if (mayRecogniseLocally(process.argv)) prestartWorker();
