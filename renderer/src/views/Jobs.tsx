// Jobs: start a folder job (native picker in the desktop app, a path field in the browser), watch its live
// progress with rate and ETA, pause/resume/cancel, browse per-file results and errors, export jsonl/csv/txt.
import { useEffect, useState, type ReactNode } from 'react';
import type { ExportFormat, Job, JobProgress } from '../../../server/contract/jobs';
import { countOf } from '../../../server/contract/plural';
import { useConnection } from '../api/connection';
import { downloadFrom } from '../api/download';
import { useJobProgress } from '../api/jobEvents';
import { useResource } from '../api/useResource';
import { ResultViewer } from '../components/ResultViewer';
import { ConfidenceBar } from '../components/OcrOverlay';
import { Async, Empty, ErrorPanel, Loading } from '../components/states';
import { useI18n, type MessageKey } from '../i18n';

const FORMATS: readonly ExportFormat[] = ['jsonl', 'csv', 'txt'];
const LIST_POLL_MS = 3_000;
const ITEMS_PAGE = 50;

function eta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  return s >= 3600 ? `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m` : s >= 60 ? `${Math.floor(s / 60)}m ${s % 60}s` : `${s}s`;
}

export function ProgressBar({ done, failed, total }: { done: number; failed: number; total: number }): ReactNode {
  const finished = done + failed;
  const pct = total > 0 ? Math.min(100, (finished / total) * 100) : 0;
  return (
    <div
      className="progress"
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={finished}
      data-testid="job-progress"
    >
      <div className="progress-done" style={{ width: `${total > 0 ? (done / total) * 100 : 0}%` }} />
      <div className="progress-failed" style={{ width: `${total > 0 ? (failed / total) * 100 : 0}%` }} />
      <span className="progress-label">{total > 0 ? `${finished} / ${total} (${pct.toFixed(0)}%)` : '…'}</span>
    </div>
  );
}

function JobDetail({ job: listed, onChanged }: { job: Job; onChanged(): void }): ReactNode {
  const { t, lang } = useI18n();
  const { client, bridge, report } = useConnection();
  const live = useJobProgress(listed.id);
  const job: Job & Partial<JobProgress> = live ?? listed;
  const [failedOnly, setFailedOnly] = useState(false);
  const [offset, setOffset] = useState(0);
  const [openResult, setOpenResult] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error>();
  const running = job.state === 'running' || job.state === 'queued';
  // The list polls slowly; when the stream says the job changed state, refresh it now.
  useEffect(() => {
    if (live) onChanged();
    // Only a change of state matters, not every progress event.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [live?.state]);
  const items = useResource(
    (c, signal) =>
      c.call('jobItems', {
        params: { id: listed.id },
        signal,
        query: { limit: ITEMS_PAGE, offset, state: failedOnly ? 'failed' : undefined },
      }),
    [listed.id, offset, failedOnly, job.done + job.failed],
  );

  const act = (action: 'pause' | 'resume' | 'cancel'): void => {
    client.call('jobAction', { params: { id: listed.id, action } }).then(
      () => {
        setActionError(undefined);
        onChanged();
      },
      (err: Error) => {
        report(err);
        setActionError(err);
      },
    );
  };

  return (
    <section className="panel" data-testid="job-detail" data-state={job.state}>
      <header className="panel-header">
        <h2 title={job.root}>{job.root}</h2>
        <span className={`pill state-${job.state}`} data-testid="job-state">
          {t(`jobs.state.${job.state}` as MessageKey)}
        </span>
      </header>
      <ProgressBar done={job.done} failed={job.failed} total={job.total} />
      <div className="toolbar">
        <span className="muted" data-testid="job-counts">
          {[
            countOf(job.total, 'file', lang),
            `${t('jobs.done')}: ${job.done}`,
            `${t('jobs.failed')}: ${job.failed}`,
            `${t('jobs.reused')}: ${job.reused}`,
            ...(running
              ? [
                  `${t('jobs.rate')}: ${job.rate !== undefined ? `${job.rate.toFixed(1)}/s` : '—'}`,
                  `${t('jobs.eta')}: ${eta(job.etaSeconds)}`,
                ]
              : []),
          ].join(' · ')}
        </span>
        {running && (
          <button type="button" onClick={() => act('pause')}>
            {t('jobs.pause')}
          </button>
        )}
        {job.state === 'paused' && (
          <button type="button" onClick={() => act('resume')}>
            {t('jobs.resume')}
          </button>
        )}
        {(job.state === 'running' || job.state === 'queued' || job.state === 'paused') && (
          <button type="button" className="danger" onClick={() => act('cancel')}>
            {t('jobs.cancel')}
          </button>
        )}
        {bridge && (
          <button type="button" onClick={() => void bridge.openPath(job.root)}>
            {t('jobs.openFolder')}
          </button>
        )}
        <span className="spacer" />
        {t('jobs.export')}:
        {FORMATS.map((f) => (
          <button
            type="button"
            key={f}
            data-testid={`export-${f}`}
            onClick={() =>
              void downloadFrom(
                client.callBlob('exportJob', { params: { id: listed.id }, query: { format: f } }),
                `job-${listed.id}.${f}`,
              ).catch((err: Error) => setActionError(err))
            }
          >
            {f}
          </button>
        ))}
      </div>
      {job.error && <ErrorPanel error={new Error(`${job.error.code}: ${job.error.message}`)} />}
      {actionError && <ErrorPanel error={actionError} />}
      <div className="toolbar">
        <h3>{t('jobs.items')}</h3>
        <label className="inline">
          <input
            type="checkbox"
            checked={failedOnly}
            onChange={(e) => {
              setFailedOnly(e.target.checked);
              setOffset(0);
            }}
            data-testid="jobs-failed-only"
          />
          {t('jobs.failedOnly')}
        </label>
      </div>
      <Async {...items}>
        {(page) => {
          return page.items.length === 0 ? (
            <Empty />
          ) : (
            <>
              <table className="table" data-testid="job-items">
                <tbody>
                  {page.items.map((item) => (
                    <tr key={item.id} className={`item-${item.state}`}>
                      <td className="mono">
                        {item.file}
                        {item.page !== undefined && ` · ${t('doc.page')} ${item.page}`}
                      </td>
                      <td>
                        {item.state}
                        {item.reused && (
                          <span className="pill" title={t('jobs.reusedHint')}>
                            {t('jobs.reused')}
                          </span>
                        )}
                        {item.label && (
                          <span className="pill" title={t('jobs.labelHint')} data-testid="job-item-label">
                            {item.label.label} <ConfidenceBar value={item.label.confidence} />
                          </span>
                        )}
                      </td>
                      <td className="nowrap">{item.ms !== null ? `${item.ms} ms` : ''}</td>
                      <td>
                        {item.error ? (
                          <span className="error-text">
                            {item.error.code}: {item.error.message}
                          </span>
                        ) : item.resultId ? (
                          <button type="button" className="link" onClick={() => setOpenResult(item.resultId)}>
                            {t('common.open')}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {page.total > ITEMS_PAGE && (
                <div className="toolbar">
                  <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - ITEMS_PAGE))}>
                    ‹
                  </button>
                  <span className="muted">
                    {offset + 1}–{Math.min(page.total, offset + ITEMS_PAGE)} / {page.total}
                  </span>
                  <button type="button" disabled={offset + ITEMS_PAGE >= page.total} onClick={() => setOffset(offset + ITEMS_PAGE)}>
                    ›
                  </button>
                </div>
              )}
            </>
          );
        }}
      </Async>
      {openResult && <ResultViewer id={openResult} onClose={() => setOpenResult(null)} />}
    </section>
  );
}

export function Jobs(): ReactNode {
  const { t } = useI18n();
  const { client, bridge, report } = useConnection();
  const [path, setPath] = useState('');
  const [recursive, setRecursive] = useState(true);
  // A document-type classifier that tags every file ('' = none).
  const [classify, setClassify] = useState('');
  const models = useResource((c, signal) => c.call('listModels', { signal }), []);
  const classifiers = models.data?.models.filter((m) => m.task === 'doctype') ?? [];
  const [selected, setSelected] = useState<string | null>(null);
  const [createError, setCreateError] = useState<Error>();
  const [creating, setCreating] = useState(false);
  const list = useResource((c, signal) => c.call('listJobs', { signal }), [], { intervalMs: LIST_POLL_MS });
  const jobs = list.data?.jobs ?? [];
  const current = jobs.find((j) => j.id === selected) ?? jobs[0];

  const start = (): void => {
    setCreating(true);
    client
      .call('createJob', { body: { path: path.trim(), recursive, ...(classify ? { classify } : {}) } })
      .then(
        (job) => {
          setCreateError(undefined);
          setSelected(job.id);
          list.reload();
        },
        (err: Error) => {
          report(err);
          setCreateError(err);
        },
      )
      .finally(() => setCreating(false));
  };

  return (
    <div className="stack">
      <form
        className="panel form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) start();
        }}
      >
        <h2>{t('jobs.new')}</h2>
        <label className="grow">
          {t('jobs.path')}
          <input value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/scans" data-testid="job-path" />
        </label>
        {bridge && (
          <button type="button" onClick={() => void bridge.pickFolder().then((p) => p && setPath(p))}>
            {t('jobs.browse')}
          </button>
        )}
        <label className="inline">
          <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} />
          {t('jobs.recursive')}
        </label>
        {classifiers.length > 0 && (
          <label>
            {t('jobs.classify')}
            <select value={classify} onChange={(e) => setClassify(e.target.value)} data-testid="job-classify">
              <option value="">{t('jobs.classify.none')}</option>
              {classifiers.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary" disabled={!path.trim() || creating} data-testid="job-start">
          {t('jobs.start')}
        </button>
      </form>
      {createError && <ErrorPanel error={createError} />}

      {list.error && !list.data ? (
        <ErrorPanel error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <Loading />
      ) : jobs.length === 0 ? (
        <Empty>{t('jobs.empty')}</Empty>
      ) : (
        <div className="split">
          <ul className="list" data-testid="job-list">
            {jobs.map((j) => (
              <li key={j.id}>
                <button type="button" className={j.id === current?.id ? 'list-item active' : 'list-item'} onClick={() => setSelected(j.id)}>
                  <span className="ellipsis" title={j.root}>
                    {j.root}
                  </span>
                  <span className="muted">
                    {t(`jobs.state.${j.state}` as MessageKey)} · {j.done + j.failed}/{j.total} ·{' '}
                    {new Date(j.createdAt).toLocaleTimeString()}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {current && <JobDetail key={current.id} job={current} onChanged={list.reload} />}
        </div>
      )}
    </div>
  );
}
