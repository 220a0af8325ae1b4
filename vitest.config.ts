import { defineConfig } from 'vitest/config';

// Unit tests sit beside the code they test (server/**, main/**, bench/**); e2e/ belongs to Playwright.
export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'main/**/*.test.ts', 'bench/**/*.test.ts'],
    // The security suite runs real node processes through its own config (`npm run test:security`).
    exclude: ['**/node_modules/**', 'server/**/*.security.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Tests that make sessions themselves keep ONNX Runtime's telemetry off too (onnxTelemetry.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
  },
});
