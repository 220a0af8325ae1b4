// Live progress of one job from GET /v1/jobs/:id/events (SSE). EventSource where no key is needed; with a key a
// fetch-read stream, because EventSource cannot send an Authorization header.
import { useEffect, useState } from 'react';
import type { JobProgress } from '../../../server/contract/jobs';
import { API, pathFor } from '../../../server/contract/paths';
import { useConnection } from './connection';

const TERMINAL = new Set(['done', 'failed', 'cancelled']);
/** The stream sends `progress` (a JobProgress) on every change and `end` once the job is over, then closes. */
const EVENT_NAMES = ['progress', 'message'];

function parse(data: string): JobProgress | null {
  try {
    const value = JSON.parse(data) as Partial<JobProgress>;
    return typeof value.id === 'string' && typeof value.state === 'string' ? (value as JobProgress) : null;
  } catch {
    return null;
  }
}

async function readStream(url: string, key: string, signal: AbortSignal, onData: (data: string) => void): Promise<void> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (data) onData(data);
    }
  }
}

/** The latest snapshot of a job, updated as the node streams it; stops at a terminal state. */
export function useJobProgress(id: string | null): JobProgress | null {
  const { client, key } = useConnection();
  const [progress, setProgress] = useState<JobProgress | null>(null);
  useEffect(() => {
    setProgress(null);
    if (!id) return;
    const url = client.link('jobEvents', { params: { id } });
    const onData = (data: string): void => {
      const p = parse(data);
      if (p) setProgress(p);
    };
    if (key) {
      const ctrl = new AbortController();
      readStream(url, key, ctrl.signal, onData).catch(() => undefined);
      return () => ctrl.abort();
    }
    const source = new EventSource(url);
    const onEvent = (e: MessageEvent<string>): void => {
      onData(e.data);
      const p = parse(e.data);
      if (p && TERMINAL.has(p.state)) source.close();
    };
    for (const name of EVENT_NAMES) source.addEventListener(name, onEvent as EventListener);
    // Without this EventSource would reconnect after the node closes a finished job's stream.
    source.addEventListener('end', () => source.close());
    return () => source.close();
  }, [client, key, id]);
  return progress;
}

export function jobEventsPath(id: string): string {
  return pathFor(API.jobEvents, { id });
}
