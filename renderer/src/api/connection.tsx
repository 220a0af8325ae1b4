// Where the console's node is and how to reach it: the bridge's URL in the desktop app, this page's origin in a
// browser; an API key (LAN mode) asked for once and kept in sessionStorage, sent as Bearer.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { HearthBridge } from '../../../main/preload/bridge';
import { ClientError, createClient, type HearthClient } from '../../../server/contract/client';
import { useI18n } from '../i18n';

const KEY_STORAGE = 'hearth.key';
const KEY_IN_HASH = /[?&]key=([^&]+)/;

/**
 * When the node moves to a new origin (LAN on: http → https) the console follows it with the key in the URL
 * fragment (never sent to a server); it goes into this origin's sessionStorage and out of the address bar.
 */
function adoptKeyFromHash(): void {
  const m = KEY_IN_HASH.exec(location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY_STORAGE, decodeURIComponent(m[1]));
  history.replaceState(null, '', `${location.pathname}${location.search}${location.hash.replace(KEY_IN_HASH, '')}`);
}

export interface Connection {
  client: HearthClient;
  bridge: HearthBridge | null;
  key: string | null;
  /** Bumped when the key changes so every view fetches again. */
  generation: number;
  needsKey: boolean;
  setKey(key: string | null): void;
  /** Views call this with any error; a 401 opens the key prompt. */
  report(err: unknown): void;
}

const ConnectionContext = createContext<Connection | null>(null);

export function ConnectionProvider({ children }: { children: ReactNode }): ReactNode {
  const { t } = useI18n();
  const bridge = window.hearth ?? null;
  const [baseUrl, setBaseUrl] = useState<string | null>(bridge ? null : location.origin);
  const [key, setKeyState] = useState<string | null>(() => {
    adoptKeyFromHash();
    return sessionStorage.getItem(KEY_STORAGE);
  });
  const [generation, setGeneration] = useState(0);
  const [needsKey, setNeedsKey] = useState(false);

  useEffect(() => {
    if (!bridge) return;
    void bridge.getNode().then((info) => {
      setBaseUrl(info.url);
      if (info.token && !sessionStorage.getItem(KEY_STORAGE)) setKeyState(info.token);
    });
  }, [bridge]);

  const setKey = useCallback((next: string | null) => {
    if (next) sessionStorage.setItem(KEY_STORAGE, next);
    else sessionStorage.removeItem(KEY_STORAGE);
    setKeyState(next);
    setNeedsKey(false);
    setGeneration((g) => g + 1);
  }, []);

  const report = useCallback((err: unknown) => {
    if (err instanceof ClientError && err.status === 401) setNeedsKey(true);
  }, []);

  const value = useMemo<Connection | null>(
    () =>
      baseUrl === null
        ? null
        : { client: createClient({ baseUrl, key, origin: 'console' }), bridge, key, generation, needsKey, setKey, report },
    [baseUrl, key, bridge, generation, needsKey, setKey, report],
  );
  // The desktop app waits here for its node to start: say so, with the app's name, rather than a bare spinner.
  if (!value)
    return (
      <div className="boot" role="status">
        {t('app.name')} · {t('boot.startingNode')}
      </div>
    );
  return <ConnectionContext.Provider value={value}>{children}</ConnectionContext.Provider>;
}

export function useConnection(): Connection {
  const ctx = useContext(ConnectionContext);
  if (!ctx) throw new Error('useConnection outside ConnectionProvider');
  return ctx;
}
