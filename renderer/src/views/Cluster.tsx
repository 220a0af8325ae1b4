// Cluster: every node of the cluster with its status, load and throughput, the shared queues per class
// (waiting, in flight, redelivered), dead letters, and a live chart of throughput and queue depth.
import { useEffect, useState, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useResource } from '../api/useResource';
import { Async } from '../components/states';
import { useI18n } from '../i18n';

const POLL_MS = 2_000;
/** Points kept for the live chart: two minutes at the poll rate. */
const HISTORY = 60;
const CHART_HEIGHT = 200;
const COLOURS = ['#d9622b', '#2b8ad9', '#2bd98a', '#8a2bd9', '#d9a52b', '#d92b5a', '#2bb5d9'];

type Point = Record<string, number | string>;

export function Cluster(): ReactNode {
  const { t } = useI18n();
  const view = useResource((c, signal) => c.call('cluster', { signal }), [], { intervalMs: POLL_MS });
  const [history, setHistory] = useState<Point[]>([]);

  useEffect(() => {
    const v = view.data;
    if (!v?.queues) return;
    const point: Point = { time: new Date().toLocaleTimeString() };
    for (const n of v.nodes) point[`tp:${n.name}`] = n.throughput ?? 0;
    point.bulk = v.queues.bulk?.pending ?? 0;
    point.interactive = v.queues.interactive?.pending ?? 0;
    setHistory((h) => [...h.slice(-(HISTORY - 1)), point]);
  }, [view.data]);

  return (
    <Async {...view}>
      {(v) => {
        const names = v.nodes.map((n) => n.name);
        const deadLetters = v.nodes.reduce((sum, n) => sum + (n.deadLetters ?? 0), 0);
        return (
          <div className="stack" data-testid="cluster-view">
            {!v.queues && (
              <p className="muted" data-testid="cluster-alone">
                {t('cluster.alone')}
              </p>
            )}
            {v.connected === false && (
              <div className="alert warning" role="status" data-testid="cluster-reconnecting">
                {t('cluster.reconnecting')}
              </div>
            )}
            <section className="panel">
              <h2>{t('cluster.nodes')}</h2>
              <table className="table" data-testid="cluster-nodes">
                <thead>
                  <tr>
                    <th>{t('cluster.name')}</th>
                    <th>{t('cluster.status')}</th>
                    <th>{t('cluster.url')}</th>
                    <th>{t('dash.version')}</th>
                    <th>{t('dash.providers')}</th>
                    <th>{t('dash.workers')}</th>
                    <th>{t('cluster.load')}</th>
                    <th>{t('cluster.throughput')}</th>
                    <th>{t('cluster.processed')}</th>
                    <th>{t('cluster.deadLetters')}</th>
                    <th>{t('dash.models')}</th>
                  </tr>
                </thead>
                <tbody>
                  {v.nodes.map((n) => (
                    <tr key={n.id} className={n.status === 'up' ? '' : 'alert warning'} data-testid={`node-${n.name}`}>
                      <td>
                        {n.name}
                        {n.self ? ` (${t('cluster.self')})` : ''}
                      </td>
                      <td>{n.status === 'up' ? t('cluster.up') : t('cluster.down')}</td>
                      <td>{n.url}</td>
                      <td>{n.version}</td>
                      <td>{n.providers.join(', ')}</td>
                      <td>{n.workers}</td>
                      <td>{n.queueDepth}</td>
                      <td>{(n.throughput ?? 0).toFixed(2)}</td>
                      <td>{n.processed ?? 0}</td>
                      <td>{n.deadLetters ?? 0}</td>
                      <td>{(n.models ?? []).map((m) => `${m.id} v${m.version}`).join(', ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
            {v.queues && (
              <section className="panel">
                <h2>{t('cluster.queues')}</h2>
                <table className="table" data-testid="cluster-queues">
                  <thead>
                    <tr>
                      <th>{t('cluster.class')}</th>
                      <th>{t('cluster.pending')}</th>
                      <th>{t('dash.inFlight')}</th>
                      <th>{t('cluster.redelivered')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {Object.entries(v.queues).map(([cls, q]) => (
                      <tr key={cls}>
                        <td>{cls === 'bulk' ? t('cluster.bulk') : t('cluster.interactive')}</td>
                        <td>{q.pending}</td>
                        <td>{q.inFlight}</td>
                        <td>{q.redelivered}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="muted">
                  {t('cluster.deadLetters')}: {deadLetters}
                </p>
              </section>
            )}
            {v.queues && history.length > 1 && (
              <section className="panel chart" data-testid="cluster-chart">
                <h3>{t('cluster.live')}</h3>
                <ResponsiveContainer width="100%" height={CHART_HEIGHT} initialDimension={{ width: 400, height: CHART_HEIGHT }}>
                  <LineChart data={history} margin={{ top: 4, right: 12, bottom: 0, left: -12 }}>
                    <CartesianGrid strokeDasharray="3 3" className="grid" />
                    <XAxis dataKey="time" tick={{ fontSize: 11 }} minTickGap={40} />
                    <YAxis tick={{ fontSize: 11 }} allowDecimals />
                    <Tooltip />
                    <Legend />
                    {names.map((name, i) => (
                      <Line
                        key={name}
                        type="monotone"
                        dataKey={`tp:${name}`}
                        name={`${name} img/s`}
                        stroke={COLOURS[i % COLOURS.length]}
                        dot={false}
                        isAnimationActive={false}
                      />
                    ))}
                    <Line
                      type="monotone"
                      dataKey="bulk"
                      name={t('cluster.bulk')}
                      stroke="#888"
                      strokeDasharray="4 2"
                      dot={false}
                      isAnimationActive={false}
                    />
                    <Line
                      type="monotone"
                      dataKey="interactive"
                      name={t('cluster.interactive')}
                      stroke="#444"
                      strokeDasharray="2 2"
                      dot={false}
                      isAnimationActive={false}
                    />
                  </LineChart>
                </ResponsiveContainer>
              </section>
            )}
          </div>
        );
      }}
    </Async>
  );
}
