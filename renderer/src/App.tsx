// The console's frame: sidebar navigation (hash routes, so the same bundle works from file, dev server and
// node), node status, language and theme switches, and the key prompt when the node asks for one.
import { useEffect, useState, type ReactNode } from 'react';
import type { HealthResponse } from '../../server/contract/health';
import { useConnection } from './api/connection';
import { useResource } from './api/useResource';
import { Icon } from './components/Icon';
import { KeyPrompt } from './components/KeyPrompt';
import { LANGUAGES, useI18n, type Language } from './i18n';
import { useTheme } from './theme';
import { VIEWS, viewFromHash, type ViewId } from './views';
import { Cluster } from './views/Cluster';
import { Dashboard } from './views/Dashboard';
import { History } from './views/History';
import { Jobs } from './views/Jobs';
import { Models } from './views/Models';
import { Monitoring } from './views/Monitoring';
import { Recognise } from './views/Recognise';
import { Settings } from './views/Settings';
import { TeamNode } from './views/TeamNode';

/** Health is cheap and unauthenticated; a few seconds keeps the status pill honest. */
const HEALTH_POLL_MS = 5_000;

function CurrentView({ id, health }: { id: ViewId; health: ReturnType<typeof useResource<HealthResponse>> }): ReactNode {
  switch (id) {
    case 'dashboard':
      return <Dashboard health={health} />;
    case 'recognise':
      return <Recognise />;
    case 'jobs':
      return <Jobs />;
    case 'history':
      return <History />;
    case 'models':
      return <Models />;
    case 'team':
      return <TeamNode />;
    case 'monitoring':
      return <Monitoring />;
    case 'cluster':
      return <Cluster />;
    case 'settings':
      return <Settings health={health.data} />;
  }
}

export function App(): ReactNode {
  const { t, lang, setLang } = useI18n();
  const theme = useTheme();
  const { needsKey, key, setKey } = useConnection();
  const [view, setView] = useState<ViewId>(() => viewFromHash(location.hash));
  const health = useResource((c, signal) => c.health(signal), [], { intervalMs: HEALTH_POLL_MS });

  useEffect(() => {
    const onHash = (): void => setView(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const online = health.data !== undefined && !health.error;
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark"><Icon name="flame" size={22} /></span>
          <span>{t('app.name')}</span>
        </div>
        <nav aria-label="views">
          {VIEWS.map((v) => (
            <a
              key={v.id}
              href={`#/${v.id}`}
              className={v.id === view ? 'nav-item active' : 'nav-item'}
              aria-current={v.id === view ? 'page' : undefined}
              data-testid={`nav-${v.id}`}
            >
              <span className="nav-icon"><Icon name={v.id} /></span>
              {t(v.label)}
            </a>
          ))}
        </nav>
        <div className="sidebar-foot">
          <span className={online ? 'pill ok' : 'pill bad'} data-testid="node-status">
            {online ? t('status.online') : health.loading ? t('common.loading') : t('status.offline')}
          </span>
          <label className="inline">
            <span className="sr-only">{t('set.language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Language)} data-testid="language-select">
              {Object.entries(LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>{name}</option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="icon-button"
            data-testid="theme-toggle"
            title={t('set.theme')}
            onClick={() => theme.setChoice(theme.applied === 'dark' ? 'light' : 'dark')}
          >
            <Icon name={theme.applied === 'dark' ? 'sun' : 'moon'} size={16} />
          </button>
          {key && (
            <button type="button" className="link" onClick={() => setKey(null)}>{t('key.forget')}</button>
          )}
        </div>
      </aside>
      <main className="content" data-view={view}>
        <h1 className="view-title">{t(VIEWS.find((v) => v.id === view)!.label)}</h1>
        <CurrentView id={view} health={health} />
      </main>
      {needsKey && <KeyPrompt />}
    </div>
  );
}
