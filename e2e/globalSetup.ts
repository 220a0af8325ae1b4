// Starts one real node for all specs: `hearth serve --port 0` on a temp data dir with a fresh store key, waits for
// its listening line and hands the URL to the specs through HEARTH_E2E_URL. Returns the teardown.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHearth } from './hearthProcess';

export default async function globalSetup(): Promise<() => Promise<void>> {
  const root = process.cwd();
  if (!existsSync(join(root, 'out', 'renderer', 'index.html'))) {
    // `npm run test:e2e` builds first; a bare `npx playwright test` gets the build here.
    const build = spawnSync(process.execPath, [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], {
      stdio: 'inherit',
    });
    if (build.status !== 0) throw new Error('electron-vite build failed');
  }

  const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-'));
  const server = await startHearth(['--data', join(dataDir, 'node')], { HEARTH_STORE_KEY: randomBytes(32).toString('hex') });
  process.env.HEARTH_E2E_URL = server.url;
  process.env.HEARTH_E2E_DATA = dataDir;

  return async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
