// Shared-root confinement of job paths against a real folder tree with symlinks pointing in and out.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../../admission/principal';
import { allowedJobPath } from './jobPath';

const key: Principal = { keyId: 'k1', scopes: ['jobs'], local: false };
const owner: Principal = { keyId: null, scopes: ['infer', 'jobs', 'admin', 'metrics'], local: true };
let root: string;
let shared: string;
let secret: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'hearth-jobpath-'));
  shared = join(root, 'shared');
  secret = join(root, 'secret');
  mkdirSync(join(shared, 'scans'), { recursive: true });
  mkdirSync(secret);
  symlinkSync(secret, join(shared, 'escape'));
  symlinkSync(join(shared, 'scans'), join(root, 'alias'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('allowedJobPath', () => {
  it('lets a key use folders under a shared root, confined to the roots', () => {
    expect(allowedJobPath(join(shared, 'scans'), key, [shared])).toEqual({ path: join(shared, 'scans'), confine: [shared] });
    expect(allowedJobPath(shared, key, [shared]).path).toBe(shared);
  });

  it('refuses paths outside, dot-dot tricks and symlinks that lead out', () => {
    const refuse = (p: string): void => {
      expect(() => allowedJobPath(p, key, [shared])).toThrow(expect.objectContaining({ code: 'forbidden', status: 403 }));
    };
    refuse(secret);
    refuse(join(shared, '..', 'secret'));
    refuse(join(shared, 'escape'));
    refuse('/etc');
    expect(() => allowedJobPath(join(shared, 'scans'), key, [])).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('judges a symlink into a root by where it leads only after the written path passes', () => {
    expect(() => allowedJobPath(join(root, 'alias'), key, [shared])).toThrow(expect.objectContaining({ status: 403 }));
  });

  it('wants absolute paths from keys and reports missing folders inside roots', () => {
    expect(() => allowedJobPath('scans', key, [shared])).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => allowedJobPath(join(shared, 'nope'), key, [shared])).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('lets the local owner use any path as given', () => {
    expect(allowedJobPath(secret, owner, [])).toEqual({ path: secret });
  });
});
