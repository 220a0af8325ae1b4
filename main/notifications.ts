// Desktop notifications when a job finishes or the node raises an alert. Main talks to the node like any
// client, polling the jobs list and the monitor's alerts; each event is announced once.
import { Notification } from 'electron';
import { createClient, type FetchLike } from '../server/contract/client';

/** Jobs and alerts change on a human time scale; polling every few seconds costs the node nothing. */
const POLL_MS = 4_000;

export interface Notifier {
  stop(): void;
}

export function watchNodeForNotifications(opts: { nodeUrl: string; token: string | null; fetch?: FetchLike; onClick(): void }): Notifier {
  const client = createClient({ baseUrl: opts.nodeUrl, key: opts.token, fetch: opts.fetch });
  const lastState = new Map<string, string>();
  const announcedAlerts = new Set<string>();
  let first = true;

  const notify = (title: string, body: string): void => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    n.on('click', opts.onClick);
    n.show();
  };

  const poll = async (): Promise<void> => {
    try {
      const { jobs } = await client.call('listJobs');
      for (const job of jobs) {
        const before = lastState.get(job.id);
        lastState.set(job.id, job.state);
        // The first poll only learns the current states: finished jobs from yesterday are not news.
        if (first || before === undefined || before === job.state) continue;
        if (job.state === 'done')
          notify('Job finished', `${job.done} of ${job.total} files recognised${job.failed ? `, ${job.failed} failed` : ''} — ${job.root}`);
        if (job.state === 'failed') notify('Job failed', `${job.root}: ${job.error?.message ?? 'stopped'}`);
      }
    } catch {
      // The node may be restarting or the route not there yet; the next poll tries again.
    }
    try {
      const monitor = await client.call('monitor');
      for (const alert of monitor.alerts) {
        // One notification per alert episode: `since` marks when this one started.
        const id = `${alert.kind}:${alert.since}`;
        if (announcedAlerts.has(id)) continue;
        announcedAlerts.add(id);
        if (!first) notify(alert.severity === 'critical' ? 'Hearth alert (critical)' : 'Hearth alert', alert.message);
      }
    } catch {
      // As above.
    }
    first = false;
  };

  void poll();
  const timer = setInterval(() => void poll(), POLL_MS);
  return { stop: () => clearInterval(timer) };
}
