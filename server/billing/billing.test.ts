// Billing on a whole node over real HTTP: prices at the time of use, a price change splitting a period, a hard
// quota raced by 16 clients admitting exactly what is left, a soft quota warning once, statements that add up to
// the metered usage, and the 4xx answers for what cannot be billed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import type { Job } from '../contract/jobs';
import { makeImageFolder } from '../testkit/imageFolder';
import type { PriceCard, Quota, Statement } from '../contract/billing';
import type { AuditResponse, CreatedKeyResponse, UsageResponse } from '../contract/security';
import { startServer, type RunningServer } from '../serve';
import { renderText } from '../testkit/renderText';

let root: string;
let server: RunningServer;
let url: string;
let image: Buffer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'hearth-billing-'));
  await makeImageFolder(join(root, 'scans'), 3);
  const config = loadConfig(
    { dataDir: join(root, 'data'), port: 0, engine: { workers: 1, queueDepth: 64 }, sharedRoots: [join(root, 'scans')] },
    { HEARTH_STORE_KEY: 'billing-key' },
  );
  server = await startServer(config);
  url = server.url;
  image = await renderText({ lines: ['Page 1'], fontSize: 24 });
});

afterAll(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

async function newKey(name: string, scopes = ['infer']): Promise<CreatedKeyResponse> {
  const r = await call('POST', '/v1/keys', { name, scopes });
  expect(r.status).toBe(201);
  return r.json as CreatedKeyResponse;
}

function ocr(key: string): Promise<Response> {
  return fetch(`${url}/v1/ocr`, { method: 'POST', headers: { 'content-type': 'image/png', authorization: `Bearer ${key}` }, body: image });
}

async function statementFor(keyId: string): Promise<Statement> {
  const r = await call('GET', `/v1/billing/statements?key=${keyId}`);
  expect(r.status).toBe(200);
  return r.json as Statement;
}

describe('billing', () => {
  it('charges the price in effect at the time of use; a change splits the period and never rewrites past charges', async () => {
    const key = await newKey('scanner');
    const first = await call('POST', '/v1/billing/prices', { currency: 'eur', prices: { ocr_image: '0.0015', classification: '0.001' } });
    expect(first.status).toBe(201);
    expect(first.json).toMatchObject({ currency: 'EUR', prices: { ocr_image: '0.0015' } });
    for (let i = 0; i < 3; i++) expect((await ocr(key.key)).status).toBe(200);
    // A card that starts tomorrow changes nothing today.
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await call('POST', '/v1/billing/prices', { currency: 'EUR', effectiveFrom: tomorrow, prices: { ocr_image: '9' } })).status,
    ).toBe(201);
    expect((await ocr(key.key)).status).toBe(200);
    const second = (await call('POST', '/v1/billing/prices', { currency: 'EUR', prices: { ocr_image: '0.002' } })).json as PriceCard;
    for (let i = 0; i < 2; i++) expect((await ocr(key.key)).status).toBe(200);

    const s = await statementFor(key.id);
    expect(s.lines.map((l) => [l.unit, l.quantity, l.unitPrice, l.amount])).toEqual([
      ['ocr_image', 4, '0.0015', '0.006'],
      ['ocr_image', 2, '0.002', '0.004'],
    ]);
    expect(s.totals).toEqual([{ currency: 'EUR', amount: '0.01', exact: '0.01' }]);
    const prices = (await call('GET', '/v1/billing/prices')).json as { current: PriceCard; cards: PriceCard[] };
    expect(prices.current.id).toBe(second.id);
    expect(prices.cards).toHaveLength(3);

    // The statement adds up to what metering counted for the key, to the cent.
    const usage = (await call('GET', `/v1/usage?key=${key.id}`)).json as UsageResponse;
    expect(usage.rows.reduce((n, r) => n + r.images, 0)).toBe(s.lines.reduce((n, l) => n + l.quantity, 0));
  });

  it('a hard quota raced by 16 clients admits exactly the units left', async () => {
    const key = await newKey('batch-robot');
    const quota = await call('POST', '/v1/billing/quotas', {
      subject: { key: key.id },
      period: 'month',
      mode: 'hard',
      unit: 'ocr_image',
      units: 10,
    });
    expect(quota.status).toBe(201);
    for (let i = 0; i < 3; i++) expect((await ocr(key.key)).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 16 }, () => ocr(key.key)));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(7);
    expect(statuses.filter((s) => s === 429)).toHaveLength(9);
    const refused = answers.find((r) => r.status === 429);
    const body = (await refused?.json()) as {
      error: { code: string; message: string; quota: { limit: string; used: string; resetsAt: string } };
    };
    expect(body.error.code).toBe('quota_exceeded');
    expect(body.error.message).toMatch(/monthly hard quota of key batch-robot is used up: 10 ocr_image of 10 ocr_image/);
    expect(body.error.quota).toMatchObject({ limit: '10', used: '10' });
    expect(Date.parse(body.error.quota.resetsAt)).toBeGreaterThan(Date.now());
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0);
    const list = (await call('GET', '/v1/billing/quotas')).json as { quotas: Quota[] };
    expect(list.quotas.find((q) => q.subject.id === key.id)).toMatchObject({ used: '10', limit: '10', share: 1 });
    expect((await statementFor(key.id)).lines.reduce((n, l) => n + l.quantity, 0)).toBe(10);
  });

  it('a soft quota warns from 80 % on, once in the audit log, and never refuses', async () => {
    const key = await newKey('intern');
    const soft = (
      await call('POST', '/v1/billing/quotas', { subject: { key: key.id }, period: 'day', mode: 'soft', unit: 'ocr_image', units: 5 })
    ).json as Quota;
    const warnings: (string | null)[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await ocr(key.key);
      expect(r.status).toBe(200);
      warnings.push(r.headers.get('x-hearth-quota-warning'));
    }
    expect(warnings.slice(0, 3)).toEqual([null, null, null]);
    expect(warnings[3]).toMatch(/daily soft quota of key intern: 80 % used/);
    expect(warnings[6]).toMatch(/100 % used/);
    const auditLog = (await call('GET', '/v1/audit?limit=200')).json as AuditResponse;
    expect(auditLog.entries.filter((e) => e.action === 'billing.quota.warning' && e.detail.quota === soft.id)).toHaveLength(1);
  });

  it('groups share a money quota and a statement', async () => {
    const a = await newKey('dept-a-1');
    const b = await newKey('dept-a-2');
    const group = (await call('POST', '/v1/billing/groups', { name: 'Department A', keys: [a.id, b.id] })).json as { id: string };
    // 0.002 EUR per image: a 0.006 EUR cap takes three images, whichever key sends them.
    expect(
      (await call('POST', '/v1/billing/quotas', { subject: { group: group.id }, period: 'month', mode: 'hard', amount: '0.006' })).status,
    ).toBe(201);
    expect((await ocr(a.key)).status).toBe(200);
    expect((await ocr(b.key)).status).toBe(200);
    expect((await ocr(a.key)).status).toBe(200);
    expect((await ocr(b.key)).status).toBe(429);
    const s = (await call('GET', `/v1/billing/statements?group=${group.id}`)).json as Statement;
    expect(s.subject).toMatchObject({ kind: 'group', name: 'Department A' });
    expect(s.totals[0]).toMatchObject({ currency: 'EUR', exact: '0.006', amount: '0.01' });
    const csv = await (await fetch(`${url}/v1/billing/statements?group=${group.id}&format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('day,key_id,key_name,unit,quantity,unit_price,amount,currency');
    expect(csv).toContain('total,,,,,,0.01,EUR');
    const html = await fetch(`${url}/v1/billing/statements?group=${group.id}&format=html`);
    expect(html.headers.get('content-type')).toMatch(/text\/html/);
    expect(await html.text()).toContain('Group Department A');
  });

  it('changes a quota in place, keeping its count, and refuses a second quota that would count the same use', async () => {
    const key = await newKey('editor');
    const input = { subject: { key: key.id }, period: 'day', mode: 'hard', unit: 'ocr_image', units: 2 };
    const quota = (await call('POST', '/v1/billing/quotas', input)).json as Quota;
    expect((await ocr(key.key)).status).toBe(200);
    expect((await ocr(key.key)).status).toBe(200);
    expect((await ocr(key.key)).status).toBe(429);
    const raised = await call('PUT', `/v1/billing/quotas/${quota.id}`, { ...input, units: 3 });
    expect(raised.status).toBe(200);
    expect(raised.json).toMatchObject({ id: quota.id, used: '2', limit: '3' });
    expect((await ocr(key.key)).status).toBe(200);
    expect((await ocr(key.key)).status).toBe(429);
    const twin = await call('POST', '/v1/billing/quotas', { ...input, units: 5 });
    expect(twin.status).toBe(409);
    expect(JSON.stringify(twin.json)).toMatch(/daily hard quota of key editor in ocr_image exists already/);
    expect((await call('POST', '/v1/billing/quotas', { ...input, mode: 'soft', units: 5 })).status).toBe(201);
    expect((await call('PUT', '/v1/billing/quotas/nope', input)).status).toBe(404);
    const actions = ((await call('GET', '/v1/audit?limit=500')).json as AuditResponse).entries.map((e) => e.action);
    expect(actions).toContain('billing.quota.update');
  });

  it("charges a job's files to the key that created it, and refuses new jobs once a hard quota is used up", async () => {
    const key = await newKey('night-batch', ['jobs']);
    const start = (): Promise<Response> =>
      fetch(`${url}/v1/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key.key}` },
        body: JSON.stringify({ path: join(root, 'scans'), recursive: true }),
      });
    const created = await start();
    expect(created.status).toBe(201);
    const job = (await created.json()) as Job;
    for (let i = 0; i < 200; i++) {
      const state = ((await call('GET', `/v1/jobs/${job.id}`)).json as Job).state;
      if (state === 'done') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const s = await statementFor(key.id);
    expect(s.lines.reduce((n, l) => n + l.quantity, 0)).toBe(3);
    expect(
      (await call('POST', '/v1/billing/quotas', { subject: { key: key.id }, period: 'month', mode: 'hard', unit: 'ocr_image', units: 3 }))
        .status,
    ).toBe(201);
    const refused = await start();
    expect(refused.status).toBe(429);
  });

  it('refuses what cannot be billed with a clear 4xx, and audits every change', async () => {
    const negative = await call('POST', '/v1/billing/prices', { currency: 'EUR', prices: { ocr_image: -1 } });
    expect(negative.status).toBe(400);
    expect(JSON.stringify(negative.json)).toMatch(/cannot be negative/);
    const currency = await call('POST', '/v1/billing/prices', { currency: 'EUX', prices: { ocr_image: '1' } });
    expect(currency.status).toBe(400);
    expect(JSON.stringify(currency.json)).toMatch(/ISO 4217/);
    expect((await call('POST', '/v1/billing/prices', { currency: 'EUR', prices: {} })).status).toBe(400);
    const key = await newKey('leaver');
    expect((await call('DELETE', `/v1/keys/${key.id}`)).status).toBe(200);
    const revoked = await call('POST', '/v1/billing/quotas', {
      subject: { key: key.id },
      period: 'day',
      mode: 'hard',
      unit: 'ocr_image',
      units: 1,
    });
    expect(revoked.status).toBe(409);
    expect(JSON.stringify(revoked.json)).toMatch(/revoked/);
    expect((await call('POST', '/v1/billing/quotas', { subject: { key: 'nope' }, period: 'day', mode: 'hard', amount: '1' })).status).toBe(
      404,
    );
    expect((await call('POST', '/v1/billing/quotas', { subject: { key: key.id }, period: 'week', mode: 'hard', amount: '1' })).status).toBe(
      400,
    );
    expect((await call('GET', '/v1/billing/statements?from=2026-12-05&to=2026-12-01')).status).toBe(400);
    const actions = ((await call('GET', '/v1/audit?limit=500')).json as AuditResponse).entries.map((e) => e.action);
    expect(actions.filter((a) => a === 'billing.prices').length).toBeGreaterThanOrEqual(3);
    expect(actions).toContain('billing.quota.create');
    expect(actions).toContain('billing.group.create');
  });
});
