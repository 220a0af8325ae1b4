// For the security suite: a real `hearth serve` child process on a fresh data dir (config.json and
// keys written first through the real CLI), with a request function that trusts the node's own TLS certificate.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runHearth, startHearth, type HearthServer } from '../../e2e/hearthProcess';
import { send, type Reply, type RequestOptions } from './request';

export interface TestNode {
  url: string;
  dataDir: string;
  /** The store key the node runs with (HEARTH_STORE_KEY). */
  storeKey: string;
  process: HearthServer;
  /** Keys created before the start, by the names given. */
  keys: Record<string, string>;
  request(method: string, path: string, opts?: Omit<RequestOptions, 'ca'>): Promise<Reply>;
  stop(): Promise<void>;
}

export interface TestNodeOptions {
  lan?: boolean;
  /** Written to <data>/config.json before the start. */
  config?: Record<string, unknown>;
  /** name → scopes, created with `hearth keys create` before the start. */
  keys?: Record<string, string[]>;
  /** Reuse a data dir (it is then left in place on stop). */
  dataDir?: string;
  env?: Record<string, string>;
}

export const TEST_STORE_KEY = 'security-suite-store-key';

export async function startTestNode(opts: TestNodeOptions = {}): Promise<TestNode> {
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'hearth-sec-'));
  const env = { HEARTH_STORE_KEY: TEST_STORE_KEY, HEARTH_LOG_CONSOLE: '0', ...opts.env };
  // One engine worker keeps the suite light on a shared machine; callers may override.
  writeFileSync(join(dataDir, 'config.json'), JSON.stringify({ engine: { workers: 1 }, ...opts.config }));
  const keys: Record<string, string> = {};
  for (const [name, scopes] of Object.entries(opts.keys ?? {})) {
    const out = runHearth(['keys', 'create', '--name', name, '--scopes', scopes.join(','), '--data', dataDir], env);
    keys[name] = out.trim().split('\n').pop() ?? '';
  }
  const proc = await startHearth(['--data', dataDir, ...(opts.lan ? ['--lan', '--host', '127.0.0.1'] : [])], env);
  const ca = opts.lan ? readFileSync(join(dataDir, 'tls', 'cert.pem')) : undefined;
  return {
    url: proc.url,
    dataDir,
    storeKey: env.HEARTH_STORE_KEY,
    process: proc,
    keys,
    request: (method, path, o = {}) => send(proc.url, method, path, { ...o, ca }),
    stop: async () => {
      await proc.stop();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
