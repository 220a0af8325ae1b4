// Recognise: drop, paste or pick images → each sent raw to /v1/ocr (or /v1/classify, /v1/barcodes) → the image with
// a box over every line or code, the text beside it with confidence, copy and JSON download. Several images queue up.
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { BarcodesResponse } from '../../../server/contract/barcodes';
import type { ClientError } from '../../../server/contract/client';
import type { ClassifyResponse } from '../../../server/contract/models';
import type { OcrLine, OcrResponse } from '../../../server/contract/ocr';
import { useConnection } from '../api/connection';
import { saveBlob } from '../api/download';
import { useResource } from '../api/useResource';
import { OcrOverlay } from '../components/OcrOverlay';
import { LabelBars } from '../components/ResultViewer';
import { Empty, ErrorPanel } from '../components/states';
import { copyText } from '../components/TextLines';
import { DocumentText, PageSwitcher } from '../components/DocumentText';
import { useI18n } from '../i18n';

type Mode = 'ocr' | 'classify' | 'codes';

interface Entry {
  id: number;
  name: string;
  url: string;
  mode: Mode;
  state: 'working' | 'done' | 'error';
  ocr?: OcrResponse;
  classify?: ClassifyResponse;
  codes?: BarcodesResponse;
  /** A PDF: the browser shows its pages' boxes on blank pages, not the file itself. */
  pdf: boolean;
  error?: Error;
}

/** Codes shown like text lines: the box over the code, "format: content" beside it. */
function codeLines(found: BarcodesResponse): OcrLine[] {
  return found.codes.map((c) => ({ text: `${c.format}: ${c.text}`, confidence: 1, box: c.box }));
}

/** Browsers leave File.type empty for some formats (TIFF, BMP on some systems): fall back on the extension. */
const TYPE_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  bmp: 'image/bmp',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  pdf: 'application/pdf',
};

function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  return TYPE_BY_EXTENSION[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

export function Recognise(): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [entries, setEntries] = useState<Entry[]>([]);
  const [selected, setSelected] = useState<number | null>(null);
  const [mode, setMode] = useState<Mode>('ocr');
  const [model, setModel] = useState('');
  const [dragging, setDragging] = useState(false);
  const [active, setActive] = useState<number | null>(null);
  const [page, setPage] = useState(0);
  const nextId = useRef(1);
  const inputRef = useRef<HTMLInputElement>(null);
  const urls = useRef<string[]>([]);

  const models = useResource((c, signal) => c.call('listModels', { signal }), [], { enabled: mode === 'classify' });
  const classifiers = useMemo(() => models.data?.models.filter((m) => m.task === 'classify') ?? [], [models.data]);
  useEffect(() => {
    if (!model && classifiers.length > 0) setModel(classifiers[0].id);
  }, [classifiers, model]);

  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const recognise = useCallback(
    (files: File[]) => {
      const images = files.filter((f) => f.size > 0);
      for (const file of images) {
        const id = nextId.current++;
        const url = URL.createObjectURL(file);
        urls.current.push(url);
        const entry: Entry = {
          id,
          name: file.name || 'pasted image',
          url,
          mode,
          state: 'working',
          pdf: contentTypeOf(file) === 'application/pdf',
        };
        setEntries((list) => [entry, ...list]);
        setSelected(id);
        setPage(0);
        const type = contentTypeOf(file);
        const work =
          mode === 'ocr'
            ? client.ocr(file, type).then((ocr): Partial<Entry> => ({ ocr }))
            : mode === 'codes'
              ? client.call('barcodes', { body: file, contentType: type }).then((codes): Partial<Entry> => ({ codes }))
              : client
                  .call('classify', { query: { model }, body: file, contentType: type })
                  .then((classify): Partial<Entry> => ({ classify }));
        work.then(
          (patch) => setEntries((list) => list.map((e) => (e.id === id ? { ...e, ...patch, state: 'done' } : e))),
          (error: ClientError | Error) => {
            report(error);
            setEntries((list) => list.map((e) => (e.id === id ? { ...e, state: 'error', error } : e)));
          },
        );
      }
    },
    [client, mode, model, report],
  );

  useEffect(() => {
    const onPaste = (e: ClipboardEvent): void => {
      const files = Array.from(e.clipboardData?.files ?? []).filter((f) => f.type.startsWith('image/') || f.type === 'application/pdf');
      if (files.length > 0) {
        e.preventDefault();
        recognise(files);
      }
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [recognise]);

  const current = entries.find((e) => e.id === selected) ?? entries[0];
  // The page on show: one page of a PDF answer, or the image's own result.
  const view = current?.ocr
    ? (current.ocr.pages?.[page] ?? current.ocr)
    : current?.codes
      ? { width: current.codes.width, height: current.codes.height, lines: codeLines(current.codes) }
      : undefined;

  return (
    <div className="stack">
      <div className="toolbar">
        <label className="inline">
          {t('rec.mode')}
          <select value={mode} onChange={(e) => setMode(e.target.value as Mode)} data-testid="recognise-mode">
            <option value="ocr">{t('rec.ocr')}</option>
            <option value="classify">{t('rec.classify')}</option>
            <option value="codes">{t('rec.codes')}</option>
          </select>
        </label>
        {mode === 'classify' &&
          (classifiers.length > 0 ? (
            <label className="inline">
              {t('rec.model')}
              <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="recognise-model">
                {classifiers.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span className="muted">{models.loading ? t('common.loading') : t('rec.noClassifier')}</span>
          ))}
      </div>

      <div
        className={dragging ? 'dropzone dragging' : 'dropzone'}
        data-testid="dropzone"
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          recognise(Array.from(e.dataTransfer.files));
        }}
      >
        <span>{t('rec.drop')}</span>{' '}
        <button type="button" className="link" onClick={() => inputRef.current?.click()}>
          {t('rec.pick')}
        </button>
        <span className="muted">{t('rec.hint')}</span>
        <input
          ref={inputRef}
          type="file"
          accept="image/*,.tif,.tiff,.bmp,.pdf,application/pdf"
          multiple
          hidden
          data-testid="file-input"
          onChange={(e) => {
            recognise(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>

      {entries.length > 1 && (
        <div className="thumbs">
          {entries.map((e) => (
            <button
              type="button"
              key={e.id}
              className={e.id === current?.id ? 'thumb active' : 'thumb'}
              onClick={() => setSelected(e.id)}
              title={e.name}
            >
              {e.pdf ? <span className="thumb-pdf">PDF</span> : <img src={e.url} alt={e.name} />}
              <span className={`thumb-state ${e.state}`} />
            </button>
          ))}
        </div>
      )}

      {!current ? (
        <Empty>{t('rec.empty')}</Empty>
      ) : (
        <div className="recognised" data-testid="recognised" data-state={current.state}>
          <div className="recognised-image">
            {view ? (
              <OcrOverlay
                src={current.ocr?.pages ? undefined : current.url}
                alt={current.name}
                width={view.width}
                height={view.height}
                lines={view.lines}
                active={active}
                onActive={setActive}
              />
            ) : current.pdf ? null : (
              <div className="overlay">
                <img src={current.url} alt={current.name} />
              </div>
            )}
          </div>
          <div className="recognised-text">
            {current.state === 'working' && (
              <div className="state state-loading" role="status">
                <span className="spinner" aria-hidden="true" />
                {t('rec.working')}
              </div>
            )}
            {current.state === 'error' && current.error && <ErrorPanel error={current.error} />}
            {current.state === 'done' && (
              <>
                <div className="toolbar">
                  <span className="muted" data-testid="ocr-meta">
                    {current.codes
                      ? `${t('rec.codesFound')}: ${current.codes.codes.length} · ${t('rec.time')}: ${current.codes.ms} ms`
                      : `${t('rec.provider')}: ${(current.ocr ?? current.classify)?.provider} · ${t('rec.time')}: ${(current.ocr ?? current.classify)?.ms} ms`}
                    {current.ocr?.reused && (
                      <span className="pill" title={t('jobs.reusedHint')}>
                        {t('jobs.reused')}
                      </span>
                    )}
                  </span>
                  {current.ocr && (
                    <button type="button" data-testid="copy-all" onClick={() => void copyText(current.ocr!.text)}>
                      {t('rec.copyAll')}
                    </button>
                  )}
                  <button
                    type="button"
                    data-testid="download-json"
                    onClick={() =>
                      saveBlob(
                        new Blob([JSON.stringify(current.ocr ?? current.classify ?? current.codes, null, 2)], { type: 'application/json' }),
                        `${current.name.replace(/\.[^.]+$/, '')}.json`,
                      )
                    }
                  >
                    {t('rec.download')}
                  </button>
                </div>
                {current.ocr?.pages && (
                  <PageSwitcher pages={current.ocr.pages.length} page={page} onPage={(p) => (setPage(p), setActive(null))} />
                )}
                {view && <DocumentText doc={view} active={active} onActive={setActive} />}
                {current.classify && <LabelBars labels={current.classify.labels} />}
                {current.codes && current.codes.codes.length === 0 && <Empty>{t('rec.noCodes')}</Empty>}
              </>
            )}
          </div>
        </div>
      )}
    </div>
  );
}
