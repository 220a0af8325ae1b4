// `npm start`: builds and launches the desktop app, or explains how to get the Electron runtime where its
// binary is absent (it is never downloaded during `npm ci` here) and exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The Electron executable, found the way node_modules/electron/index.js does, but without its download attempt. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return { missing: `the Electron binary was never downloaded (no ${pathFile})` };
  const rel = readFileSync(pathFile, 'utf8').trim();
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || join(pkgDir, 'dist');
  const binary = join(dist, rel);
  if (!existsSync(binary)) return { missing: `the Electron binary is missing (${binary})` };
  return { binary };
}

const found = electronBinary();
if (!found.binary) {
  process.stderr.write(
    [
      `hearth: cannot start the desktop app: ${found.missing}.`,
      '',
      '  Run the node and its web console without Electron:',
      '    npm run serve            then open http://127.0.0.1:8686',
      '',
      '  To install the Electron runtime on a machine that can download it:',
      '    node node_modules/electron/install.js      (or: npm install electron)',
      '  then run `npm start` again.',
      '',
    ].join('\n'),
  );
  process.exit(1);
}

const build = spawnSync(
  process.execPath,
  [join(dirname(require.resolve('electron-vite/package.json')), 'bin', 'electron-vite.js'), 'build'],
  { stdio: 'inherit' },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const run = spawnSync(found.binary, ['.'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
