// History: full-text search over stored results with thumbnails and filters (date, source, key); a result
// opens with its image and boxes.
import { useEffect, useState, type ReactNode } from 'react';
import { countOf } from '../../../server/contract/plural';
import type { ResultSummary } from '../../../server/contract/results';
import { useNodeImage } from '../api/useImage';
import { useResource } from '../api/useResource';
import { ResultViewer } from '../components/ResultViewer';
import { Async, Empty } from '../components/states';
import { useI18n } from '../i18n';

const PAGE = 30;
/** Typing pauses this long before a search goes out, so each keystroke does not hit the node. */
const DEBOUNCE_MS = 250;

function Thumb({ result }: { result: ResultSummary }): ReactNode {
  const src = useNodeImage(result.hasImage ? result.id : null);
  return <div className="result-thumb">{src ? <img src={src} alt="" loading="lazy" /> : <span aria-hidden="true">▭</span>}</div>;
}

export function History(): ReactNode {
  const { t, lang } = useI18n();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [source, setSource] = useState('');
  const [keyId, setKeyId] = useState('');
  const [offset, setOffset] = useState(0);
  const [open, setOpen] = useState<string | null>(null);

  useEffect(() => {
    const timer = setTimeout(() => {
      setQuery(q.trim());
      setOffset(0);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const results = useResource(
    (c, signal) =>
      c.call('searchResults', {
        signal,
        query: {
          q: query,
          limit: PAGE,
          offset,
          from: from || undefined,
          // A bare date as `to` means the end of that day to the node.
          to: to || undefined,
          source,
          keyId,
        },
      }),
    [query, from, to, source, keyId, offset],
  );

  return (
    <div className="stack">
      <div className="panel filters">
        <input
          type="search"
          className="grow"
          placeholder={t('hist.search')}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          data-testid="history-search"
          aria-label={t('hist.search')}
        />
        <label className="inline">
          {t('hist.from')}
          <input
            type="date"
            value={from}
            onChange={(e) => {
              setFrom(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <label className="inline">
          {t('hist.to')}
          <input
            type="date"
            value={to}
            onChange={(e) => {
              setTo(e.target.value);
              setOffset(0);
            }}
          />
        </label>
        <label className="inline">
          {t('hist.source')}
          <input
            value={source}
            onChange={(e) => {
              setSource(e.target.value);
              setOffset(0);
            }}
            size={12}
          />
        </label>
        <label className="inline">
          {t('hist.key')}
          <input
            value={keyId}
            onChange={(e) => {
              setKeyId(e.target.value);
              setOffset(0);
            }}
            size={10}
          />
        </label>
      </div>
      <Async {...results}>
        {(page) =>
          page.items.length === 0 ? (
            <Empty>{t('hist.empty')}</Empty>
          ) : (
            <>
              <div className="muted" data-testid="history-total">
                {countOf(page.total, 'result', lang)}
              </div>
              <ul className="results" data-testid="history-results">
                {page.items.map((r) => (
                  <li key={r.id}>
                    <button type="button" className="result" onClick={() => setOpen(r.id)}>
                      <Thumb result={r} />
                      <span className="result-body">
                        <span className="result-source">{r.source}</span>
                        <span className="result-text">{r.text.slice(0, 200) || '—'}</span>
                        <span className="muted">
                          {new Date(r.createdAt).toLocaleString()} · {r.origin} · {r.kind}
                          {r.keyId ? ` · ${r.keyId}` : ''}
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
              {page.total > PAGE && (
                <div className="toolbar">
                  <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
                    ‹
                  </button>
                  <span className="muted">
                    {offset + 1}–{Math.min(page.total, offset + PAGE)} / {page.total}
                  </span>
                  <button type="button" disabled={offset + PAGE >= page.total} onClick={() => setOffset(offset + PAGE)}>
                    ›
                  </button>
                </div>
              )}
            </>
          )
        }
      </Async>
      {open && <ResultViewer id={open} onClose={() => setOpen(null)} />}
    </div>
  );
}
