// The three states every view shows besides its data: loading, empty and error (with retry).
import type { ReactNode } from 'react';
import { ClientError } from '../../../server/contract/client';
import { useI18n } from '../i18n';

/** A spinner with what it waits for; `label` says it where a view knows better than "Loading…". */
export function Loading({ label }: { label?: string } = {}): ReactNode {
  const { t } = useI18n();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label ?? t('common.loading')}
    </div>
  );
}

export function Empty({ children }: { children?: ReactNode }): ReactNode {
  const { t } = useI18n();
  return <div className="state state-empty">{children ?? t('common.empty')}</div>;
}

export function ErrorPanel({ error, onRetry }: { error: Error; onRetry?: () => void }): ReactNode {
  const { t } = useI18n();
  const missing = error instanceof ClientError && (error.status === 404 || error.status === 405);
  return (
    <div className="state state-error" role="alert">
      <strong>{missing ? t('common.notAvailable') : t('common.error')}</strong>
      <span className="muted">{error instanceof ClientError ? `${error.code}: ${error.message}` : error.message}</span>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

/** Shows loading/error around a resource and renders children once data is there. */
export function Async<T>(props: {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload?: () => void;
  children: (data: T) => ReactNode;
}): ReactNode {
  if (props.data !== undefined) return props.children(props.data);
  if (props.error) return <ErrorPanel error={props.error} onRetry={props.reload} />;
  return <Loading />;
}
