// `hearth keys create|list|revoke`: manage API keys by opening the store directly (the node may be stopped).
import type { Command } from 'commander';
import { SCOPES, type KeyScope as Scope } from '../contract/security';
import type { audit } from '../admission/audit';
import type { createKeyRepository } from '../admission/keys';
import type { Store } from '../store';
import { keyNameSchema } from '../contract/security';
import { configFrom, runCommand, UsageError } from './common';

interface DataFlags {
  data?: string;
}

function parseScopes(value: string): Scope[] {
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.find((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown || scopes.length === 0) {
    throw new UsageError(`scopes are a comma-separated list of ${SCOPES.join(', ')}${unknown ? `; "${unknown}" is not one` : ''}`);
  }
  return scopes as Scope[];
}

interface KeyTools {
  repo: ReturnType<typeof createKeyRepository>;
  store: Store;
  audit: typeof audit;
}

/** Opens the store for one keys command; loaded then, so other commands start without SQLite. */
async function withKeys<T>(flags: DataFlags, body: (tools: KeyTools) => T): Promise<T> {
  const config = configFrom({ dataDir: flags.data });
  const [{ openStore }, { createKeyRepository }, { audit }] = await Promise.all([
    import('../store'),
    import('../admission/keys'),
    import('../admission/audit'),
  ]);
  const store = openStore({ dataDir: config.dataDir, key: config.storeKey });
  try {
    return body({ repo: createKeyRepository(store.db), store, audit });
  } finally {
    store.close();
  }
}

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys for LAN clients (scopes: infer, jobs, admin, metrics)');

  keys
    .command('create')
    .description('create a key; it is printed once, alone on the last line')
    .requiredOption('--name <name>', 'who or what the key is for')
    .requiredOption('--scopes <list>', `comma-separated: ${SCOPES.join(',')}`)
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .action((flags: DataFlags & { name: string; scopes: string }) =>
      runCommand(async () => {
        const scopes = parseScopes(flags.scopes);
        const checked = keyNameSchema.safeParse(flags.name);
        if (!checked.success) throw new UsageError(`--name: ${checked.error.issues[0].message}`);
        const name = checked.data;
        const created = await withKeys(flags, ({ repo, store, audit }) => {
          const k = repo.create(name, scopes);
          audit(store, 'cli', 'keys.create', { id: k.id, name: k.name, scopes: k.scopes });
          return k;
        });
        process.stderr.write(
          `created key ${created.id} "${created.name}" with scopes ${created.scopes.join(',')}; it is shown only now:\n`,
        );
        process.stdout.write(`${created.key}\n`);
      }),
    );

  keys
    .command('list')
    .description('list keys (never the keys themselves)')
    .option('--data <dir>', 'data directory')
    .option('--json', 'print JSON')
    .action((flags: DataFlags & { json?: boolean }) =>
      runCommand(async () => {
        const list = await withKeys(flags, ({ repo }) => repo.list());
        if (flags.json) {
          process.stdout.write(JSON.stringify({ keys: list }, null, 2) + '\n');
          return;
        }
        if (list.length === 0) {
          process.stdout.write('no keys yet: hearth keys create --name NAME --scopes infer\n');
          return;
        }
        for (const k of list) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : `last used ${k.lastUsedAt ?? 'never'}`;
          process.stdout.write(`${k.id}  ${k.prefix}…  ${k.name}  [${k.scopes.join(',')}]  created ${k.createdAt}  ${state}\n`);
        }
      }),
    );

  keys
    .command('revoke')
    .description('revoke a key; it stops working on its next request')
    .argument('<id>', 'key id from `hearth keys list`')
    .option('--data <dir>', 'data directory')
    .action((id: string, flags: DataFlags) =>
      runCommand(async () => {
        await withKeys(flags, ({ repo, store, audit }) => {
          if (!repo.get(id)) throw new UsageError(`no key with id ${id} (see hearth keys list)`);
          if (!repo.revoke(id)) throw new Error(`key ${id} is already revoked`);
          audit(store, 'cli', 'keys.revoke', { id });
        });
        process.stdout.write(`revoked ${id}\n`);
      }),
    );
}
