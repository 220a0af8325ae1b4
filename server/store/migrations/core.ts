import type { Migration } from './index';

export const coreMigrations: Migration[] = [];
