// Durable bulk folder jobs over HTTP: create, list, inspect, pause/resume/cancel, SSE progress, exports.
import { once } from 'node:events';
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import type { Job, JobAction, JobProgress } from '../../../contract/jobs';
import { TERMINAL_STATES } from '../../../jobs';
import { EXPORT_MIME } from '../../../jobs/exportJob';
import type { NodeServices } from '../../../node';
import { mount } from '../../mount';
import type { Principal } from '../../../admission/principal';
import { allowedJobPath } from './jobPath';

/** Comment lines keep proxies and browsers from dropping an idle event stream. */
const SSE_HEARTBEAT_MS = 15_000;
const EXPORT_CHUNK = 64 * 1024;

export function jobsRouter(s: NodeServices): Router {
  const router = express.Router();
  const jobs = s.jobs;

  /** The job, when this principal may see it: the owner and admin keys see all, other keys their own. */
  const visibleJob = (id: string, p: Principal): Job => {
    const job = jobs.get(id);
    if (!job || !(p.local || p.scopes.includes('admin') || job.keyId === p.keyId)) {
      throw new AppError('not_found', 404, `no job ${id}`);
    }
    return job;
  };

  mount(router, 'createJob', ({ body, principal, req }) => {
    const allowed = allowedJobPath(body.path, principal, s.settings.current().sharedRoots);
    return jobs.create({
      paths: [allowed.path],
      recursive: body.recursive,
      origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
      keyId: principal.keyId,
      confine: allowed.confine,
    });
  });

  mount(router, 'listJobs', ({ query, principal: p }) => {
    const all = jobs.list(query.limit ?? 100);
    return { jobs: p.local || p.scopes.includes('admin') ? all : all.filter((j) => j.keyId === p.keyId) };
  });

  mount(router, 'getJob', ({ params, principal }) => {
    const progress = jobs.progress(visibleJob(params.id, principal).id);
    if (!progress) throw new AppError('not_found', 404, `no job ${params.id}`);
    return progress;
  });

  mount(router, 'jobItems', ({ params, query, principal }) => {
    const job = visibleJob(params.id, principal);
    return jobs.items(job.id, query.offset ?? 0, Math.max(1, query.limit ?? 100), query.state);
  });

  mount(router, 'jobAction', ({ params, principal }) => {
    const job = visibleJob(params.id, principal);
    const run: Record<JobAction, (id: string) => Job> = { pause: jobs.pause, resume: jobs.resume, cancel: jobs.cancel };
    return run[params.action](job.id);
  });

  mount(router, 'jobEvents', ({ params, principal, req, res }) => {
    const job = visibleJob(params.id, principal);
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let ended = false;
    let off = (): void => {};
    const heartbeat = setInterval(() => res.write(': ping\n\n'), SSE_HEARTBEAT_MS);
    const end = (): void => {
      if (ended) return;
      ended = true;
      clearInterval(heartbeat);
      off();
      res.end();
    };
    const send = (p: JobProgress): void => {
      if (ended) return;
      res.write(`event: progress\ndata: ${JSON.stringify(p)}\n\n`);
      if (TERMINAL_STATES.includes(p.state)) {
        res.write(`event: end\ndata: ${JSON.stringify({ state: p.state })}\n\n`);
        end();
      }
    };
    off = jobs.subscribe(job.id, send);
    req.on('close', end);
    const first = jobs.progress(job.id);
    if (first) send(first);
  });

  mount(router, 'exportJob', async ({ params, query, principal, res }) => {
    const job = visibleJob(params.id, principal);
    const fmt = query.format;
    res.setHeader('content-type', EXPORT_MIME[fmt]);
    res.setHeader('content-disposition', `attachment; filename="job-${job.id}.${fmt}"`);
    let buffer = '';
    const flush = async (): Promise<boolean> => {
      const ok = res.write(buffer);
      buffer = '';
      if (ok) return true;
      // Wait for the client to drain, or stop when it has gone.
      const closed = once(res, 'close').then(() => false);
      return Promise.race([once(res, 'drain').then(() => true), closed]);
    };
    for (const chunk of jobs.export(job.id, fmt)) {
      buffer += chunk;
      if (buffer.length >= EXPORT_CHUNK && !(await flush())) return;
    }
    res.end(buffer);
  });

  return router;
}
