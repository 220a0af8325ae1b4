// Asks for an API key when the node answers 401 (LAN mode); the key lives in sessionStorage only.
import { useState, type ReactNode } from 'react';
import { useConnection } from '../api/connection';
import { useI18n } from '../i18n';

export function KeyPrompt(): ReactNode {
  const { t } = useI18n();
  const { setKey } = useConnection();
  const [value, setValue] = useState('');
  return (
    <div className="modal-backdrop">
      <form
        className="modal key-prompt"
        role="dialog"
        aria-label={t('key.title')}
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim()) setKey(value.trim());
        }}
      >
        <h2>{t('key.title')}</h2>
        <p>{t('key.body')}</p>
        <label>
          {t('key.label')}
          <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} autoFocus />
        </label>
        <button type="submit" className="primary">
          {t('key.submit')}
        </button>
      </form>
    </div>
  );
}
