// The console's frame: sidebar navigation (hash routes, so the same bundle works from file, dev server and
// node), node status, language and theme switches, and the key prompt when the node asks for one.
import { lazy, Suspense, useEffect, useState, type ReactNode } from 'react';
import type { HealthResponse } from '../../server/contract/health';
import { useConnection } from './api/connection';
import { useResource } from './api/useResource';
import { Icon } from './components/Icon';
import { KeyPrompt } from './components/KeyPrompt';
import { Loading } from './components/states';
import { LANGUAGES, useI18n, type Language } from './i18n';
import { useTheme } from './theme';
import { VIEWS, viewFromHash, type ViewId } from './views';
import { Cluster } from './views/Cluster';
import { Dashboard } from './views/Dashboard';

// The dashboard is the first paint and comes with the shell; every other view (and its libraries, the charts
// above all) is a chunk of its own, so the console starts on a small bundle. The chunks are fetched soon after
// the first paint (PREFETCH_AFTER_MS), so opening a view later does not wait for them.
const VIEW_CHUNKS = {
  recognise: () => import('./views/Recognise'),
  jobs: () => import('./views/Jobs'),
  history: () => import('./views/History'),
  models: () => import('./views/Models'),
  team: () => import('./views/TeamNode'),
  monitoring: () => import('./views/Monitoring'),
  settings: () => import('./views/Settings'),
  training: () => import('./views/Training'),
  billing: () => import('./views/Billing'),
} as const;
const PREFETCH_AFTER_MS = 500;
const Recognise = lazy(() => VIEW_CHUNKS.recognise().then((m) => ({ default: m.Recognise })));
const Jobs = lazy(() => VIEW_CHUNKS.jobs().then((m) => ({ default: m.Jobs })));
const History = lazy(() => VIEW_CHUNKS.history().then((m) => ({ default: m.History })));
const Models = lazy(() => VIEW_CHUNKS.models().then((m) => ({ default: m.Models })));
const TeamNode = lazy(() => VIEW_CHUNKS.team().then((m) => ({ default: m.TeamNode })));
const Monitoring = lazy(() => VIEW_CHUNKS.monitoring().then((m) => ({ default: m.Monitoring })));
const Settings = lazy(() => VIEW_CHUNKS.settings().then((m) => ({ default: m.Settings })));
const Training = lazy(() => VIEW_CHUNKS.training().then((m) => ({ default: m.Training })));
const Billing = lazy(() => VIEW_CHUNKS.billing().then((m) => ({ default: m.Billing })));

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
    case 'training':
      return <Training />;
    case 'billing':
      return <Billing />;
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
    const timer = setTimeout(() => Object.values(VIEW_CHUNKS).forEach((load) => void load()), PREFETCH_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);

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
          <span className="brand-mark">
            <Icon name="flame" size={22} />
          </span>
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
              <span className="nav-icon">
                <Icon name={v.id} />
              </span>
              {t(v.label)}
            </a>
          ))}
        </nav>
        <div className="sidebar-foot">
          <span className={online ? 'pill ok' : 'pill bad'} data-testid="node-status">
            {online ? t('status.online') : health.loading ? t('status.connecting') : t('status.offline')}
          </span>
          <label className="inline">
            <span className="sr-only">{t('set.language')}</span>
            <select value={lang} onChange={(e) => setLang(e.target.value as Language)} data-testid="language-select">
              {Object.entries(LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
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
            <button type="button" className="link" onClick={() => setKey(null)}>
              {t('key.forget')}
            </button>
          )}
        </div>
      </aside>
      <main className="content" data-view={view}>
        <h1 className="view-title">{t(VIEWS.find((v) => v.id === view)!.label)}</h1>
        <Suspense fallback={<Loading label={t('common.loadingView')} />}>
          <CurrentView id={view} health={health} />
        </Suspense>
      </main>
      {needsKey && <KeyPrompt />}
    </div>
  );
}
