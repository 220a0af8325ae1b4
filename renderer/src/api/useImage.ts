// An image the node keeps (result images), fetched with the key as a blob: an <img src> cannot send Bearer.
import { useEffect, useState } from 'react';
import { useConnection } from './connection';

export function useNodeImage(path: string | null): string | null {
  const { client } = useConnection();
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    const ctrl = new AbortController();
    let objectUrl: string | null = null;
    client.blob(path, { signal: ctrl.signal }).then(
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
  }, [client, path]);
  return url;
}
