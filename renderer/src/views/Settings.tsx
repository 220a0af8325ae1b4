// Settings: language and theme (this console), the node's data and retention settings, and about.
import { useState, type ReactNode } from 'react';
import type { HealthResponse } from '../../../server/contract/health';
import { PROVIDER_NAMES, type ProviderSetting } from '../../../server/contract/providers';
import type { Settings as NodeSettings, SettingsUpdate } from '../../../server/contract/security';
import { useConnection } from '../api/connection';
import { useResource } from '../api/useResource';
import { Async, ErrorPanel } from '../components/states';
import { LANGUAGES, useI18n, type Language, type MessageKey } from '../i18n';
import { THEMES, useTheme, type ThemeChoice } from '../theme';

const RETENTION_MODES = ['all', 'days', 'results-only'] as const;
const PROVIDER_CHOICES = ['auto', ...PROVIDER_NAMES] as const;

function NodeSettingsForm({ settings, onSaved }: { settings: NodeSettings; onSaved(): void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const [mode, setMode] = useState(settings.retention.mode);
  const [days, setDays] = useState(settings.retention.days);
  const [roots, setRoots] = useState(settings.sharedRoots.join('\n'));
  const [hosts, setHosts] = useState(settings.allowedHosts.join('\n'));
  const [provider, setProvider] = useState<ProviderSetting>(settings.provider);
  const [state, setState] = useState<'idle' | 'saved' | Error>('idle');
  const lines = (s: string): string[] =>
    s
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  const save = (): void => {
    const body: SettingsUpdate = { retention: { mode, days }, sharedRoots: lines(roots), allowedHosts: lines(hosts), provider };
    client.call('updateSettings', { body }).then(
      () => {
        setState('saved');
        onSaved();
      },
      (err: Error) => {
        report(err);
        setState(err);
      },
    );
  };
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save();
      }}
    >
      <dl className="facts">
        <dt>{t('set.dataDir')}</dt>
        <dd className="mono" data-testid="settings-data-dir">
          {settings.dataDir}
        </dd>
      </dl>
      <div className="form-row">
        <label>
          {t('set.retention')}
          <select value={mode} onChange={(e) => setMode(e.target.value as NodeSettings['retention']['mode'])}>
            {RETENTION_MODES.map((m) => (
              <option key={m} value={m}>
                {t(`set.retention.${m}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        {mode === 'days' && (
          <label>
            {t('set.days')}
            <input type="number" min={1} value={days} onChange={(e) => setDays(Number(e.target.value))} />
          </label>
        )}
      </div>
      <label>
        {t('set.sharedRoots')}
        <textarea rows={3} value={roots} onChange={(e) => setRoots(e.target.value)} data-testid="settings-shared-roots" />
      </label>
      <label>
        {t('set.allowedHosts')}
        <textarea rows={2} value={hosts} onChange={(e) => setHosts(e.target.value)} />
      </label>
      <label>
        {t('set.provider')}
        <select value={provider} onChange={(e) => setProvider(e.target.value as ProviderSetting)} data-testid="settings-provider">
          {PROVIDER_CHOICES.map((p) => (
            <option key={p} value={p}>
              {p === 'auto' ? t('set.provider.auto') : p}
            </option>
          ))}
        </select>
      </label>
      <div className="toolbar">
        <button type="submit" className="primary" data-testid="settings-save">
          {t('common.save')}
        </button>
        {state === 'saved' && <span className="muted">{t('common.saved')}</span>}
      </div>
      {state instanceof Error && <ErrorPanel error={state} />}
    </form>
  );
}

export function Settings({ health }: { health: HealthResponse | undefined }): ReactNode {
  const { t, lang, setLang } = useI18n();
  const theme = useTheme();
  const { client, bridge } = useConnection();
  const settings = useResource((c, signal) => c.call('getSettings', { signal }), []);
  return (
    <div className="stack">
      <section className="panel">
        <h2>{t('set.general')}</h2>
        <div className="form-row">
          <label>
            {t('set.language')}
            <select value={lang} onChange={(e) => setLang(e.target.value as Language)} data-testid="settings-language">
              {Object.entries(LANGUAGES).map(([code, name]) => (
                <option key={code} value={code}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('set.theme')}
            <select value={theme.choice} onChange={(e) => theme.setChoice(e.target.value as ThemeChoice)} data-testid="settings-theme">
              {THEMES.map((c) => (
                <option key={c} value={c}>
                  {t(`set.${c}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
        </div>
      </section>
      <section className="panel">
        <h2>{t('nav.settings')}</h2>
        <Async {...settings}>{(s) => <NodeSettingsForm settings={s} onSaved={settings.reload} />}</Async>
      </section>
      <section className="panel">
        <h2>{t('set.about')}</h2>
        <dl className="facts">
          <dt>Hearth</dt>
          <dd>{health?.version ?? '—'}</dd>
          <dt>{t('set.server')}</dt>
          <dd className="mono">{client.baseUrl}</dd>
          <dt>{t('dash.providers')}</dt>
          <dd>{health?.providers.join(', ') ?? '—'}</dd>
          <dt>{t('set.candidates')}</dt>
          <dd data-testid="settings-candidates">
            {health?.candidates
              ?.map((c) => `${c.name}${c.chosen ? ' ✓' : ''}: ${c.ms !== undefined ? `${c.ms} ms` : (c.reason ?? '—')}`)
              .join(' · ') ?? '—'}
          </dd>
          <dt>UI</dt>
          <dd>{bridge ? t('set.desktop') : t('set.browser')}</dd>
        </dl>
      </section>
    </div>
  );
}
