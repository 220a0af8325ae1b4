// The desktop app's smoke flow through Playwright's Electron driver: the window opens on the console its own node
// serves, and an image picked on Recognise shows its text. Skipped, with the reason printed, where the Electron
// binary is absent (it is never downloaded during `npm ci` here).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { squashed, textImage } from './fixtures';

/** Finds the Electron executable without node_modules/electron's download-on-require. */
function electronBinary(): { path: string } | { missing: string } {
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile))
    return { missing: 'the Electron binary was never downloaded (node node_modules/electron/install.js fetches it)' };
  const path = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(dir, 'dist'), readFileSync(pathFile, 'utf8').trim());
  return existsSync(path) ? { path } : { missing: `the Electron binary is missing at ${path}` };
}

const binary = electronBinary();

test('desktop app: window, node and recognise', async () => {
  if ('missing' in binary) {
    console.log(`electron.spec skipped: ${binary.missing}`);
    test.skip(true, binary.missing);
    return;
  }
  test.setTimeout(180_000);
  const userData = mkdtempSync(join(tmpdir(), 'hearth-electron-'));
  const app = await electron.launch({
    executablePath: binary.path,
    args: ['.', `--user-data-dir=${userData}`, '--no-sandbox', '--disable-gpu'],
    cwd: process.cwd(),
    env: { ...process.env, HEARTH_STORE_KEY: '' },
    timeout: 120_000,
  });
  try {
    const window = await app.firstWindow({ timeout: 120_000 });
    await expect(window.getByTestId('nav-recognise')).toBeVisible({ timeout: 120_000 });
    expect(await window.evaluate(() => typeof (globalThis as { hearth?: unknown }).hearth)).toBe('object');
    await window.getByTestId('nav-recognise').click();
    await window
      .getByTestId('file-input')
      .setInputFiles({ name: 'desk.png', mimeType: 'image/png', buffer: await textImage(['Desktop smoke test']) });
    await expect
      .poll(async () => squashed(await window.getByTestId('ocr-line-text').first().textContent()), { timeout: 30_000 })
      .toContain('desktop');
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
