// Dashboard: is the node up, what runs it (providers, models), how busy it is now, and anything alarming.
import type { ReactNode } from 'react';
import type { HealthResponse } from '../../../server/contract/health';
import { useResource, type Resource } from '../api/useResource';
import { ErrorPanel, Loading } from '../components/states';
import { useI18n } from '../i18n';

const POLL_MS = 5_000;

function Stat({ label, value, testId }: { label: string; value: ReactNode; testId?: string }): ReactNode {
  return (
    <div className="stat" data-testid={testId}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
    </div>
  );
}

export function Dashboard({ health }: { health: Resource<HealthResponse> }): ReactNode {
  const { t } = useI18n();
  const monitor = useResource((c, signal) => c.call('monitor', { signal }), [], { intervalMs: POLL_MS });
  const jobs = useResource((c, signal) => c.call('listJobs', { signal }), [], { intervalMs: POLL_MS });

  if (!health.data)
    return health.error ? <ErrorPanel error={health.error} onRetry={health.reload} /> : <Loading label={t('dash.waiting')} />;
  const h = health.data;
  const last = monitor.data?.samples.at(-1);
  const running = jobs.data?.jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  const fmt = (v: number | null | undefined, digits = 0): string => (v === null || v === undefined ? '—' : v.toFixed(digits));

  return (
    <div className="stack">
      <section className="cards" data-testid="health">
        <Stat label={t('dash.status')} value={<span className="pill ok">{h.status}</span>} />
        <Stat label={t('dash.version')} value={h.version} testId="health-version" />
        <Stat label={t('dash.providers')} value={h.providers.join(', ') || '—'} testId="health-providers" />
        <Stat label={t('dash.lan')} value={h.lan ? t('common.yes') : t('common.no')} />
        <Stat label={t('dash.workers')} value={h.engine?.workers ?? '—'} />
        <Stat label={t('dash.queue')} value={last?.queueDepth ?? h.engine?.queueDepth ?? '—'} />
        <Stat label={t('dash.inFlight')} value={last?.inFlight ?? h.engine?.inFlight ?? '—'} />
        <Stat label={t('dash.throughput')} value={fmt(last?.requestsPerSec, 2)} />
        <Stat label={t('dash.latency')} value={`${fmt(last?.p50Ms)} / ${fmt(last?.p95Ms)} ms`} />
        <Stat label={t('dash.jobsRunning')} value={running ?? '—'} />
      </section>

      <section className="panel">
        <h2>{t('dash.models')}</h2>
        {h.models.length === 0 ? (
          <div className="state state-empty">{t('models.empty')}</div>
        ) : (
          <table className="table" data-testid="health-models">
            <thead>
              <tr>
                <th>{t('models.id')}</th>
                <th>{t('models.task')}</th>
                <th>{t('models.version')}</th>
                <th>{t('models.state')}</th>
              </tr>
            </thead>
            <tbody>
              {h.models.map((m) => (
                <tr key={m.id}>
                  <td>{m.id}</td>
                  <td>{m.task}</td>
                  <td>v{m.version}</td>
                  <td>
                    <span className={m.loaded ? 'pill ok' : 'pill'}>{m.loaded ? t('dash.loaded') : t('dash.notLoaded')}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="panel">
        <h2>{t('dash.alerts')}</h2>
        {monitor.error && !monitor.data ? (
          <ErrorPanel error={monitor.error} onRetry={monitor.reload} />
        ) : !monitor.data ? (
          <Loading />
        ) : monitor.data.alerts.length === 0 ? (
          <div className="state state-empty">{t('dash.noAlerts')}</div>
        ) : (
          <ul className="alerts">
            {monitor.data.alerts.map((a) => (
              <li key={`${a.kind}-${a.since}`} className={`alert ${a.severity}`}>
                <strong>{a.kind}</strong> {a.message}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
