// The recognised lines beside the image: text, confidence, copy one line or all.
import { useState, type ReactNode } from 'react';
import type { OcrLine } from '../../../server/contract/ocr';
import { useI18n } from '../i18n';
import { Icon } from './Icon';
import { ConfidenceBar } from './OcrOverlay';

export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API refused (not focused, insecure origin on the LAN): fall back to a selection copy.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function TextLines(props: { lines: OcrLine[]; active: number | null; onActive(i: number | null): void }): ReactNode {
  const { t } = useI18n();
  const [copied, setCopied] = useState<number | null>(null);
  if (props.lines.length === 0) return <div className="state state-empty">{t('rec.noText')}</div>;
  return (
    <ol className="lines" data-testid="ocr-lines">
      {props.lines.map((line, i) => (
        <li
          key={i}
          className={i === props.active ? 'line active' : 'line'}
          onMouseEnter={() => props.onActive(i)}
          onMouseLeave={() => props.onActive(null)}
        >
          <span className="line-text" data-testid="ocr-line-text">
            {line.text}
          </span>
          <ConfidenceBar value={line.confidence} />
          <button
            type="button"
            className="icon-button"
            title={t('rec.copyLine')}
            aria-label={t('rec.copyLine')}
            onClick={() => void copyText(line.text).then(() => setCopied(i))}
          >
            <Icon name={copied === i ? 'check' : 'copy'} size={14} />
          </button>
        </li>
      ))}
    </ol>
  );
}
