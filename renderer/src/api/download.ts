// Saves what the node sends (exports, JSON, CSV) as a file: fetched with the key, handed to the browser as a blob.
import type { HearthClient, Query } from '../../../server/contract/client';

export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  // The click has started the download; the URL can go once the event loop moves on.
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export async function downloadFrom(client: HearthClient, path: string, fileName: string, query?: Query): Promise<void> {
  saveBlob(await client.blob(path, { query }), fileName);
}
