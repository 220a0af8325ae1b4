import type { Migration } from './index';

export const securityMigrations: Migration[] = [];
