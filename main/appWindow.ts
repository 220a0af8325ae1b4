// The console window: sandboxed and isolated, shown when painted, its size and place remembered,
// in-app navigation limited to the node's own origin (other links go to the OS browser), CSP as a header.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BrowserWindow, screen, session, shell } from 'electron';
import { CSP_HEADER } from '../server/contract/csp';

const STATE_FILE = 'window-state.json';
/** Saving on every resize event would write the file dozens of times a second. */
const SAVE_DELAY_MS = 500;

interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

const DEFAULT_STATE: WindowState = { width: 1280, height: 800, maximized: false };

function readState(file: string): WindowState {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')) as Partial<WindowState>;
    const state: WindowState = { ...DEFAULT_STATE, ...s };
    // Forget a position that is no longer on any display (a monitor was unplugged).
    if (state.x !== undefined && state.y !== undefined) {
      const visible = screen
        .getAllDisplays()
        .some(({ workArea: a }) => state.x! >= a.x - 50 && state.y! >= a.y - 50 && state.x! < a.x + a.width && state.y! < a.y + a.height);
      if (!visible) return { ...state, x: undefined, y: undefined };
    }
    return state;
  } catch {
    return DEFAULT_STATE;
  }
}

/** Only http(s) links leave the app, and only to the OS browser. */
function openExternally(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

/** Adds the CSP header to everything the node serves to the window. */
export function applyContentSecurityPolicy(nodeOrigin: string): void {
  session.defaultSession.webRequest.onHeadersReceived({ urls: [`${nodeOrigin}/*`] }, (details, callback) => {
    const headers = { ...details.responseHeaders, 'Content-Security-Policy': [CSP_HEADER] };
    callback({ responseHeaders: headers });
  });
}

export interface AppWindowOptions {
  userDataDir: string;
  /** What to load: the node's own URL (it serves the console) or the dev server's. */
  url: string;
  preload: string;
  /** Origins the window may navigate to (they change when the node re-listens). */
  allowedOrigins(): string[];
}

export function createAppWindow(opts: AppWindowOptions): BrowserWindow {
  const stateFile = join(opts.userDataDir, STATE_FILE);
  const state = existsSync(stateFile) ? readState(stateFile) : DEFAULT_STATE;
  const win = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Hearth',
    autoHideMenuBar: true,
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  if (state.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());

  win.webContents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!opts.allowedOrigins().includes(new URL(url).origin)) {
      event.preventDefault();
      openExternally(url);
    }
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());

  let timer: NodeJS.Timeout | undefined;
  const saveNow = (): void => {
    clearTimeout(timer);
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    const next: WindowState = { x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() };
    writeFileSync(stateFile, JSON.stringify(next));
  };
  const save = (): void => {
    clearTimeout(timer);
    timer = setTimeout(saveNow, SAVE_DELAY_MS);
  };
  win.on('resize', save);
  win.on('move', save);
  win.on('maximize', save);
  win.on('unmaximize', save);
  win.on('close', saveNow);

  void win.loadURL(opts.url);
  return win;
}
