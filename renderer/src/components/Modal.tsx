// A dialog over the view (result details); Escape or the backdrop closes it.
import { useEffect, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export function Modal({ title, onClose, children }: { title: string; onClose(): void; children: ReactNode }): ReactNode {
  const { t } = useI18n();
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()}>
        <header className="modal-header">
          <h2>{title}</h2>
          <button type="button" onClick={onClose}>
            {t('common.close')}
          </button>
        </header>
        <div className="modal-body">{children}</div>
      </div>
    </div>
  );
}
