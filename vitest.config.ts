import { defineConfig } from 'vitest/config';

// Units sit beside the code (server/**, main/**, bench/** helpers); e2e/ belongs to Playwright.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'main/**/*.test.ts', 'bench/**/*.test.ts'],
    // The security suite runs real node processes through its own config (`npm run test:security`).
    exclude: ['**/node_modules/**', 'server/**/*.security.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
