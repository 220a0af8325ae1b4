import { defineConfig } from 'vitest/config';

// The security suite: what hostile clients and files try, against real `hearth serve` processes (`npm run test:security`).
export default defineConfig({
  test: {
    include: ['server/**/*.security.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Tests that make sessions themselves keep ONNX Runtime's telemetry off too (onnxTelemetry.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
    // Every file starts its own node; one at a time keeps a small machine from timing the suite out.
    fileParallelism: false,
  },
});
