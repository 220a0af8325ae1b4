// The tray icon: the node's status at a glance and the quick actions (show, open in browser, new job, quit).
import { Menu, Tray, nativeImage } from 'electron';

/** 32×32 flame on an ember square, embedded so the tray needs no asset pipeline. */
const ICON_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAACXBIWXMAAAsTAAALEwEAmpwYAAACA0lEQVRYhe2WSy8EQRDH50PgIzh0h4gDkXCXuAkH4tJNiEc8bhyxJ0EkxOPsyIX1AYiLi0cibI+dLBuWiN3Yx2CX3SnpCbIxszN69XDgn1Qyc+iqX1XNdP6K8i8baR2VZYwiH6P4UKVIVymG4gLpjOADRtAkz6l8RawTtaoEJ4svWiAITgYIanEtzig2pBd/C567IITWUVnmSedWiMQZqSq1dk+Rz+vieTFhB3Akmijsa4fb1QnxKRB8YAFQCU6JJkrubYGRfYHLKSL8QVoBqFjxs55qyKUfgCubuofQaKPQ+W8DXM31Qr4ykSAE+2p+DiDmX4HP0o93Qe2q+BkA/Wgb7BTzL3sHcLc+B9pAnfmcuTm3BYBcDsK+NvkAkflBAMOAq9lu8z2biNoDAMBT6FguQLC/FrJ6/ONjOx9rAuM5DU66nO6SB3C3NgOiiu+sywNIh0+FATLXIXkARsZ53Hbil5Q0gNyTLg7wmJK5goAwAF+bNICYf1kYILqxKA9AG24QWgMfvzZYLwhAnN3Q9eKIeRG5yjAgsjDk6oosAMx0wM63F4fg3Tl17la8oCFhBE26HTTXMVQP0c0lSF+cmL8aD/7Md+429rwY/z1TSlCcdZeXKHYKENTitS1XO3GzbfFPEAkvOnct/i7u27l1ZhTvF2NWP4LglJmD4vGCY1f+ul4B9U4Ru4jqn3wAAAAASUVORK5CYII=';

export interface TrayActions {
  showWindow(): void;
  openInBrowser(): void;
  newJob(): void;
  quit(): void;
}

export interface HearthTray {
  setStatus(status: string): void;
  destroy(): void;
}

export function createTray(actions: TrayActions): HearthTray {
  const icon = nativeImage.createFromBuffer(Buffer.from(ICON_PNG_BASE64, 'base64')).resize({ width: 16, height: 16 });
  const tray = new Tray(icon);
  const build = (status: string): void => {
    tray.setToolTip(`Hearth — ${status}`);
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: status, enabled: false },
        { type: 'separator' },
        { label: 'Open Hearth', click: actions.showWindow },
        { label: 'Open in browser', click: actions.openInBrowser },
        { label: 'New folder job…', click: actions.newJob },
        { type: 'separator' },
        { label: 'Quit Hearth', click: actions.quit },
      ]),
    );
  };
  build('Node starting…');
  tray.on('click', actions.showWindow);
  return { setStatus: build, destroy: () => tray.destroy() };
}
