// An image with one polygon per recognised line drawn over it (SVG in the image's pixel space, so the boxes
// scale with the picture); hovering a line here or in the list highlights both.
import type { ReactNode } from 'react';
import type { OcrLine } from '../../../server/contract/ocr';

export function OcrOverlay(props: {
  /** Absent for a page the browser cannot show (a PDF page): the boxes are drawn on a blank page. */
  src?: string;
  alt: string;
  width: number;
  height: number;
  lines: OcrLine[];
  active: number | null;
  onActive(index: number | null): void;
}): ReactNode {
  return (
    <div className="overlay">
      {props.src ? (
        <img src={props.src} alt={props.alt} draggable={false} />
      ) : (
        <svg className="overlay-page" viewBox={`0 0 ${props.width} ${props.height}`} role="img" aria-label={props.alt}>
          <rect width={props.width} height={props.height} fill="#fff" />
        </svg>
      )}
      <svg className="overlay-boxes" viewBox={`0 0 ${props.width} ${props.height}`} preserveAspectRatio="none" data-testid="ocr-boxes">
        {props.lines.map((line, i) => (
          <polygon
            key={i}
            className={i === props.active ? 'box active' : 'box'}
            points={line.box.map(([x, y]) => `${x},${y}`).join(' ')}
            vectorEffect="non-scaling-stroke"
            onMouseEnter={() => props.onActive(i)}
            onMouseLeave={() => props.onActive(null)}
          >
            <title>{`${line.text} (${Math.round(line.confidence * 100)}%)`}</title>
          </polygon>
        ))}
      </svg>
    </div>
  );
}

export function ConfidenceBar({ value }: { value: number }): ReactNode {
  const pct = Math.round(value * 100);
  const tone = value >= 0.9 ? 'good' : value >= 0.7 ? 'fair' : 'poor';
  return (
    <span className={`confidence ${tone}`} title={`${pct}%`}>
      <span className="confidence-fill" style={{ width: `${pct}%` }} />
      <span className="confidence-label">{pct}%</span>
    </span>
  );
}
