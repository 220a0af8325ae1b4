// sharp loads on first use, not with the module: a worker booted ahead loads it while it waits, and a thread
// that never touches pixels never pays for it. Checked in a fresh process, where nothing else loaded it first.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('engine/sharp', () => {
  it('loads sharp at the first call, configured, and works as sharp does', () => {
    const module = fileURLToPath(new URL('./sharp.ts', import.meta.url));
    const script = `
      const { createRequire } = await import('node:module');
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((f) => /[\\\\/]sharp[\\\\/]/.test(f));
      const m = await import(${JSON.stringify(module)});
      const before = loaded();
      const png = await m.sharp({ create: { width: 3, height: 2, channels: 3, background: '#fff' } }).png().toBuffer();
      const meta = await m.sharp(png).metadata();
      console.log(JSON.stringify({ before, after: loaded(), size: [meta.width, meta.height], concurrency: m.loadSharp().concurrency() }));
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ before: false, after: true, size: [3, 2], concurrency: 1 });
  });
});
