// Monitoring: the node's own short history as charts (requests/s, p50/p95, queue, CPU, memory, errors, engine
// time per model), images per key today, current alerts and the thresholds that raise them.
import type { ReactNode } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AlertThresholds } from '../../../server/contract/security';
import { useResource } from '../api/useResource';
import { Async, Empty } from '../components/states';
import { useI18n, type MessageKey } from '../i18n';

const POLL_MS = 5_000;
const CHART_HEIGHT = 180;

interface Series {
  key: string;
  name: string;
  colour: string;
}

function Chart({
  title,
  data,
  series,
  legend = series.length > 1,
}: {
  title: MessageKey;
  data: Record<string, number | string | null>[];
  series: Series[];
  legend?: boolean;
}): ReactNode {
  const { t } = useI18n();
  return (
    <section className="panel chart" data-testid={`chart-${title}`}>
      <h3>{t(title)}</h3>
      <ResponsiveContainer width="100%" height={CHART_HEIGHT} initialDimension={{ width: 400, height: CHART_HEIGHT }}>
        <LineChart data={data} margin={{ top: 4, right: 12, bottom: 0, left: -12 }}>
          <CartesianGrid strokeDasharray="3 3" className="grid" />
          <XAxis dataKey="time" tick={{ fontSize: 11 }} minTickGap={40} />
          <YAxis tick={{ fontSize: 11 }} allowDecimals />
          <Tooltip />
          {legend && <Legend />}
          {series.map((s) => (
            <Line
              key={s.key}
              type="monotone"
              dataKey={s.key}
              name={s.name}
              stroke={s.colour}
              dot={false}
              isAnimationActive={false}
              connectNulls
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </section>
  );
}

const MODEL_COLOURS = ['#d9622b', '#2b8ad9', '#2bd98a', '#8a2bd9', '#d9a52b', '#d92b5a', '#2bb5d9'];

const percent = (v: number): string => `${Math.round(v * 100)} %`;
const gigabytes = (v: number): string => `${(v / 1e9).toFixed(1)} GB`;

/** Each alert's warning and critical level, in the unit its chart uses. */
function Thresholds({ thresholds }: { thresholds: AlertThresholds }): ReactNode {
  const { t } = useI18n();
  const rows: [MessageKey, string, string][] = [
    ['mon.errors', percent(thresholds.errorRate.warning), percent(thresholds.errorRate.critical)],
    ['mon.latency', `p95 ≥ ${thresholds.p95Ms.warning}`, `p95 ≥ ${thresholds.p95Ms.critical}`],
    ['mon.queue', percent(thresholds.queueShare.warning), percent(thresholds.queueShare.critical)],
    ['mon.disk', `≤ ${gigabytes(thresholds.diskFreeBytes.warning)}`, `≤ ${gigabytes(thresholds.diskFreeBytes.critical)}`],
  ];
  return (
    <table className="table" data-testid="alert-thresholds">
      <thead>
        <tr>
          <th>{t('mon.thresholds')}</th>
          <th>{t('mon.warning')}</th>
          <th>{t('mon.critical')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, warning, critical]) => (
          <tr key={label}>
            <td>{t(label)}</td>
            <td>{warning}</td>
            <td>{critical}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Monitoring(): ReactNode {
  const { t } = useI18n();
  const monitor = useResource((c, signal) => c.call('monitor', { signal }), [], { intervalMs: POLL_MS });
  const today = new Date().toISOString().slice(0, 10);
  const usage = useResource((c, signal) => c.call('usage', { signal, query: { from: today, to: today } }), [today], {
    intervalMs: POLL_MS * 6,
  });

  return (
    <Async {...monitor}>
      {(m) => {
        const data = m.samples.map((s) => ({
          time: new Date(s.t).toLocaleTimeString(),
          rps: s.requestsPerSec,
          p50: s.p50Ms,
          p95: s.p95Ms,
          queue: s.queueDepth,
          inFlight: s.inFlight,
          cpu: s.cpuPercent,
          memory: Math.round(s.rssBytes / 1e6),
          errors: s.errorRate * 100,
          ...Object.fromEntries(Object.entries(s.models).map(([model, l]) => [`model:${model}`, l.p95Ms])),
        }));
        const models = [...new Set(m.samples.flatMap((s) => Object.keys(s.models)))].sort();
        const perKey = (usage.data?.rows ?? []).map((r) => ({ key: r.keyName ?? r.keyId, images: r.images, requests: r.requests }));
        return (
          <div className="stack">
            <section className="panel">
              <h2>{t('mon.alerts')}</h2>
              {m.alerts.length === 0 ? (
                <div className="state state-empty">{t('dash.noAlerts')}</div>
              ) : (
                <table className="table" data-testid="alerts-table">
                  <tbody>
                    {m.alerts.map((a) => (
                      <tr key={`${a.kind}-${a.since}`} className={`alert ${a.severity}`}>
                        <td>{a.kind}</td>
                        <td>{a.message}</td>
                        <td>
                          {a.value.toFixed(2)} / {a.threshold}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
              <Thresholds thresholds={m.thresholds} />
              {m.disk && (
                <p className="muted">
                  {t('mon.disk')}: {(m.disk.freeBytes / 1e9).toFixed(1)} / {(m.disk.totalBytes / 1e9).toFixed(1)} GB
                </p>
              )}
            </section>
            {data.length === 0 ? (
              <Empty>{t('mon.noSamples')}</Empty>
            ) : (
              <div className="charts">
                <Chart title="mon.requests" data={data} series={[{ key: 'rps', name: 'req/s', colour: '#d9622b' }]} />
                <Chart
                  title="mon.latency"
                  data={data}
                  series={[
                    { key: 'p50', name: 'p50', colour: '#2b8ad9' },
                    { key: 'p95', name: 'p95', colour: '#d92b5a' },
                  ]}
                />
                <Chart
                  title="mon.queue"
                  data={data}
                  series={[
                    { key: 'queue', name: 'queue', colour: '#8a2bd9' },
                    { key: 'inFlight', name: 'in flight', colour: '#2bd98a' },
                  ]}
                />
                <Chart title="mon.cpu" data={data} series={[{ key: 'cpu', name: 'CPU %', colour: '#d9a52b' }]} />
                <Chart title="mon.memory" data={data} series={[{ key: 'memory', name: 'RSS MB', colour: '#2bb5d9' }]} />
                <Chart title="mon.errors" data={data} series={[{ key: 'errors', name: '5xx %', colour: '#d92b2b' }]} />
                {models.length > 0 && (
                  <Chart
                    title="mon.perModel"
                    data={data}
                    legend
                    series={models.map((model, i) => ({
                      key: `model:${model}`,
                      name: model,
                      colour: MODEL_COLOURS[i % MODEL_COLOURS.length],
                    }))}
                  />
                )}
              </div>
            )}
            <section className="panel chart">
              <h3>{t('mon.perKey')}</h3>
              {perKey.length === 0 ? (
                <div className="state state-empty">{t('team.noUsage')}</div>
              ) : (
                <ResponsiveContainer width="100%" height={CHART_HEIGHT} initialDimension={{ width: 400, height: CHART_HEIGHT }}>
                  <BarChart data={perKey} margin={{ top: 4, right: 12, bottom: 0, left: -12 }}>
                    <CartesianGrid strokeDasharray="3 3" />
                    <XAxis dataKey="key" tick={{ fontSize: 11 }} />
                    <YAxis tick={{ fontSize: 11 }} />
                    <Tooltip />
                    <Legend />
                    <Bar dataKey="images" fill="#d9622b" isAnimationActive={false} />
                    <Bar dataKey="requests" fill="#2b8ad9" isAnimationActive={false} />
                  </BarChart>
                </ResponsiveContainer>
              )}
            </section>
          </div>
        );
      }}
    </Async>
  );
}
