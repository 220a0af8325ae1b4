// Durable bulk folder jobs over HTTP: create, list, inspect, pause/resume/cancel, SSE progress, exports.
import { once } from 'node:events';
import express, { type Request, type Response, type Router } from 'express';
import { AppError } from '../../../appError';
import {
  createJobSchema,
  EXPORT_FORMATS,
  PDF_EXPORT,
  JOB_ACTIONS,
  JOB_ITEM_STATES,
  type ExportFormat,
  type Job,
  type JobAction,
  type JobItemState,
  type JobList,
  type JobProgress,
} from '../../../contract/jobs';
import { API } from '../../../contract/paths';
import { TERMINAL_STATES } from '../../../jobs';
import { EXPORT_MIME } from '../../../jobs/exportJob';
import type { NodeServices } from '../../../node';
import { principalOf, requireScope } from '../../scope';
import { allowedJobPath } from './jobPath';

/** Comment lines keep proxies and browsers from dropping an idle event stream. */
const SSE_HEARTBEAT_MS = 15_000;
const EXPORT_CHUNK = 64 * 1024;

function intParam(value: unknown, name: string, fallback: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new AppError('bad_request', 400, `"${name}" must be a whole number ≥ 0`);
  return Math.min(n, max);
}

function itemState(value: unknown): JobItemState | undefined {
  if (value === undefined || value === '') return undefined;
  if (!(JOB_ITEM_STATES as readonly unknown[]).includes(value)) {
    throw new AppError('bad_request', 400, `"state" is one of ${JOB_ITEM_STATES.join(', ')}`);
  }
  return value as JobItemState;
}

export function jobsRouter(s: NodeServices): Router {
  const router = express.Router();
  const jobs = s.jobs;

  /** The job, when this principal may see it: the owner and admin keys see all, other keys their own. */
  const visibleJob = (req: Request, res: Response): Job => {
    const id = String(req.params.id);
    const job = jobs.get(id);
    const p = principalOf(res);
    if (!job || !(p.local || p.scopes.includes('admin') || job.keyId === p.keyId)) {
      throw new AppError('not_found', 404, `no job ${id}`);
    }
    return job;
  };

  router.post(API.jobs, requireScope('jobs'), (req, res) => {
    const parsed = createJobSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw new AppError('invalid_body', 400, 'send { "path": "<folder on the node>", "recursive": true }');
    }
    const p = principalOf(res);
    const allowed = allowedJobPath(parsed.data.path, p, s.config.sharedRoots);
    const job = jobs.create({
      paths: [allowed.path],
      recursive: parsed.data.recursive,
      origin: req.get('x-hearth-origin') === 'console' ? 'gui' : 'api',
      keyId: p.keyId,
      confine: allowed.confine,
    });
    res.status(201).json(job);
  });

  router.get(API.jobs, requireScope('jobs'), (req, res) => {
    const p = principalOf(res);
    const limit = intParam(req.query.limit, 'limit', 100, 1000);
    const all = jobs.list(limit);
    const body: JobList = { jobs: p.local || p.scopes.includes('admin') ? all : all.filter((j) => j.keyId === p.keyId) };
    res.json(body);
  });

  router.get(API.job, requireScope('jobs'), (req, res) => {
    const job = visibleJob(req, res);
    res.json(jobs.progress(job.id));
  });

  router.get(API.jobItems, requireScope('jobs'), (req, res) => {
    const job = visibleJob(req, res);
    const offset = intParam(req.query.offset, 'offset', 0, Number.MAX_SAFE_INTEGER);
    const limit = Math.max(1, intParam(req.query.limit, 'limit', 100, 1000));
    res.json(jobs.items(job.id, offset, limit, itemState(req.query.state)));
  });

  router.post(API.jobAction, requireScope('jobs'), (req, res, next) => {
    const action = String(req.params.action);
    if (!(JOB_ACTIONS as readonly string[]).includes(action)) return next();
    const job = visibleJob(req, res);
    const run: Record<JobAction, (id: string) => Job> = { pause: jobs.pause, resume: jobs.resume, cancel: jobs.cancel };
    res.json(run[action as JobAction](job.id));
  });

  router.get(API.jobEvents, requireScope('jobs'), (req, res) => {
    const job = visibleJob(req, res);
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

  router.get(API.jobExport, requireScope('jobs'), async (req, res) => {
    const job = visibleJob(req, res);
    const format = String(req.query.format ?? 'jsonl');
    if (format === PDF_EXPORT) {
      const pdf = await jobs.exportPdf(job.id);
      res.setHeader('content-type', 'application/pdf');
      res.setHeader('content-disposition', `attachment; filename="job-${job.id}.pdf"`);
      res.end(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
      return;
    }
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new AppError('bad_request', 400, `format must be one of ${[...EXPORT_FORMATS, PDF_EXPORT].join(', ')}`);
    }
    const fmt = format as ExportFormat;
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
