// Saves what the node sends (exports, JSON, CSV) as a file: fetched with the key, handed to the browser as a blob.
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

/** Saves the answer of a `client.callBlob(...)` once it has arrived. */
export async function downloadFrom(blob: Promise<Blob>, fileName: string): Promise<void> {
  saveBlob(await blob, fileName);
}
