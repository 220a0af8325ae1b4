// Billing: spend per key over the month as a chart, the top consumers, quota bars with a form to add, change and
// remove quotas, the price card editor and statements to download (CSV) or print (HTML). Everything comes from
// /v1/billing (admin scope); what the node refuses is shown as the node words it.
import { useState, type FormEvent, type ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { BillingGroup, BillingUnit, PriceCards, Quota, QuotaInput, Spend } from '../../../server/contract/billing';
import { BILLING_UNITS, QUOTA_MODES, QUOTA_PERIODS } from '../../../server/contract/billing';
import type { ApiKeySummary } from '../../../server/contract/security';
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

/** What the quota form holds: the API's input as the person typed it. */
interface QuotaDraft {
  /** "key:<id>" or "group:<id>". */
  subject: string;
  period: Quota['period'];
  mode: Quota['mode'];
  measure: 'units' | 'money';
  unit: BillingUnit;
  limit: string;
}

const EMPTY_DRAFT: QuotaDraft = { subject: '', period: 'month', mode: 'hard', measure: 'units', unit: 'ocr_image', limit: '' };

function draftOf(q: Quota): QuotaDraft {
  return {
    subject: `${q.subject.kind}:${q.subject.id}`,
    period: q.period,
    mode: q.mode,
    measure: q.unit ? 'units' : 'money',
    unit: q.unit ?? 'ocr_image',
    limit: q.limit,
  };
}

/** The draft as the API takes it; the node checks it and says what is wrong. */
function inputOf(d: QuotaDraft): QuotaInput {
  const colon = d.subject.indexOf(':');
  const id = d.subject.slice(colon + 1);
  const subject = d.subject.slice(0, colon) === 'group' ? { group: id } : { key: id };
  const limit = d.limit.trim();
  const base = { subject, period: d.period, mode: d.mode };
  if (limit === '') return d.measure === 'units' ? { ...base, unit: d.unit } : base;
  return d.measure === 'units' ? { ...base, unit: d.unit, units: Number(limit) } : { ...base, amount: limit };
}

function QuotaForm({
  keys,
  groups,
  currency,
  editing,
  onDone,
}: {
  keys: ApiKeySummary[];
  groups: BillingGroup[];
  currency: string | null;
  editing: Quota | null;
  onDone: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [draft, setDraft] = useState<QuotaDraft>(editing ? draftOf(editing) : EMPTY_DRAFT);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<QuotaDraft>): void => setDraft({ ...draft, ...change });

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setError(undefined);
    if (!draft.subject) {
      setError(t('bill.quotaPickSubject'));
      return;
    }
    setBusy(true);
    const body = inputOf(draft);
    const saved = editing
      ? client.call('updateBillingQuota', { params: { id: editing.id }, body })
      : client.call('createBillingQuota', { body });
    saved.then(
      () => {
        setBusy(false);
        setDraft(EMPTY_DRAFT);
        onDone();
      },
      (err: Error) => {
        setBusy(false);
        setError(err.message);
        report(err);
      },
    );
  };

  return (
    <form className="form-row" onSubmit={submit} data-testid="quota-form">
      <label>
        {t('bill.quotaFor')}
        <select value={draft.subject} onChange={(e) => set({ subject: e.target.value })} data-testid="quota-subject">
          <option value="">–</option>
          <optgroup label={t('bill.keys')}>
            {keys
              .filter((k) => !k.revokedAt)
              .map((k) => (
                <option key={k.id} value={`key:${k.id}`}>
                  {k.name}
                </option>
              ))}
          </optgroup>
          <optgroup label={t('bill.groups')}>
            {groups.map((g) => (
              <option key={g.id} value={`group:${g.id}`}>
                {g.name}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label>
        {t('bill.period')}
        <select value={draft.period} onChange={(e) => set({ period: e.target.value as Quota['period'] })} data-testid="quota-period">
          {QUOTA_PERIODS.map((p) => (
            <option key={p} value={p}>
              {t(p === 'day' ? 'bill.daily' : 'bill.monthly')}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('bill.mode')}
        <select value={draft.mode} onChange={(e) => set({ mode: e.target.value as Quota['mode'] })} data-testid="quota-mode">
          {QUOTA_MODES.map((m) => (
            <option key={m} value={m}>
              {t(m === 'hard' ? 'bill.hard' : 'bill.soft')}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('bill.measure')}
        <select
          value={draft.measure === 'money' ? 'money' : draft.unit}
          onChange={(e) =>
            set(e.target.value === 'money' ? { measure: 'money' } : { measure: 'units', unit: e.target.value as BillingUnit })
          }
          data-testid="quota-measure"
        >
          {BILLING_UNITS.map((u) => (
            <option key={u} value={u}>
              {t(UNIT_LABELS[u])}
            </option>
          ))}
          <option value="money">{`${t('bill.money')}${currency ? ` (${currency})` : ''}`}</option>
        </select>
      </label>
      <label>
        {t('bill.limit')}
        <input
          inputMode={draft.measure === 'money' ? 'decimal' : 'numeric'}
          value={draft.limit}
          onChange={(e) => set({ limit: e.target.value })}
          data-testid="quota-limit"
        />
      </label>
      <div className="inline">
        <button type="submit" className="primary" disabled={busy} data-testid="quota-save">
          {t(editing ? 'bill.saveQuota' : 'bill.addQuota')}
        </button>
        {editing && (
          <button type="button" onClick={onDone}>
            {t('common.cancel')}
          </button>
        )}
        {error && (
          <span className="error-text" role="alert" data-testid="quota-error">
            {error}
          </span>
        )}
      </div>
    </form>
  );
}

function QuotaPanel({
  quotas,
  keys,
  groups,
  currency,
  onChanged,
}: {
  quotas: Quota[];
  keys: ApiKeySummary[];
  groups: BillingGroup[];
  currency: string | null;
  onChanged: () => void;
}): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [editing, setEditing] = useState<Quota | null>(null);
  const [error, setError] = useState<string>();

  const remove = (q: Quota): void => {
    setError(undefined);
    client.call('deleteBillingQuota', { params: { id: q.id } }).then(onChanged, (err: Error) => {
      setError(err.message);
      report(err);
    });
  };

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
                {q.limit} {q.unit ? t(UNIT_LABELS[q.unit]) : (currency ?? '')}
              </span>
            </div>
            <div className="meter" role="meter" aria-valuemin={0} aria-valuemax={1} aria-valuenow={q.share}>
              <div
                className={q.share >= 1 ? 'meter-fill critical' : q.share >= 0.8 ? 'meter-fill warning' : 'meter-fill'}
                style={{ width: `${Math.min(100, q.share * 100)}%` }}
              />
            </div>
            <span className="inline">
              {q.share >= 0.8 && <span className="badge warning">{t(q.share >= 1 ? 'bill.quotaUsedUp' : 'bill.quotaNear')}</span>}
              <button type="button" onClick={() => setEditing(q)} data-testid="quota-edit">
                {t('bill.edit')}
              </button>
              <button type="button" className="danger" onClick={() => remove(q)} data-testid="quota-delete">
                {t('bill.delete')}
              </button>
            </span>
          </div>
        ))
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <h4>{t(editing ? 'bill.editQuota' : 'bill.newQuota')}</h4>
      <QuotaForm
        key={editing?.id ?? 'new'}
        keys={keys}
        groups={groups}
        currency={currency}
        editing={editing}
        onDone={() => {
          setEditing(null);
          onChanged();
        }}
      />
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
  const keys = useResource((c, signal) => c.call('listKeys', { signal }), []);
  const groups = useResource((c, signal) => c.call('billingGroups', { signal }), []);
  return (
    <div className="stack" data-testid="billing-view">
      <Async {...spend}>{(s) => <SpendPanel spend={s} />}</Async>
      <Async {...quotas}>
        {(q) => (
          <QuotaPanel
            quotas={q.quotas}
            keys={keys.data?.keys ?? []}
            groups={groups.data?.groups ?? []}
            currency={prices.data?.current?.currency ?? null}
            onChanged={() => {
              quotas.reload();
              keys.reload();
              groups.reload();
            }}
          />
        )}
      </Async>
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
