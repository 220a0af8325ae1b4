// The desktop app's lifecycle: one instance, the node started in a utility process, then the window, the
// tray and notifications. Closing the window leaves the node running in the tray; Quit stops it.
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, type BrowserWindow, dialog, net, session, shell } from 'electron';
import { isLoopbackHost } from '../server/loopback';
import { applyContentSecurityPolicy, createAppWindow } from './appWindow';
import { registerIpc } from './ipc';
import { clusterUrlSetting, localNatsFor, superviseNats, type NatsSupervisor } from './natsServer';
import { watchNodeForNotifications, type Notifier } from './notifications';
import type { NodeMove, NodeInfo } from './preload/bridge';
import { startNodeProcess, type NodeProcess } from './nodeProcess';
import { loadStoreKey } from './storeKey';
import { createTray, type HearthTray } from './tray';

const PRELOAD = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
/** electron-vite dev sets this; built apps load the console from the node itself. */
const DEV_RENDERER_URL = process.env.ELECTRON_RENDERER_URL;

let node: NodeProcess | undefined;
/** The NATS server this app runs when the team-node setting names one on this machine. */
let nats: NatsSupervisor | undefined;
/** Where the node listens now and the key the console uses; both change when LAN mode is switched. */
let info: NodeInfo | undefined;
/** The node's own self-signed certificate (SHA-256, hex without colons), trusted for its loopback URL only. */
let trustedFingerprint: string | null = null;
let window: BrowserWindow | undefined;
let tray: HearthTray | undefined;
let notifier: Notifier | undefined;
let quitting = false;

function consoleUrl(hash = ''): string {
  return `${DEV_RENDERER_URL ?? info?.url ?? ''}/${hash}`;
}

function allowedOrigins(): string[] {
  return [...(info ? [new URL(info.url).origin] : []), ...(DEV_RENDERER_URL ? [new URL(DEV_RENDERER_URL).origin] : [])];
}

function showWindow(hash?: string): void {
  if (!info) return;
  if (!window || window.isDestroyed()) {
    window = createAppWindow({ userDataDir: app.getPath('userData'), url: consoleUrl(hash), preload: PRELOAD, allowedOrigins });
    window.on('closed', () => (window = undefined));
    return;
  }
  if (hash) void window.loadURL(consoleUrl(hash));
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}

function watch(): void {
  notifier?.stop();
  if (info)
    notifier = watchNodeForNotifications({ nodeUrl: info.url, token: info.token, fetch: nodeFetch, onClick: () => showWindow('#/jobs') });
}

/** The console switched LAN mode and the node re-listened: follow it (URL, certificate, key). */
function moveNode(move: NodeMove): NodeInfo {
  info = { url: move.url.replace(/\/+$/, ''), token: move.token ?? info?.token ?? null };
  trustedFingerprint = move.fingerprint ? move.fingerprint.replace(/:/g, '').toLowerCase() : null;
  applyContentSecurityPolicy(info.url);
  tray?.setStatus(`Node running at ${info.url}`);
  watch();
  return info;
}

async function quit(): Promise<void> {
  if (quitting) return;
  quitting = true;
  notifier?.stop();
  tray?.setStatus('Node stopping…');
  await node?.stop();
  // After the node: it hands its in-flight items back through NATS as it stops.
  await nats?.stop();
  tray?.destroy();
  app.exit(0);
}

/** Chromium's answers for setCertificateVerifyProc: trust, or keep its own verdict. */
const CERT_TRUST = 0;
const CERT_CHROMIUM_DECIDES = -3;

/**
 * In LAN mode the node serves a self-signed certificate. Trust exactly that certificate (by the fingerprint the
 * node printed or reported), and only for loopback names; the window and main's net.fetch both go through this.
 */
function trustOwnNodeCertificate(): void {
  session.defaultSession.setCertificateVerifyProc((request, callback) => {
    if (request.verificationResult === 'net::OK' || !trustedFingerprint || !isLoopbackHost(request.hostname)) {
      callback(CERT_CHROMIUM_DECIDES);
      return;
    }
    try {
      const fingerprint = new X509Certificate(request.certificate.data).fingerprint256.replace(/:/g, '').toLowerCase();
      callback(fingerprint === trustedFingerprint ? CERT_TRUST : CERT_CHROMIUM_DECIDES);
    } catch {
      callback(CERT_CHROMIUM_DECIDES);
    }
  });
}

/** Main talks to the node through Chromium's network stack, so the certificate rule above applies to it too. */
const nodeFetch = (input: string, init?: RequestInit): Promise<Response> => net.fetch(input, init);

async function start(): Promise<void> {
  trustOwnNodeCertificate();
  const userData = app.getPath('userData');
  const { key, warning } = loadStoreKey(userData);
  if (warning) console.warn(`hearth: ${warning}`);
  tray = createTray({
    showWindow: () => showWindow(),
    openInBrowser: () => info && void shell.openExternal(info.url),
    newJob: () => showWindow('#/jobs'),
    quit: () => void quit(),
  });
  const dataDir = join(userData, 'data');
  // The node joins its cluster as it starts, so a NATS server on this machine must be up first.
  const localNats = localNatsFor(clusterUrlSetting(dataDir), dataDir);
  if (localNats) nats = await superviseNats(localNats);
  node = await startNodeProcess({
    appRoot: app.getAppPath(),
    dataDir,
    storeKey: key,
    // A node whose config keeps LAN on starts on HTTPS right away: trust its certificate before checking health.
    onFingerprint: (fingerprint) => (trustedFingerprint = fingerprint.replace(/:/g, '').toLowerCase()),
    fetch: nodeFetch,
    onExit: (code) => {
      if (quitting) return;
      tray?.setStatus(`Node stopped (exit ${code})`);
      dialog.showErrorBox('Hearth node stopped', `The node exited with code ${code}. Restart Hearth to start it again.`);
    },
  });
  info = { url: node.url, token: null };
  tray.setStatus(`Node running at ${info.url}`);
  applyContentSecurityPolicy(info.url);
  registerIpc({ node: () => info!, allowedOrigins, moveNode });
  showWindow();
  watch();
}

// Every window is sandboxed, whatever its webPreferences say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  // The node keeps serving from the tray when the window closes.
  app.on('window-all-closed', () => undefined);
  app.on('activate', () => showWindow());
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    void quit();
  });
  app
    .whenReady()
    .then(start)
    .catch(async (err: unknown) => {
      dialog.showErrorBox('Hearth could not start', err instanceof Error ? err.message : String(err));
      await node?.stop();
      await nats?.stop();
      app.exit(1);
    });
}
