// The sandboxed preload: exposes one typed `bridge` as window.hearth; everything else goes over HTTP.
import { contextBridge, ipcRenderer } from 'electron';
import { IPC, type IpcChannel, type IpcContract } from '../ipcChannels';
import type { HearthBridge, NodeMove } from './bridge';

function invoke<C extends IpcChannel>(channel: C, ...params: IpcContract[C]['params']): Promise<IpcContract[C]['returns']> {
  return ipcRenderer.invoke(channel, ...params) as Promise<IpcContract[C]['returns']>;
}

const bridge = {
  desktop: true,
  getNode: () => invoke(IPC.getNode),
  pickFolder: () => invoke(IPC.pickFolder),
  openPath: (path: string) => invoke(IPC.openPath, path),
  nodeMoved: (move: NodeMove) => invoke(IPC.nodeMoved, move),
} as const satisfies HearthBridge;

export type Bridge = typeof bridge;

contextBridge.exposeInMainWorld('hearth', bridge);
