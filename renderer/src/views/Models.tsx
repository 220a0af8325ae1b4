// Models: the repository (name, version, task, loaded, size), load/unload, activate/roll back a version, export, import.
import { useState, type ReactNode } from 'react';
import type { ModelSummary } from '../../../server/contract/models';
import { useConnection } from '../api/connection';
import { downloadFrom } from '../api/download';
import { useResource } from '../api/useResource';
import { Async, Empty, ErrorPanel } from '../components/states';
import { useI18n } from '../i18n';

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1e3))} kB`;
}

function ImportForm({ onDone }: { onDone(): void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [name, setName] = useState('');
  const [task, setTask] = useState<'classify' | 'raw'>('classify');
  const [size, setSize] = useState('224,224');
  // Empty mean/std keep the node's defaults (mean 0, std 1), as leaving out --mean/--std does on the CLI.
  const [mean, setMean] = useState('');
  const [std, setStd] = useState('');
  const [layout, setLayout] = useState<'NCHW' | 'NHWC'>('NCHW');
  const [model, setModel] = useState<File | null>(null);
  const [labels, setLabels] = useState<File | null>(null);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const submit = (): void => {
    if (!model) return;
    const triple = (v: string): number[] | undefined => (v.trim() ? v.split(',').map((x) => Number(x.trim())) : undefined);
    const [h, w] = size.split(',').map((v) => Number(v.trim()));
    const preprocess = { size: [h, w], mean: triple(mean), std: triple(std), layout };
    const manifest = { name, task, ...(task === 'classify' ? { preprocess } : {}) };
    const form = new FormData();
    form.set('model', model);
    if (labels) form.set('labels', labels);
    form.set('manifest', JSON.stringify(manifest));
    setBusy(true);
    client
      .call('importModel', { body: form })
      .then(
        () => {
          setError(undefined);
          onDone();
        },
        (err: Error) => {
          report(err);
          setError(err);
        },
      )
      .finally(() => setBusy(false));
  };

  return (
    <form
      className="panel form-row"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h2>{t('models.import')}</h2>
      <label>
        {t('models.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required data-testid="import-name" />
      </label>
      <label>
        {t('models.task')}
        <select value={task} onChange={(e) => setTask(e.target.value as 'classify' | 'raw')}>
          <option value="classify">classify</option>
          <option value="raw">raw</option>
        </select>
      </label>
      {task === 'classify' && (
        <>
          <label>
            {t('models.sizeHW')}
            <input value={size} onChange={(e) => setSize(e.target.value)} size={9} data-testid="import-size" />
          </label>
          <label>
            {t('models.mean')}
            <input value={mean} onChange={(e) => setMean(e.target.value)} placeholder="0,0,0" size={14} data-testid="import-mean" />
          </label>
          <label>
            {t('models.std')}
            <input value={std} onChange={(e) => setStd(e.target.value)} placeholder="1,1,1" size={14} data-testid="import-std" />
          </label>
          <label>
            {t('models.layout')}
            <select value={layout} onChange={(e) => setLayout(e.target.value as 'NCHW' | 'NHWC')} data-testid="import-layout">
              <option value="NCHW">NCHW</option>
              <option value="NHWC">NHWC</option>
            </select>
          </label>
          <p className="muted hint">{t('models.preprocessHint')}</p>
        </>
      )}
      <label>
        {t('models.file')}
        <input type="file" accept=".onnx" onChange={(e) => setModel(e.target.files?.[0] ?? null)} required data-testid="import-model" />
      </label>
      {task === 'classify' && (
        <label>
          {t('models.labels')}
          <input type="file" accept=".txt" onChange={(e) => setLabels(e.target.files?.[0] ?? null)} data-testid="import-labels" />
        </label>
      )}
      <button type="submit" className="primary" disabled={busy || !model || !name} data-testid="import-submit">
        {t('models.import')}
      </button>
      {error && <ErrorPanel error={error} />}
    </form>
  );
}

function ModelRow({ m, onChanged }: { m: ModelSummary; onChanged(): void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [error, setError] = useState<Error>();
  const active = m.versions.find((v) => v.version === m.activeVersion);
  const [busy, setBusy] = useState(false);
  const act = (run: () => Promise<unknown>): void => {
    setBusy(true);
    run()
      .then(
        () => {
          setError(undefined);
          onChanged();
        },
        (err: Error) => {
          report(err);
          setError(err);
        },
      )
      .finally(() => setBusy(false));
  };
  const activate = (version: number): void => act(() => client.call('activateModel', { params: { id: m.id }, body: { version } }));
  const remove = (): void => {
    if (window.confirm(`${t('models.remove')} ${m.name}?`)) act(() => client.call('deleteModel', { params: { id: m.id } }));
  };
  return (
    <tr data-testid={`model-row-${m.id}`}>
      <td>
        <strong>{m.name}</strong>
        <div className="muted mono">
          {m.id}
          {m.bundled ? ` · ${t('models.bundled')}` : ''}
        </div>
        {error && <div className="error-text">{error.message}</div>}
      </td>
      <td>{m.task}</td>
      <td>v{m.activeVersion}</td>
      <td>{m.versions.length}</td>
      <td>
        <span className={m.loaded ? 'pill ok' : 'pill'}>{m.loaded ? t('dash.loaded') : t('dash.notLoaded')}</span>
      </td>
      <td className="nowrap num">{active ? megabytes(active.sizeBytes) : '—'}</td>
      <td>
        <div className="actions">
          {m.versions.length > 1 && (
            <select
              value=""
              onChange={(e) => e.target.value && activate(Number(e.target.value))}
              aria-label={t('models.rollback')}
              data-testid={`model-rollback-${m.id}`}
            >
              <option value="">{t('models.rollback')}…</option>
              {m.versions
                .filter((v) => v.version !== m.activeVersion)
                .map((v) => (
                  <option key={v.version} value={v.version}>
                    v{v.version}
                  </option>
                ))}
            </select>
          )}
          {!m.bundled && (
            <button
              type="button"
              disabled={busy}
              data-testid={`model-${m.loaded ? 'unload' : 'load'}-${m.id}`}
              onClick={() => act(() => client.call(m.loaded ? 'unloadModel' : 'loadModel', { params: { id: m.id } }))}
            >
              {m.loaded ? t('models.unload') : t('models.load')}
            </button>
          )}
          {!m.bundled && (
            <button type="button" className="danger" disabled={busy} onClick={() => remove()}>
              {t('models.remove')}
            </button>
          )}
          {!m.bundled && (
            <button
              type="button"
              data-testid={`model-export-${m.id}`}
              onClick={() => void downloadFrom(client.callBlob('exportModel', { params: { id: m.id } }), `${m.id}.tar`).catch(setError)}
            >
              {t('models.export')}
            </button>
          )}
        </div>
      </td>
    </tr>
  );
}

export function Models(): ReactNode {
  const { t } = useI18n();
  const models = useResource((c, signal) => c.call('listModels', { signal }), []);
  return (
    <div className="stack">
      <section className="panel">
        <Async {...models}>
          {(data) =>
            data.models.length === 0 ? (
              <Empty>{t('models.empty')}</Empty>
            ) : (
              <table className="table" data-testid="models-table">
                <thead>
                  <tr>
                    <th>{t('models.id')}</th>
                    <th>{t('models.task')}</th>
                    <th>{t('models.version')}</th>
                    <th>{t('models.versions')}</th>
                    <th>{t('models.state')}</th>
                    <th>{t('models.size')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {data.models.map((m) => (
                    <ModelRow key={m.id} m={m} onChanged={models.reload} />
                  ))}
                </tbody>
              </table>
            )
          }
        </Async>
      </section>
      <ImportForm onDone={models.reload} />
    </div>
  );
}
