// The desktop app's NATS server, on the real nats-server binary: which setting starts one, JetStream on the
// data dir, a server killed with -9 started again on its own, and stopped for good on quit.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../server/testkit/cluster';
import { clusterUrlSetting, findOnPath, localNatsFor, superviseNats, type NatsSupervisor } from './natsServer';

const root = mkdtempSync(join(tmpdir(), 'hearth-app-nats-'));
const binary = findOnPath('nats-server');

/** Connects, runs one JetStream call, closes: the server is up with JetStream. */
async function jetStreamAnswers(url: string): Promise<boolean> {
  const nc = await connect({ servers: url, timeout: 2_000, maxReconnectAttempts: 0 });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.getAccountInfo();
    return true;
  } finally {
    await nc.close();
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (
      await Promise.resolve()
        .then(check)
        .catch(() => false)
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('which cluster setting gets a NATS server from the app', () => {
  const data = join(root, 'plan');
  const env = { PATH: binary ? dirname(binary) : '' };

  it('finds nats-server on PATH', () => {
    expect(binary).toBeDefined();
    expect(findOnPath('nats-server', { PATH: join(root, 'nowhere') })).toBeUndefined();
  });

  it('runs one for a nats:// URL on this machine, at its port (4222 when none), storing under <data>/nats', () => {
    expect(localNatsFor('nats://127.0.0.1:4333', data, env)).toEqual({
      binary,
      host: '127.0.0.1',
      port: 4333,
      storeDir: join(data, 'nats'),
    });
    expect(localNatsFor('nats://localhost', data, env)).toMatchObject({ host: 'localhost', port: 4222 });
    expect(localNatsFor('nats://[::1]:4222', data, env)).toMatchObject({ host: '::1', port: 4222 });
  });

  it('runs none for another machine, for TLS, without a URL, or without the binary', () => {
    expect(localNatsFor('nats://queue-host:4222', data, env)).toBeUndefined();
    expect(localNatsFor('nats://10.0.0.5:4222', data, env)).toBeUndefined();
    expect(localNatsFor('tls://127.0.0.1:4222', data, env)).toBeUndefined();
    expect(localNatsFor(undefined, data, env)).toBeUndefined();
    expect(localNatsFor('nats://127.0.0.1:4222', data, { PATH: join(root, 'nowhere') })).toBeUndefined();
  });

  it('reads the URL the team-node setting saved in config.json, and nothing from a config the node would refuse', () => {
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'config.json'), JSON.stringify({ cluster: { url: 'nats://127.0.0.1:4333', name: 'desk' } }));
    expect(clusterUrlSetting(data, {})).toBe('nats://127.0.0.1:4333');
    writeFileSync(join(data, 'config.json'), JSON.stringify({ cluster: { url: 'http://not-nats' } }));
    expect(clusterUrlSetting(data, {})).toBeUndefined();
  });
});

describe('the NATS server the app supervises', () => {
  let supervisor: NatsSupervisor | undefined;
  afterAll(async () => supervisor?.stop());

  it('starts it with JetStream, starts it again after kill -9, and stops it on quit', async () => {
    const port = await freePort();
    const nats = localNatsFor(`nats://127.0.0.1:${port}`, join(root, 'data'));
    expect(nats).toBeDefined();
    const lines: string[] = [];
    supervisor = await superviseNats(nats!, { say: (l) => lines.push(l) });
    expect(supervisor?.url).toBe(`nats://127.0.0.1:${port}`);
    expect(await jetStreamAnswers(supervisor!.url)).toBe(true);

    const first = supervisor!.pid!;
    process.kill(first, 'SIGKILL');
    await waitFor('a new server process', () => supervisor!.pid !== first && jetStreamAnswers(supervisor!.url));
    expect(alive(first)).toBe(false);
    expect(lines.some((l) => /stopped \(signal SIGKILL\).*starting it again/.test(l))).toBe(true);

    const second = supervisor!.pid!;
    await supervisor!.stop();
    await waitFor('the server gone', () => !alive(second));
    await expect(jetStreamAnswers(supervisor!.url)).rejects.toThrow();
    expect(lines.filter((l) => l.includes('starting it again'))).toHaveLength(1);
  }, 60_000);

  it('leaves a server someone else runs on the port alone', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as { port: number };
    const lines: string[] = [];
    try {
      expect(
        await superviseNats(localNatsFor(`nats://127.0.0.1:${port}`, join(root, 'other'))!, { say: (l) => lines.push(l) }),
      ).toBeUndefined();
      expect(lines[0]).toContain(`already listens on 127.0.0.1:${port}`);
    } finally {
      taken.close();
    }
  });
});
