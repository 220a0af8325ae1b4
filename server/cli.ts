// The `hearth` command: serve, ocr, keys, models, backup, doctor. Exit 2 on bad usage, 1 when the run cannot go on.
import { Command, CommanderError } from 'commander';
import { registerBackup } from './cli/backup';
import { registerDoctor } from './cli/doctor';
import { registerKeys } from './cli/keys';
import { registerModels } from './cli/models';
import { registerOcr } from './cli/ocr';
import { registerServe } from './cli/serve';
import { registerTrain } from './cli/train';
import { traceStartup } from './startupTimings';
import { VERSION } from './version';

// Runs once the modules above are loaded: Node's boot and the code load are the first two start-up spans.
traceStartup();

export const EXIT_USAGE = 2;

const program = new Command('hearth')
  .description('Hearth: your own private AI node (OCR and ONNX models) with a local console and a LAN API')
  .version(VERSION)
  .exitOverride()
  .showHelpAfterError('(run with --help for usage)');

registerServe(program);
registerOcr(program);
registerKeys(program);
registerModels(program);
registerBackup(program);
registerTrain(program);
registerDoctor(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version exit 0; every other parse error is bad usage.
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_USAGE;
  } else {
    process.stderr.write(`hearth: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
