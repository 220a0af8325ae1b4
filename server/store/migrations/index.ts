// All schema migrations, by version. Each area keeps its own list (core 1–99, security 100–199,
// models 200–299, billing 300–399, training 400–499) so they can evolve apart; the store applies the pending ones in
// order at start.
import { billingMigrations } from './billing';
import { coreMigrations } from './core';
import { modelMigrations } from './models';
import { securityMigrations } from './security';
import { trainingMigrations } from './training';

export interface Migration {
  version: number;
  name: string;
  /** SQL run inside one transaction. */
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  ...coreMigrations,
  ...securityMigrations,
  ...modelMigrations,
  ...billingMigrations,
  ...trainingMigrations,
].sort((a, b) => a.version - b.version);
