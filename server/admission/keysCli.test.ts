// `hearth keys` as an owner uses it: the key printed once alone on the last stdout line, list without secrets,
// revoke by id, bad scopes as a usage error (exit 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { KeyListResponse } from '../contract/security';

const BIN = new URL('../../bin/hearth.js', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'hearth-keys-cli-'));

function hearth(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args, '--data', dataDir], {
    env: { ...process.env, HEARTH_STORE_KEY: 'keys-cli-test-key', HEARTH_LOG_CONSOLE: '0' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('hearth keys', () => {
  it('creates, lists and revokes keys', () => {
    const created = hearth('keys', 'create', '--name', 'ci runner', '--scopes', 'infer,jobs');
    expect(created.code).toBe(0);
    const lines = created.stdout.trimEnd().split('\n');
    const key = lines.at(-1)!;
    expect(key).toMatch(/^hk_[A-Za-z0-9_-]{43}$/);

    const listed = hearth('keys', 'list', '--json');
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(key);
    const { keys } = JSON.parse(listed.stdout) as KeyListResponse;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: 'ci runner', scopes: ['infer', 'jobs'], revokedAt: null });
    expect(key.startsWith(keys[0].prefix)).toBe(true);

    const revoked = hearth('keys', 'revoke', keys[0].id);
    expect(revoked.code).toBe(0);
    const again = JSON.parse(hearth('keys', 'list', '--json').stdout) as KeyListResponse;
    expect(again.keys[0].revokedAt).toBeTruthy();
  });

  it('treats unknown scopes as bad usage (exit 2)', () => {
    const bad = hearth('keys', 'create', '--name', 'x', '--scopes', 'infer,root');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"root" is not one');
  });
});
