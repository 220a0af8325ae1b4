// One stored result (from History or a job): its image with boxes, its lines or labels, its metadata.
import { useState, type ReactNode } from 'react';
import { saveBlob } from '../api/download';
import { useNodeImage } from '../api/useImage';
import { useResource } from '../api/useResource';
import { useI18n } from '../i18n';
import { Modal } from './Modal';
import { ConfidenceBar, OcrOverlay } from './OcrOverlay';
import { Async } from './states';
import { DocumentText } from './DocumentText';
import { copyText } from './TextLines';

export function LabelBars({ labels }: { labels: { label: string; confidence: number }[] }): ReactNode {
  return (
    <ul className="labels" data-testid="labels">
      {labels.map((l) => (
        <li key={l.label}>
          <span className="label-name">{l.label}</span>
          <ConfidenceBar value={l.confidence} />
        </li>
      ))}
    </ul>
  );
}

export function ResultViewer({ id, onClose }: { id: string; onClose(): void }): ReactNode {
  const { t } = useI18n();
  const res = useResource((c, signal) => c.call('getResult', { params: { id }, signal }), [id]);
  const [active, setActive] = useState<number | null>(null);
  const image = useNodeImage(res.data?.hasImage ? id : null);
  return (
    <Modal title={res.data?.source ?? id} onClose={onClose}>
      <Async {...res}>
        {(r) => (
          <div className="recognised">
            <div className="recognised-image">
              {(image || r.page) && r.width && r.height ? (
                <OcrOverlay
                  src={r.page ? undefined : (image ?? undefined)}
                  alt={r.source}
                  width={r.width}
                  height={r.height}
                  lines={r.lines}
                  active={active}
                  onActive={setActive}
                />
              ) : (
                <div className="state state-empty">{r.hasImage ? t('common.loading') : t('hist.noImage')}</div>
              )}
            </div>
            <div className="recognised-text">
              <div className="toolbar">
                <span className="muted">
                  {r.provider ?? '—'} · {r.ms ?? '—'} ms · {new Date(r.createdAt).toLocaleString()}
                </span>
                <button type="button" onClick={() => void copyText(r.text)}>
                  {t('rec.copyAll')}
                </button>
                <button
                  type="button"
                  onClick={() => saveBlob(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }), `${r.id}.json`)}
                >
                  {t('rec.download')}
                </button>
              </div>
              {r.labels ? <LabelBars labels={r.labels} /> : <DocumentText doc={r} active={active} onActive={setActive} />}
            </div>
          </div>
        )}
      </Async>
    </Modal>
  );
}
