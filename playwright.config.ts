// E2E: the built console in Debian Chromium against a real `hearth serve` on a temp data dir (e2e/globalSetup.ts).
// One worker: the specs share one node, and the machine running them has few cores.
import { defineConfig } from '@playwright/test';

/** Debian's chromium package; `playwright install` is neither needed nor possible here. */
const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/lib/chromium/chromium';

export default defineConfig({
  testDir: 'e2e',
  testMatch: /.*\.spec\.ts$/,
  globalSetup: './e2e/globalSetup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  outputDir: 'test-results/artifacts',
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    acceptDownloads: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
});
