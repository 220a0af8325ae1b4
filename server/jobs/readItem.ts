// Reads one job item at run time, not trusting what the scan saw: the final path component is opened without
// following a symlink, and for jobs held to shared folders the real path of the opened descriptor must still lie
// inside them, so a file swapped for a symlink after the scan cannot carry bytes from outside into a job.
import { constants } from 'node:fs';
import { lstat, open, readlink, realpath, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { AppError } from '../appError';
import { isInside } from './scan';

// Windows has no O_NOFOLLOW; there the descriptor check below carries the whole weight.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Thrown for an item whose file now resolves outside the job's shared folders; the job goes on. */
export function outsideRoots(): AppError {
  return new AppError('forbidden', 403, 'the file now leads outside the shared folders (a symlink); it was not read');
}

/** The real path of an open descriptor: /proc on Linux, else the path's real path when it is the very same file. */
async function descriptorPath(handle: FileHandle, path: string, st: Stats): Promise<string | null> {
  if (process.platform === 'linux') {
    try {
      return await readlink(`/proc/self/fd/${handle.fd}`);
    } catch {
      // No /proc mounted (a container, a chroot): fall through to the portable check.
    }
  }
  try {
    const real = await realpath(path);
    const now = await lstat(real);
    return now.dev === st.dev && now.ino === st.ino ? real : null;
  } catch {
    return null;
  }
}

async function openItem(path: string): Promise<FileHandle> {
  try {
    return await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch (err) {
    // ELOOP (Linux), EMLINK (FreeBSD): the last component is a symlink. Open its target, again without following,
    // so the descriptor check judges the file actually read.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ELOOP' && code !== 'EMLINK') throw err;
    return open(await realpath(path), constants.O_RDONLY | NOFOLLOW);
  }
}

/**
 * The bytes of a job item. `confine` (real paths of the shared roots) holds jobs a key created; without it (the
 * owner's own jobs) symlinks are followed as the scan followed them. Throws errno errors for unreadable files.
 */
export async function readJobItem(path: string, confine?: readonly string[]): Promise<Buffer> {
  const handle = await openItem(path);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (confine) {
      const real = await descriptorPath(handle, path, st);
      if (real === null || !confine.some((root) => isInside(real, root))) throw outsideRoots();
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
