// The shape of `window.hearth`, the one object the preload exposes; the renderer type-checks against it
// without importing Electron (tsconfig.web.json includes only this file from main/).

export interface NodeInfo {
  /** Origin of the node the desktop app started, e.g. "http://127.0.0.1:49152". */
  url: string;
  /** API key for the node when one is needed (null: loopback needs none). */
  token: string | null;
}

export interface HearthBridge {
  readonly desktop: true;
  getNode(): Promise<NodeInfo>;
  /** Native folder picker; null when the person cancels. */
  pickFolder(): Promise<string | null>;
  /** Opens a file or folder with the OS (Finder/Explorer/file manager); resolves to an error message or "". */
  openPath(path: string): Promise<string>;
  /**
   * The node re-listened (LAN on/off): trust its new loopback URL (and its self-signed certificate by fingerprint)
   * so the window may navigate there; `token` is the key the console needs from now on.
   */
  nodeMoved(move: NodeMove): Promise<NodeInfo>;
}

export interface NodeMove {
  url: string;
  /** SHA-256 of the node's TLS certificate as the node reports it (colon-separated hex); null without TLS. */
  fingerprint: string | null;
  token: string | null;
}

declare global {
  interface Window {
    /** Present only inside the desktop app. */
    hearth?: HearthBridge;
  }
}
