// Durable bulk folder jobs over HTTP: create, list, inspect, pause/resume/cancel, SSE progress, exports.
import { once } from 'node:events';
import express, { type Router } from 'express';
import { AppError } from '../../../appError';
import { PDF_EXPORT, type Job, type JobAction, type JobProgress } from '../../../contract/jobs';
import { TERMINAL_STATES } from '../../../jobs';
import { EXPORT_MIME } from '../../../jobs/exportJob';
import type { NodeServices } from '../../../node';
import { mount } from '../../mount';
import { streamProgress } from '../../sse';
import type { Principal } from '../../../admission/principal';
import { allowedJobPath } from './jobPath';

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
      classify: body.classify,
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
    streamProgress<JobProgress>(req, res, {
      subscribe: (listener) => jobs.subscribe(job.id, listener),
      first: jobs.progress(job.id),
      isFinal: (state) => TERMINAL_STATES.includes(state),
    });
  });

  mount(router, 'exportJob', async ({ params, query, principal, res }) => {
    const job = visibleJob(params.id, principal);
    if (query.format === PDF_EXPORT) {
      const pdf = await jobs.exportPdf(job.id);
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `attachment; filename="job-${job.id}.pdf"`);
      res.end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
      return;
    }
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
