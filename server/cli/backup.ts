// `hearth backup FILE [--data DIR]`: an online, encrypted copy of the store (the same key opens it).
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { configFrom, runCommand } from './common';

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write an online backup of the store to FILE (encrypted; the same store key opens it)')
    .argument('<file>', 'backup file to write (replaced when it exists)')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((file: string, flags: { data?: string }) =>
      runCommand(async () => {
        const config = configFrom({ dataDir: flags.data });
        // Loaded here so other commands do not pay for the SQLite addon at start-up.
        const { openStore } = await import('../store');
        const store = openStore({ dataDir: config.dataDir, key: config.storeKey });
        try {
          await store.backup(file);
        } finally {
          store.close();
        }
        process.stdout.write(`backup written to ${resolve(file)}\n`);
      }),
    );
}
