// IPC handlers for the bridge: each checks that the calling frame is the console (the node's origin or the
// dev server), so a page that somehow got into the window cannot pick folders or open paths.
import { BrowserWindow, dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { isLoopbackHost } from '../server/loopback';
import { IPC, type IpcChannel, type IpcContract } from './ipcChannels';
import type { NodeMove, NodeInfo } from './preload/bridge';

export interface IpcDeps {
  node(): NodeInfo;
  /** Origins whose frames may call the bridge. */
  allowedOrigins(): string[];
  /** The node re-listened at a new URL (checked here to be loopback http/https). */
  moveNode(move: NodeMove): NodeInfo;
}

function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return (u.protocol === 'http:' || u.protocol === 'https:') && isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

function handle<C extends IpcChannel>(
  channel: C,
  isAllowed: (event: IpcMainInvokeEvent) => boolean,
  fn: (event: IpcMainInvokeEvent, ...params: IpcContract[C]['params']) => Promise<IpcContract[C]['returns']> | IpcContract[C]['returns'],
): void {
  ipcMain.handle(channel, (event, ...params: unknown[]) => {
    if (!isAllowed(event)) throw new Error(`refused ${channel} from an untrusted frame`);
    return fn(event, ...(params as IpcContract[C]['params']));
  });
}

export function registerIpc(deps: IpcDeps): void {
  const isAllowed = (event: IpcMainInvokeEvent): boolean => {
    const url = event.senderFrame?.url;
    if (!url) return false;
    try {
      return deps.allowedOrigins().includes(new URL(url).origin);
    } catch {
      return false;
    }
  };
  handle(IPC.getNode, isAllowed, () => deps.node());
  handle(IPC.pickFolder, isAllowed, async (event) => {
    const win = BrowserWindow.fromWebContents(event.sender);
    const options = { properties: ['openDirectory' as const] };
    const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
  });
  handle(IPC.openPath, isAllowed, async (_event, path) => {
    if (typeof path !== 'string' || path.length === 0) return 'no path given';
    return shell.openPath(path);
  });
  handle(IPC.nodeMoved, isAllowed, (_event, move) => {
    // The desktop node always re-listens on this machine; anything else is not our node.
    if (!move || !isLoopbackUrl(move.url)) throw new Error('the node can only move to a loopback URL');
    const fingerprint = typeof move.fingerprint === 'string' ? move.fingerprint : null;
    const token = typeof move.token === 'string' && move.token ? move.token : null;
    return deps.moveNode({ url: move.url, fingerprint, token });
  });
}
