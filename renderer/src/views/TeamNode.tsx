// Team node: open the node to the LAN (interface, reachable URLs, TLS fingerprint), API keys (create with
// scopes, shown once, revoke), usage per key with CSV export, the audit log and the request limits.
import { useState, type ReactNode } from 'react';
import type { ClusterSettings } from '../../../server/contract/cluster';
import { SCOPES, type CreatedKeyResponse, type KeyScope, type Settings } from '../../../server/contract/security';
import { useConnection } from '../api/connection';
import { downloadFrom } from '../api/download';
import { useResource } from '../api/useResource';
import { Async, Empty, ErrorPanel } from '../components/states';
import { copyText } from '../components/TextLines';
import { useI18n } from '../i18n';

/** Where the console continues once the node re-listened at another origin (LAN on/off switches http/https). */
interface Move {
  url: string;
  key: string | null;
  /** The node's TLS certificate fingerprint at the new URL (the desktop app trusts exactly that one). */
  fingerprint: string | null;
}

function NodePanel(): ReactNode {
  const { t } = useI18n();
  const { client, bridge, key, report, setKey } = useConnection();
  const node = useResource((c, signal) => c.call('getNode', { signal }), []);
  const [host, setHost] = useState('');
  const [ownerKey, setOwnerKey] = useState<string | null>(null);
  const [move, setMove] = useState<Move | null>(null);
  const [error, setError] = useState<Error>();
  const [busy, setBusy] = useState(false);

  const follow = async (m: Move): Promise<void> => {
    if (bridge) {
      // The desktop window may only navigate where main allows, and must trust the node's new certificate.
      await bridge.nodeMoved({ url: m.url, fingerprint: m.fingerprint, token: m.key });
      location.href = `${m.url}/#/team`;
    } else {
      location.href = `${m.url}/#/team${m.key ? `?key=${encodeURIComponent(m.key)}` : ''}`;
    }
  };

  const toggle = (lan: boolean): void => {
    setBusy(true);
    client
      .call('updateNode', { body: { lan, host: host || undefined } })
      .then(
        (res) => {
          setError(undefined);
          const nextKey = res.ownerKey ?? key;
          const moved = res.url !== null && new URL(res.url).origin !== new URL(client.baseUrl || location.origin).origin;
          if (res.ownerKey) setOwnerKey(res.ownerKey);
          if (moved) {
            const m: Move = { url: res.url!.replace(/\/+$/, ''), key: nextKey, fingerprint: res.fingerprint };
            // A new owner key is shown once before leaving; otherwise follow the node right away.
            if (res.ownerKey) setMove(m);
            else void follow(m).catch(setError);
            return;
          }
          if (res.ownerKey) setKey(res.ownerKey);
          node.reload();
        },
        (err: Error) => {
          report(err);
          setError(err);
        },
      )
      .finally(() => setBusy(false));
  };

  return (
    <section className="panel" data-testid="node-panel">
      <h2>{t('team.lan')}</h2>
      <Async {...node}>
        {(n) => (
          <div className="stack">
            <div className="toolbar">
              <span className={n.lan ? 'pill ok' : 'pill'}>{n.lan ? t('team.lanOn') : t('team.lanOff')}</span>
              <label className="inline">
                {t('team.interface')}
                <select value={host} onChange={(e) => setHost(e.target.value)} disabled={!n.canToggle}>
                  <option value="">{t('team.allInterfaces')}</option>
                  {n.interfaces
                    .filter((i) => !i.internal)
                    .map((i) => (
                      <option key={`${i.name}-${i.address}`} value={i.address}>
                        {i.name} — {i.address}
                      </option>
                    ))}
                </select>
              </label>
              <button type="button" className={n.lan ? 'danger' : 'primary'} disabled={!n.canToggle || busy} onClick={() => toggle(!n.lan)}>
                {n.lan ? t('team.lanOff') : t('team.lanOn')}
              </button>
            </div>
            <dl className="facts">
              <dt>{t('set.server')}</dt>
              <dd className="mono">{n.url ?? '—'}</dd>
              <dt>{t('team.urls')}</dt>
              <dd className="mono">{n.urls.length ? n.urls.map((u) => <div key={u}>{u}</div>) : '—'}</dd>
              <dt>{t('team.fingerprint')}</dt>
              <dd className="mono wrap">{n.fingerprint ?? '—'}</dd>
            </dl>
            {ownerKey && (
              <div className="once" role="status" data-testid="owner-key">
                {t('team.ownerKey')} <code>{ownerKey}</code>{' '}
                <button type="button" onClick={() => void copyText(ownerKey)}>
                  {t('common.copy')}
                </button>
                {move && (
                  <button type="button" className="primary" onClick={() => void follow(move).catch(setError)}>
                    {t('team.continueAt')} {move.url}
                  </button>
                )}
              </div>
            )}
            {error && <ErrorPanel error={error} />}
          </div>
        )}
      </Async>
    </section>
  );
}

function KeysPanel({ onChange }: { onChange(): void }): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const keys = useResource((c, signal) => c.call('listKeys', { signal }), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<KeyScope[]>(['infer']);
  const [created, setCreated] = useState<CreatedKeyResponse | null>(null);
  const [error, setError] = useState<Error>();

  const fail = (err: Error): void => {
    report(err);
    setError(err);
  };
  const create = (): void => {
    client.call('createKey', { body: { name: name.trim(), scopes } }).then((k) => {
      setCreated(k);
      setName('');
      setError(undefined);
      keys.reload();
      onChange();
    }, fail);
  };
  const revoke = (id: string): void => {
    client.call('revokeKey', { params: { id } }).then(() => {
      keys.reload();
      onChange();
    }, fail);
  };

  return (
    <section className="panel" data-testid="keys-panel">
      <h2>{t('team.keys')}</h2>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() && scopes.length) create();
        }}
      >
        <label>
          {t('team.keyName')}
          <input value={name} onChange={(e) => setName(e.target.value)} data-testid="key-name" />
        </label>
        <fieldset className="inline">
          <legend>{t('team.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                data-testid={`key-scope-${s}`}
                onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))}
              />
              {s}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={!name.trim() || scopes.length === 0} data-testid="key-create">
          {t('team.create')}
        </button>
      </form>
      {created && (
        <div className="once" role="status" data-testid="key-created">
          {t('team.newKey')} <code data-testid="key-secret">{created.key}</code>{' '}
          <button type="button" onClick={() => void copyText(created.key)}>
            {t('common.copy')}
          </button>
          <button type="button" className="link" onClick={() => setCreated(null)}>
            {t('common.close')}
          </button>
        </div>
      )}
      {error && <ErrorPanel error={error} />}
      <Async {...keys}>
        {(data) =>
          data.keys.length === 0 ? (
            <Empty>{t('team.noKeys')}</Empty>
          ) : (
            <table className="table" data-testid="keys-table">
              <thead>
                <tr>
                  <th>{t('team.keyName')}</th>
                  <th>{t('team.keyId')}</th>
                  <th>{t('team.scopes')}</th>
                  <th>{t('team.lastUsed')}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {data.keys.map((k) => (
                  <tr key={k.id} data-testid={`key-row-${k.name}`} className={k.revokedAt ? 'revoked' : ''}>
                    <td>{k.name}</td>
                    <td className="mono">{k.prefix}…</td>
                    <td>{k.scopes.join(', ')}</td>
                    <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : t('common.never')}</td>
                    <td>
                      {k.revokedAt ? (
                        <span className="pill bad">{t('team.revoked')}</span>
                      ) : (
                        <button type="button" className="danger" onClick={() => revoke(k.id)} data-testid={`key-revoke-${k.name}`}>
                          {t('team.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

function UsagePanel(): ReactNode {
  const { t } = useI18n();
  const { client } = useConnection();
  const usage = useResource((c, signal) => c.call('usage', { signal }), []);
  const [error, setError] = useState<Error>();
  return (
    <section className="panel">
      <header className="panel-header">
        <h2>{t('team.usage')}</h2>
        <button
          type="button"
          onClick={() => void downloadFrom(client.callBlob('usage', { query: { format: 'csv' } }), 'hearth-usage.csv').catch(setError)}
        >
          {t('team.usageCsv')}
        </button>
      </header>
      {error && <ErrorPanel error={error} />}
      <Async {...usage}>
        {(data) =>
          data.rows.length === 0 ? (
            <Empty>{t('team.noUsage')}</Empty>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>{t('usage.day')}</th>
                  <th>{t('usage.key')}</th>
                  <th>{t('usage.requests')}</th>
                  <th>{t('usage.images')}</th>
                  <th>{t('usage.engineMs')}</th>
                  <th>{t('usage.errors')}</th>
                </tr>
              </thead>
              <tbody>
                {data.rows.map((r) => (
                  <tr key={`${r.day}-${r.keyId}`}>
                    <td>{r.day}</td>
                    <td>{r.keyName ?? r.keyId}</td>
                    <td>{r.requests}</td>
                    <td>{r.images}</td>
                    <td>{r.engineMs}</td>
                    <td>{r.errors}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

function AuditPanel({ tick }: { tick: number }): ReactNode {
  const { t } = useI18n();
  const audit = useResource((c, signal) => c.call('audit', { signal, query: { limit: 50 } }), [tick]);
  return (
    <section className="panel">
      <h2>{t('team.audit')}</h2>
      <Async {...audit}>
        {(data) =>
          data.entries.length === 0 ? (
            <Empty>{t('team.noAudit')}</Empty>
          ) : (
            <table className="table" data-testid="audit-table">
              <tbody>
                {data.entries.map((e) => (
                  <tr key={e.id}>
                    <td>{new Date(e.at).toLocaleString()}</td>
                    <td className="mono">{e.actor}</td>
                    <td>{e.action}</td>
                    <td className="mono muted">{JSON.stringify(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Async>
    </section>
  );
}

function LimitsPanel(): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const settings = useResource((c, signal) => c.call('getSettings', { signal }), []);
  const [draft, setDraft] = useState<Partial<Settings['limits']>>({});
  const [state, setState] = useState<'idle' | 'saved' | Error>('idle');
  const save = (): void => {
    client.call('updateSettings', { body: { limits: draft } }).then(
      () => {
        setState('saved');
        setDraft({});
        settings.reload();
      },
      (err: Error) => {
        report(err);
        setState(err);
      },
    );
  };
  return (
    <section className="panel">
      <h2>{t('team.limits')}</h2>
      <Async {...settings}>
        {(s) => (
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              save();
            }}
          >
            {(Object.keys(s.limits) as (keyof Settings['limits'])[]).map((name) => (
              <label key={name}>
                {name}
                <input
                  type="number"
                  value={draft[name] ?? s.limits[name]}
                  onChange={(e) => setDraft({ ...draft, [name]: Number(e.target.value) })}
                />
              </label>
            ))}
            <button type="submit" disabled={Object.keys(draft).length === 0}>
              {t('common.save')}
            </button>
            {state === 'saved' && <span className="muted">{t('common.saved')}</span>}
            {state instanceof Error && <ErrorPanel error={state} />}
          </form>
        )}
      </Async>
    </section>
  );
}

/** The cluster setting: which NATS server this node joins at its next start (credentials stay in config.json/env). */
function ClusterPanel(): ReactNode {
  const { t } = useI18n();
  const { client, report } = useConnection();
  const view = useResource((c, signal) => c.call('cluster', { signal }), []);
  const [url, setUrl] = useState<string>();
  const [name, setName] = useState<string>();
  const [saved, setSaved] = useState<{ restartNeeded: boolean }>();
  const [error, setError] = useState<Error>();

  const save = (current: ClusterSettings): void => {
    const nextUrl = (url ?? current.url ?? '').trim();
    const nextName = (name ?? current.name ?? '').trim();
    client.call('updateCluster', { body: { url: nextUrl || null, name: nextName || null } }).then(
      (r) => {
        setSaved(r);
        setError(undefined);
      },
      (err: Error) => {
        report(err);
        setError(err);
      },
    );
  };

  return (
    <section className="panel" data-testid="cluster-panel">
      <h2>{t('team.cluster')}</h2>
      <Async {...view}>
        {(v) => {
          const current = v.settings ?? { url: null, name: null };
          return (
            <div className="stack">
              <p className="muted">{current.url ? `${t('team.clusterJoined')} ${current.url}` : t('team.clusterAlone')}</p>
              <div className="toolbar">
                <label className="inline">
                  {t('team.clusterUrl')}
                  <input
                    data-testid="cluster-url"
                    placeholder="nats://host:4222"
                    value={url ?? current.url ?? ''}
                    onChange={(e) => setUrl(e.target.value)}
                  />
                </label>
                <label className="inline">
                  {t('team.clusterName')}
                  <input data-testid="cluster-name" value={name ?? current.name ?? ''} onChange={(e) => setName(e.target.value)} />
                </label>
                <button type="button" className="primary" data-testid="cluster-save" onClick={() => save(current)}>
                  {t('common.save')}
                </button>
              </div>
              {saved && (
                <div role="status" data-testid="cluster-saved">
                  {saved.restartNeeded ? t('team.clusterRestart') : t('common.saved')}
                </div>
              )}
              <p className="muted">{t('team.clusterHint')}</p>
              {error && <ErrorPanel error={error} />}
            </div>
          );
        }}
      </Async>
    </section>
  );
}

export function TeamNode(): ReactNode {
  // Key changes are audited: the audit panel refetches when the keys panel changes something.
  const [tick, setTick] = useState(0);
  return (
    <div className="stack">
      <NodePanel />
      <ClusterPanel />
      <KeysPanel onChange={() => setTick((n) => n + 1)} />
      <UsagePanel />
      <AuditPanel tick={tick} />
      <LimitsPanel />
    </div>
  );
}
