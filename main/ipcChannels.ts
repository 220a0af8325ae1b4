// IPC channel names and their typed params/returns in one table, shared by the preload and main/ipc.ts
// (kept free of Electron imports so the preload bundle stays small).
import type { NodeMove, NodeInfo } from './preload/bridge';

export const IPC = {
  getNode: 'hearth:get-node',
  pickFolder: 'hearth:pick-folder',
  openPath: 'hearth:open-path',
  nodeMoved: 'hearth:node-moved',
} as const;

export type IpcChannel = (typeof IPC)[keyof typeof IPC];

/** Params and return of every channel; ipc.ts and the preload are both checked against it. */
export interface IpcContract {
  [IPC.getNode]: { params: []; returns: NodeInfo };
  [IPC.pickFolder]: { params: []; returns: string | null };
  [IPC.openPath]: { params: [path: string]; returns: string };
  [IPC.nodeMoved]: { params: [move: NodeMove]; returns: NodeInfo };
}
