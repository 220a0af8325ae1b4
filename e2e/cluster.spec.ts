// The Cluster view in a browser: a lone node lists itself and says how to join; two nodes on a real nats-server
// both show up, and one that stops shows as down.
import { join } from 'node:path';
import { getJson, killNode, startNats, startNode, tempRoot, until, type NatsServer, type NodeProc } from '../server/testkit/cluster';
import type { ClusterResponse } from '../server/contract/cluster';
import { expect, screenshot, settled, test } from './fixtures';

test('a lone node lists itself and explains how to join a cluster', async ({ page, consoleErrors }) => {
  await page.goto('/#/cluster');
  await expect(page.getByTestId('cluster-alone')).toBeVisible();
  await expect(page.getByTestId('cluster-nodes').locator('tbody tr')).toHaveCount(1);
  expect(consoleErrors).toEqual([]);
});

test('the Team node page saves the cluster setting for the next start', async ({ page, consoleErrors }) => {
  await page.goto('/#/team');
  const panel = page.getByTestId('cluster-panel');
  await expect(panel).toContainText('runs on its own');
  await page.getByTestId('cluster-url').fill('nats://127.0.0.1:4999');
  await page.getByTestId('cluster-save').click();
  await expect(page.getByTestId('cluster-saved')).toContainText('Restart the node');
  // Back to a lone node: the shared test node must start alone next time too.
  await page.getByTestId('cluster-url').fill('');
  await page.getByTestId('cluster-save').click();
  await expect(page.getByTestId('cluster-saved')).toContainText('Saved');
  expect(consoleErrors).toEqual([]);
});

test.describe('two nodes', () => {
  test.describe.configure({ timeout: 180_000 });
  const tmp = tempRoot('hearth-e2e-cluster-');
  let nats: NatsServer;
  let a: NodeProc;
  let b: NodeProc;

  test.beforeAll(async () => {
    nats = await startNats(tmp.root);
    [a, b] = await Promise.all([
      startNode({ name: 'alpha', dataDir: join(tmp.root, 'a'), natsUrl: nats.url }),
      startNode({ name: 'beta', dataDir: join(tmp.root, 'b'), natsUrl: nats.url }),
    ]);
    await until('both up', 20_000, async () => {
      const v = await getJson<ClusterResponse>(`${a.url}/v1/cluster`);
      return v.nodes.filter((n) => n.status === 'up').length === 2 ? true : undefined;
    });
  });

  test.afterAll(async () => {
    await Promise.all([a && killNode(a), b && killNode(b)]);
    await nats?.stop();
    tmp.cleanup();
  });

  test('shows both nodes up with the shared queues, then one down, in English and Chinese', async ({ page, consoleErrors }) => {
    await page.goto(`${a.url}/#/cluster`);
    await expect(page.getByTestId('node-alpha')).toContainText('up');
    await expect(page.getByTestId('node-beta')).toContainText('up');
    await expect(page.getByTestId('cluster-queues').locator('tbody tr')).toHaveCount(2);
    await expect(page.getByTestId('cluster-chart')).toBeVisible({ timeout: 10_000 });
    await settled(page);
    await screenshot(page, 'view-cluster');
    await killNode(b);
    await expect(page.getByTestId('node-beta')).toContainText('down', { timeout: 10_000 });
    await page.getByTestId('language-select').selectOption('zh');
    await expect(page.getByTestId('node-beta')).toContainText('离线');
    await expect(page.getByTestId('node-alpha')).toContainText('在线');
    expect(consoleErrors).toEqual([]);
  });
});
