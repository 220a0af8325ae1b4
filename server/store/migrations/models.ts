import type { Migration } from './index';

export const modelMigrations: Migration[] = [];
