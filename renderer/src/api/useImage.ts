// An image the node keeps (result images), fetched with the key as a blob: an <img src> cannot send Bearer.
import { useEffect, useState } from 'react';
import { useConnection } from './connection';

/** Object URL of the kept image of result `id` (null while loading, when there is none or `id` is null). */
export function useNodeImage(id: string | null): string | null {
  const { client } = useConnection();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!id) return;
    const ctrl = new AbortController();
    let objectUrl: string | null = null;
    client.callBlob('resultImage', { params: { id }, signal: ctrl.signal }).then(
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
  }, [client, id]);
  return url;
}
