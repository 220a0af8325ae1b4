// Training: start a run on a folder of labelled sub-folders on the node, watch loss and accuracy per epoch, read
// the evaluation report (per-label figures, the confusion matrix, the examples it got wrong, the active version's
// accuracy beside it) and activate the new version with a deliberate click.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { TrainKind, TrainRun } from '../../../server/contract/training';
import { useConnection } from '../api/connection';
import { useTrainThumbnail } from '../api/useImage';
import { useResource } from '../api/useResource';
import { Async, Empty, ErrorPanel } from '../components/states';
import { useI18n } from '../i18n';

const pct = (v: number): string => `${(v * 100).toFixed(1)} %`;
type Epoch = NonNullable<NonNullable<TrainRun['progress']>['epoch']>;

function StartForm({ onStarted }: { onStarted: (run: TrainRun) => void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const models = useResource((c, signal) => c.call('listModels', { signal }), []);
  const backbones = useMemo(() => models.data?.models.filter((m) => m.task === 'classify' && !m.bundled) ?? [], [models.data]);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [backbone, setBackbone] = useState('');
  const [kind, setKind] = useState<TrainKind>('doctype');
  const [error, setError] = useState<Error>();
  useEffect(() => {
    if (!backbone && backbones.length) setBackbone(backbones[0].id);
  }, [backbone, backbones]);

  return (
    <form
      className="panel form-row"
      onSubmit={(e) => {
        e.preventDefault();
        client.call('startTrainRun', { body: kind === 'image' ? { path, name, kind, backbone } : { path, name, kind } }).then(
          (run) => {
            setError(undefined);
            onStarted(run);
          },
          (err: Error) => {
            report(err);
            setError(err);
          },
        );
      }}
    >
      <h2>{t('train.new')}</h2>
      <label>
        {t('train.folder')}
        <input
          value={path}
          onChange={(e) => setPath(e.target.value)}
          required
          size={40}
          placeholder="/srv/datasets/parts"
          data-testid="train-folder"
        />
      </label>
      <label>
        {t('train.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="train-name" />
      </label>
      <label>
        {t('train.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as TrainKind)} data-testid="train-kind">
          <option value="doctype">{t('train.kind.doctype')}</option>
          <option value="image">{t('train.kind.image')}</option>
        </select>
      </label>
      {kind === 'image' && (
        <label>
          {t('train.backbone')}
          <select value={backbone} onChange={(e) => setBackbone(e.target.value)} required data-testid="train-backbone">
            {backbones.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="primary" disabled={kind === 'image' && !backbone} data-testid="train-start">
        {t('train.start')}
      </button>
      <p className="muted">{t('train.hint')}</p>
      {error && <ErrorPanel error={error} />}
    </form>
  );
}

function Report({ run, onActivated }: { run: TrainRun; onActivated: () => void }): ReactNode {
  const { t } = useI18n();
  const { client, report: reportError } = useConnection();
  const r = run.report;
  // Serving when the run's version became active by itself (a new model), or once the button activated it.
  const [activated, setActivated] = useState(false);
  if (!r) return null;
  const active = r.active || activated;
  const max = Math.max(1, ...r.confusion.flat());
  return (
    <div className="stack" data-testid="train-report">
      <div className="toolbar">
        <strong data-testid="train-accuracy">
          {t('train.accuracy')}: {pct(r.accuracy)}
        </strong>
        {r.previous && (
          <span className="muted">
            {t('train.previous')} {r.previous.version}: {pct(r.previous.accuracy)}
          </span>
        )}
        <span className="muted">
          {r.model} v{r.version} · {r.examples.train} + {r.examples.validation} · {r.embeddingsPerSecond} {t('train.perSecond')}
        </span>
        {active ? (
          <span className="badge" data-testid="train-active">
            {t('train.serving')}
          </span>
        ) : (
          <button
            type="button"
            className="primary"
            data-testid="train-activate"
            onClick={() =>
              client.call('activateModel', { params: { id: r.model }, body: { version: r.version } }).then(() => {
                setActivated(true);
                onActivated();
              }, reportError)
            }
          >
            {t('train.activate')} v{r.version}
          </button>
        )}
      </div>
      <table className="table" data-testid="train-per-label">
        <thead>
          <tr>
            <th>{t('train.label')}</th>
            <th className="num">{t('train.precision')}</th>
            <th className="num">{t('train.recall')}</th>
            <th className="num">F1</th>
            <th className="num">{t('train.support')}</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(r.perLabel).map(([label, m]) => (
            <tr key={label}>
              <td>{label}</td>
              <td className="num">{pct(m.precision)}</td>
              <td className="num">{pct(m.recall)}</td>
              <td className="num">{pct(m.f1)}</td>
              <td className="num">{m.support}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table className="table confusion" data-testid="train-confusion">
        <caption>{t('train.confusion')}</caption>
        <thead>
          <tr>
            <th />
            {r.labels.map((l) => (
              <th key={l} className="num">
                {l}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {r.confusion.map((row, i) => (
            <tr key={r.labels[i]}>
              <th>{r.labels[i]}</th>
              {row.map((v, j) => (
                <td
                  key={j}
                  className="num"
                  style={{
                    background: `color-mix(in srgb, ${i === j ? 'var(--accent)' : 'var(--bad)'} ${Math.round((v / max) * 60)}%, transparent)`,
                  }}
                >
                  {v}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {r.misclassified.length > 0 && (
        <section>
          <h3>{t('train.wrong')}</h3>
          <ul className="misclassified" data-testid="train-wrong">
            {r.misclassified.slice(0, 20).map((m, n) => (
              <Misclassified key={m.file} run={run.id} n={n} example={m} />
            ))}
          </ul>
        </section>
      )}
      {r.warnings.map((w) => (
        <p key={w} className="muted">
          ⚠ {w}
        </p>
      ))}
    </div>
  );
}

/** One example the new version got wrong: its thumbnail, where it lies, what it is and what it was taken for. */
function Misclassified({
  run,
  n,
  example,
}: {
  run: string;
  n: number;
  example: NonNullable<TrainRun['report']>['misclassified'][number];
}): ReactNode {
  const thumbnail = useTrainThumbnail(run, n);
  return (
    <li>
      {thumbnail ? <img src={thumbnail} alt={example.file} /> : <span className="placeholder" />}
      <span className="mono">
        {example.file}: {example.label} → {example.predicted} ({pct(example.confidence)})
      </span>
    </li>
  );
}

function RunPanel({ id }: { id: string }): ReactNode {
  const { t } = useI18n();
  const run = useResource((c, signal) => c.call('getTrainRun', { params: { id }, signal }), [id], { intervalMs: 700 });
  const epochs = useRef<Epoch[]>([]);
  const epoch = run.data?.progress?.epoch;
  if (epoch && epochs.current.at(-1)?.epoch !== epoch.epoch) epochs.current = [...epochs.current, epoch];
  return (
    <Async {...run}>
      {(r) => {
        const history = r.report?.history ?? epochs.current;
        return (
          <section className="panel stack" data-testid="train-run" data-state={r.state}>
            <header className="panel-header">
              <h3>
                {r.request.name} · {t(`train.state.${r.state}`)}
              </h3>
              {r.progress?.phase === 'embedding' && (
                <span className="muted">
                  {t('train.embedding')} {r.progress.done}/{r.progress.total}
                </span>
              )}
            </header>
            {r.error && <ErrorPanel error={new Error(r.error.message)} />}
            {history.length > 0 && (
              <ResponsiveContainer width="100%" height={200} initialDimension={{ width: 600, height: 200 }}>
                <LineChart data={history} margin={{ top: 4, right: 12, bottom: 0, left: -8 }}>
                  <CartesianGrid strokeDasharray="3 3" className="grid" />
                  <XAxis dataKey="epoch" tick={{ fontSize: 11 }} />
                  <YAxis tick={{ fontSize: 11 }} />
                  <Tooltip />
                  <Legend />
                  <Line dataKey="loss" name={t('train.loss')} stroke="#d9622b" dot={false} isAnimationActive={false} />
                  <Line dataKey="valAccuracy" name={t('train.valAccuracy')} stroke="#2b8ad9" dot={false} isAnimationActive={false} />
                </LineChart>
              </ResponsiveContainer>
            )}
            <Report run={r} onActivated={run.reload} />
          </section>
        );
      }}
    </Async>
  );
}

export function Training(): ReactNode {
  const { t } = useI18n();
  const runs = useResource((c, signal) => c.call('listTrainRuns', { signal }), [], { intervalMs: 5_000 });
  const [selected, setSelected] = useState<string>();
  const current = selected ?? runs.data?.runs[0]?.id;
  return (
    <div className="stack">
      <StartForm
        onStarted={(run) => {
          setSelected(run.id);
          runs.reload();
        }}
      />
      {current ? <RunPanel key={current} id={current} /> : <Empty>{t('train.none')}</Empty>}
      {(runs.data?.runs.length ?? 0) > 1 && (
        <section className="panel">
          <h3>{t('train.runs')}</h3>
          <ul>
            {runs.data?.runs.map((r) => (
              <li key={r.id}>
                <button type="button" className="link" onClick={() => setSelected(r.id)}>
                  {r.request.name}
                </button>{' '}
                <span className="muted">
                  {t(`train.state.${r.state}`)} · {r.createdAt.slice(0, 16).replace('T', ' ')}
                  {r.report ? ` · ${pct(r.report.accuracy)}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
