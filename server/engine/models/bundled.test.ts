import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUNDLED_MANIFESTS, bundledFiles } from './bundled';
import { parseManifest } from './manifest';

describe('bundled manifests', () => {
  it('are valid manifests as shipped: the schema accepts each one and adds nothing to it', () => {
    expect(BUNDLED_MANIFESTS.length).toBeGreaterThan(0);
    for (const m of BUNDLED_MANIFESTS) expect(parseManifest(m, `models/${m.id}.json`)).toEqual(m);
  });

  it('name files that are installed', () => {
    for (const m of BUNDLED_MANIFESTS) {
      for (const file of Object.values(bundledFiles(m))) expect(existsSync(file), file).toBe(true);
    }
  });
});
