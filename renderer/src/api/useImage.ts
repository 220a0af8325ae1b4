// Images the node serves (result images, training examples), fetched with the key as blobs: an <img src> cannot
// send Bearer.
import { useEffect, useState } from 'react';
import { useConnection } from './connection';

/** Object URL of the kept image of result `id` (null while loading, when there is none or `id` is null). */
export function useNodeImage(id: string | null): string | null {
  const { client } = useConnection();
  return useBlobUrl(id, (signal) => client.callBlob('resultImage', { params: { id: id ?? '' }, signal }));
}

/** Object URL of the thumbnail of a training run's `n`-th misclassified example. */
export function useTrainThumbnail(run: string, n: number): string | null {
  const { client } = useConnection();
  return useBlobUrl(`${run}/${n}`, (signal) => client.callBlob('trainThumbnail', { params: { id: run, n: String(n) }, signal }));
}

/** Fetches once per `key` (none while it is null) and frees the object URL when the key changes or the view goes. */
function useBlobUrl(key: string | null, fetchBlob: (signal: AbortSignal) => Promise<Blob>): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!key) return;
    const ctrl = new AbortController();
    let objectUrl: string | null = null;
    fetchBlob(ctrl.signal).then(
      (blob) => {
        objectUrl = URL.createObjectURL(blob);
        setUrl(objectUrl);
      },
      () => setUrl(null),
    );
    return () => {
      ctrl.abort();
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
    // The key names what fetchBlob fetches: a new closure for the same key is the same image.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return url;
}
