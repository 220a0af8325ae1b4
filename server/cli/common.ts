// What every CLI command shares: building the config from flags, and usage errors (exit 2).
import { InvalidArgumentError } from 'commander';
import { ConfigError, loadConfig, type Config, type ConfigOverrides } from '../config';
import { isProviderName, PROVIDER_NAMES, type ProviderName } from '../engine/providers';

export class UsageError extends Error {}

/** Config from defaults, <data>/config.json, env and these flags; a bad setting is a usage error. */
export function configFrom(flags: ConfigOverrides): Config {
  try {
    return loadConfig(flags);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}

export function parsePort(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 0 to 65535');
  return n;
}

/** `--workers`, `--threads-per-worker`: 0 (the cores shared out) up to 64, as the config allows. */
export function parseEngineWidth(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new InvalidArgumentError('a whole number from 0 (one per core) to 64');
  return n;
}

/** Runs a command body: UsageError → exit 2, any other error → exit 1 with a one-line message. */
export async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`hearth: ${message}\n`);
    process.exitCode = err instanceof UsageError ? 2 : 1;
  }
}

/** `--provider NAME`: one of the known execution providers (the measured choice is what runs without it). */
export function parseProvider(value: string): ProviderName {
  if (!isProviderName(value)) throw new InvalidArgumentError(`the provider is one of ${PROVIDER_NAMES.join(', ')}`);
  return value;
}

export const PROVIDER_OPTION_HELP = `run the OCR on this execution provider (${PROVIDER_NAMES.join(', ')}) instead of the measured choice`;
