// The recognised text as a document: blocks numbered in reading order (kind and column named), each with its
// lines; the page turn applied; a page switcher for PDFs. Results without blocks fall back to the plain lines.
import type { ReactNode } from 'react';
import type { OcrBlock, OcrLine, Rotation } from '../../../server/contract/ocr';
import { useI18n } from '../i18n';
import { ConfidenceBar } from './OcrOverlay';
import { TextLines } from './TextLines';

export interface DocumentView {
  lines: OcrLine[];
  blocks?: OcrBlock[];
  rotation?: Rotation;
}

export function DocumentText(props: { doc: DocumentView; active: number | null; onActive(i: number | null): void }): ReactNode {
  const { t } = useI18n();
  const { doc } = props;
  const turned = doc.rotation ? (
    <p className="muted" data-testid="ocr-rotation">
      {t('doc.turned')} {doc.rotation}°
    </p>
  ) : null;
  if (!doc.blocks?.length) {
    return (
      <>
        {turned}
        <TextLines lines={doc.lines} active={props.active} onActive={props.onActive} />
      </>
    );
  }
  return (
    <>
      {turned}
      <ol className="blocks" data-testid="ocr-blocks">
        {doc.blocks.map((b, n) => (
          <li key={n} className={`block block-${b.kind}`} data-testid="ocr-block" data-kind={b.kind}>
            <div className="block-head muted">
              <span className="block-number">{n + 1}</span> {t(`doc.block.${b.kind}`)}
              {b.column > 0 ? ` · ${t('doc.column')} ${b.column + 1}` : ''}
            </div>
            {b.cells ? (
              <table className="cells" data-testid="ocr-table">
                <tbody>
                  {b.cells.map((row, r) => (
                    <tr
                      key={r}
                      className={b.lines[r] === props.active ? 'active' : ''}
                      onMouseEnter={() => props.onActive(b.lines[r])}
                      onMouseLeave={() => props.onActive(null)}
                    >
                      {row.map((cell, c) => (
                        <td key={c}>{cell}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : (
              <ul className="lines">
                {b.lines.map((i) => (
                  <li
                    key={i}
                    className={i === props.active ? 'line active' : 'line'}
                    onMouseEnter={() => props.onActive(i)}
                    onMouseLeave={() => props.onActive(null)}
                  >
                    <span className="line-text" data-testid="ocr-line-text">
                      {doc.lines[i]?.text}
                    </span>
                    {doc.lines[i] && <ConfidenceBar value={doc.lines[i].confidence} />}
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ol>
    </>
  );
}

/** Buttons for the pages of a PDF answer. */
export function PageSwitcher(props: { pages: number; page: number; onPage(page: number): void }): ReactNode {
  const { t } = useI18n();
  if (props.pages < 2) return null;
  return (
    <div className="page-switcher" role="group" aria-label={t('doc.page')} data-testid="page-switcher">
      {Array.from({ length: props.pages }, (_, i) => (
        <button
          key={i}
          type="button"
          className={i === props.page ? 'active' : ''}
          aria-pressed={i === props.page}
          onClick={() => props.onPage(i)}
        >
          {t('doc.page')} {i + 1}
        </button>
      ))}
    </div>
  );
}
