// Which folders a principal may turn into a job: the local owner any; an API key only folders under
// config.sharedRoots, judged on the real path so a symlink cannot lead out of them.
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { AppError } from '../../../appError';
import { isInside } from '../../../jobs';
import type { Principal } from '../../../admission/principal';

export interface AllowedPath {
  path: string;
  /** Real paths of the shared roots, for a job a key created (symlinks inside it are held to them too). */
  confine?: string[];
}

function realOrNull(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

export function allowedJobPath(path: string, principal: Principal, sharedRoots: readonly string[]): AllowedPath {
  if (principal.local) return { path };
  const forbidden = new AppError('forbidden', 403, "this key may only start jobs on folders under the node's shared roots");
  if (!isAbsolute(path)) throw new AppError('bad_request', 400, 'give the job path as an absolute path on the node');
  const roots = sharedRoots.map((r) => realOrNull(resolve(r))).filter((r): r is string => r !== null);
  // Judge the path as written first, so nothing about folders outside the roots leaks through errors.
  const lexical = resolve(path);
  if (!sharedRoots.some((r) => isInside(lexical, resolve(r))) && !roots.some((r) => isInside(lexical, r))) throw forbidden;
  const real = realOrNull(lexical);
  if (real === null) throw new AppError('bad_request', 400, `no such file or folder: ${path}`);
  if (!roots.some((r) => isInside(real, r))) throw forbidden;
  return { path: real, confine: roots };
}
