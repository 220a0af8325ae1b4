// Billing: spend per key over the month as a chart, the top consumers, quota bars, the price card editor and
// statements to download (CSV) or print (HTML). Everything comes from /v1/billing (admin scope).
import { useState, type FormEvent, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BillingUnit, PriceCards, Quota, Spend } from '../../../server/contract/billing';
import { BILLING_UNITS } from '../../../server/contract/billing';
import { useConnection } from '../api/connection';
import { useResource } from '../api/useResource';
import { Async, Empty } from '../components/states';
import { useI18n, type MessageKey } from '../i18n';

const COLOURS = ['#d9622b', '#2b8ad9', '#2bd98a', '#8a2bd9', '#d9a52b', '#d92b5a', '#2bb5d9'];
const UNIT_LABELS: Record<BillingUnit, MessageKey> = {
  ocr_image: 'bill.unit.ocr_image',
  pdf_page: 'bill.unit.pdf_page',
  classification: 'bill.unit.classification',
  inference: 'bill.unit.inference',
  training_minute: 'bill.unit.training_minute',
};

/** One row per day, one column per key: what the stacked bar chart draws. */
function byDay(spend: Spend): { rows: Record<string, string | number>[]; keys: { id: string; name: string }[] } {
  const keys = new Map<string, string>();
  const days = new Map<string, Record<string, string | number>>();
  for (const d of spend.days) {
    keys.set(d.keyId, d.keyName ?? d.keyId);
    const row = days.get(d.day) ?? { day: d.day };
    row[d.keyId] = Number(d.amount);
    days.set(d.day, row);
  }
  return { rows: [...days.values()], keys: [...keys].map(([id, name]) => ({ id, name })) };
}

function SpendPanel({ spend }: { spend: Spend }): ReactNode {
  const { t } = useI18n();
  const chart = byDay(spend);
  return (
    <section className="panel" data-testid="billing-spend">
      <header className="panel-header">
        <h3>{t('bill.spend')}</h3>
        <span className="muted">
          {spend.from} – {spend.to} · {t('bill.total')}:{' '}
          <strong data-testid="billing-total">
            {spend.total} {spend.currency ?? ''}
          </strong>
        </span>
      </header>
      {chart.rows.length === 0 ? (
        <Empty>{t('bill.noSpend')}</Empty>
      ) : (
        <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 600, height: 220 }}>
          <BarChart data={chart.rows} margin={{ top: 4, right: 12, bottom: 0, left: -8 }}>
            <CartesianGrid strokeDasharray="3 3" className="grid" />
            <XAxis dataKey="day" tick={{ fontSize: 11 }} />
            <YAxis tick={{ fontSize: 11 }} />
            <Tooltip />
            <Legend />
            {chart.keys.map((k, i) => (
              <Bar key={k.id} dataKey={k.id} name={k.name} stackId="spend" fill={COLOURS[i % COLOURS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
      {spend.top.length > 0 && (
        <table className="table" data-testid="billing-top">
          <thead>
            <tr>
              <th>{t('bill.key')}</th>
              <th className="num">{t('bill.quantity')}</th>
              <th className="num">{t('bill.amount')}</th>
              <th>{t('bill.statement')}</th>
            </tr>
          </thead>
          <tbody>
            {spend.top.map((k) => (
              <tr key={k.keyId}>
                <td>{k.keyName ?? k.keyId}</td>
                <td className="num">{k.quantity}</td>
                <td className="num">
                  {k.amount} {spend.currency ?? ''}
                </td>
                <td>
                  <StatementLinks query={{ key: k.keyId, from: spend.from, to: spend.to }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StatementLinks({ query }: { query: { key?: string; from?: string; to?: string } }): ReactNode {
  const { t } = useI18n();
  const { client } = useConnection();
  return (
    <span className="inline">
      <a href={client.link('billingStatements', { query: { ...query, format: 'csv' } })} download data-testid="statement-csv">
        CSV
      </a>{' '}
      ·{' '}
      <a href={client.link('billingStatements', { query: { ...query, format: 'html' } })} target="_blank" rel="noreferrer">
        {t('bill.print')}
      </a>
    </span>
  );
}

function QuotaBars({ quotas }: { quotas: Quota[] }): ReactNode {
  const { t } = useI18n();
  return (
    <section className="panel" data-testid="billing-quotas">
      <h3>{t('bill.quotas')}</h3>
      {quotas.length === 0 ? (
        <Empty>{t('bill.noQuotas')}</Empty>
      ) : (
        quotas.map((q) => (
          <div key={q.id} className="quota" data-testid="quota-bar">
            <div className="quota-label">
              <strong>{q.subject.name ?? q.subject.id}</strong>{' '}
              <span className="muted">
                {t(q.period === 'day' ? 'bill.daily' : 'bill.monthly')} · {t(q.mode === 'hard' ? 'bill.hard' : 'bill.soft')} · {q.used} /{' '}
                {q.limit} {q.unit ? t(UNIT_LABELS[q.unit]) : ''}
              </span>
            </div>
            <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={q.share}>
              <div
                className={q.share >= 1 ? 'meter-fill critical' : q.share >= 0.8 ? 'meter-fill warning' : 'meter-fill'}
                style={{ width: `${Math.min(100, q.share * 100)}%` }}
              />
            </div>
            {q.share >= 0.8 && <span className="badge warning">{t(q.share >= 1 ? 'bill.quotaUsedUp' : 'bill.quotaNear')}</span>}
          </div>
        ))
      )}
    </section>
  );
}

function PriceEditor({ prices, onSaved }: { prices: PriceCards; onSaved: () => void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const current = prices.current;
  const [currency, setCurrency] = useState(current?.currency ?? 'EUR');
  const [values, setValues] = useState<Partial<Record<BillingUnit, string>>>(current?.prices ?? {});
  const [effectiveFrom, setEffectiveFrom] = useState('');
  const [error, setError] = useState<string>();

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setError(undefined);
    const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    client
      .call('setBillingPrices', { body: { currency, prices: filled, ...(effectiveFrom ? { effectiveFrom } : {}) } })
      .then(onSaved, (err: Error) => {
        setError(err.message);
        report(err);
      });
  };

  return (
    <section className="panel" data-testid="billing-prices">
      <h3>{t('bill.prices')}</h3>
      <p className="muted" data-testid="price-current">
        {current
          ? `${t('bill.inEffect')} ${current.effectiveFrom.slice(0, 16).replace('T', ' ')} UTC: ` +
            BILLING_UNITS.filter((u) => current.prices[u] !== undefined)
              .map((u) => `${t(UNIT_LABELS[u])} ${current.prices[u]} ${current.currency}`)
              .join(' · ')
          : t('bill.noPrices')}
      </p>
      <form className="form-row" onSubmit={submit}>
        <label>
          {t('bill.currency')}
          <input value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} maxLength={3} data-testid="price-currency" />
        </label>
        {BILLING_UNITS.map((u) => (
          <label key={u}>
            {t(UNIT_LABELS[u])}
            <input
              inputMode="decimal"
              placeholder="0.00"
              value={values[u] ?? ''}
              onChange={(e) => setValues({ ...values, [u]: e.target.value })}
              data-testid={`price-${u}`}
            />
          </label>
        ))}
        <label>
          {t('bill.effectiveFrom')}
          <input type="date" value={effectiveFrom} onChange={(e) => setEffectiveFrom(e.target.value)} />
        </label>
        <div className="inline">
          <button type="submit" className="primary" data-testid="price-save">
            {t('bill.savePrices')}
          </button>
          {error && <span className="error-text">{error}</span>}
        </div>
      </form>
      {prices.cards.length > 1 && (
        <table className="table">
          <thead>
            <tr>
              <th>{t('bill.effectiveFrom')}</th>
              <th>{t('bill.currency')}</th>
              {BILLING_UNITS.map((u) => (
                <th key={u} className="num">
                  {t(UNIT_LABELS[u])}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {prices.cards.map((c) => (
              <tr key={c.id}>
                <td>{c.effectiveFrom.slice(0, 16).replace('T', ' ')}</td>
                <td>{c.currency}</td>
                {BILLING_UNITS.map((u) => (
                  <td key={u} className="num">
                    {c.prices[u] ?? '–'}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Billing(): ReactNode {
  const { t } = useI18n();
  const spend = useResource((c, signal) => c.call('billingSpend', { signal }), [], { intervalMs: 10_000 });
  const quotas = useResource((c, signal) => c.call('billingQuotas', { signal }), [], { intervalMs: 10_000 });
  const prices = useResource((c, signal) => c.call('billingPrices', { signal }), []);
  return (
    <div className="stack" data-testid="billing-view">
      <Async {...spend}>{(s) => <SpendPanel spend={s} />}</Async>
      <Async {...quotas}>{(q) => <QuotaBars quotas={q.quotas} />}</Async>
      <Async {...prices}>
        {(p) => (
          <PriceEditor
            key={p.current?.id ?? 0}
            prices={p}
            onSaved={() => {
              prices.reload();
              spend.reload();
            }}
          />
        )}
      </Async>
      <section className="panel">
        <h3>{t('bill.statements')}</h3>
        <p className="muted">{t('bill.statementsHint')}</p>
        <StatementLinks query={{}} />
      </section>
    </div>
  );
}
