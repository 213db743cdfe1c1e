import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rmdir, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { LeaderElector } from '@fleet/core';
import { parseWith } from '@fleet/core';
import { z } from 'zod';
import { ms, SCOPE } from './common.js';

const schema = z.strictObject({
  path: z.string('expected the path of a lock file').min(1, 'expected the path of a lock file'),
  id: z.string().min(1).optional(),
  staleMs: ms.min(1).default(30_000),
});

/** Options of {@link fileLeader}. */
export interface FileLeaderOptions {
  /** The lock file; its directory must exist and be shared by every candidate on this host. */
  path: string;
  /** This candidate's id. @default `${hostname}-${pid}-${random}` */
  id?: string;
  /**
   * A lock whose owner process is gone is taken at once; one whose file was not refreshed for this long is taken
   * too (a leader that hangs). Keep it well above the Autoscaler's tick interval: the leader refreshes on each tick.
   * @default 30_000
   */
  staleMs?: number;
}

interface Owner {
  id: string;
  pid: number;
  host: string;
}

/** A breaker holds its guard for a few file operations; one older than this died holding it. */
const BREAK_GUARD_STALE_MS = 10_000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * A LeaderElector for the copies of a service on one host: the leader holds a lock file (created exclusively) and
 * refreshes it on each campaign. A candidate takes the lock over when its owner's pid is gone or the file is older
 * than `staleMs`; a stale lock is broken under a second exclusive lock and only if unchanged, so two candidates never both win.
 *
 * @example
 * const leader = fileLeader({ path: '/tmp/my-app.autoscaler.lock' });
 * new Autoscaler({ …, leader });
 */
export function fileLeader(options: FileLeaderOptions): LeaderElector {
  const o = parseWith(schema, options, SCOPE, 'fileLeader() options');
  const me: Owner = { id: o.id ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`, pid: process.pid, host: hostname() };
  const body = JSON.stringify(me);

  const read = async (path: string): Promise<{ raw: string; owner?: Owner; mtimeMs: number } | undefined> => {
    try {
      const [raw, info] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
      let owner: Owner | undefined;
      try {
        owner = JSON.parse(raw) as Owner;
      } catch {}
      return { raw, owner, mtimeMs: info.mtimeMs };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  };

  const create = async (): Promise<boolean> => {
    try {
      const file = await open(o.path, 'wx');
      await file.writeFile(body);
      await file.close();
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw error;
    }
  };

  // Breaking a stale lock happens under a second, exclusive lock (a directory: mkdir is atomic), and only if the
  // file is still the one judged stale: so two candidates never both break it and both create a new one.
  const breakStale = async (seen: { raw: string; mtimeMs: number }): Promise<void> => {
    const guard = `${o.path}.break`;
    try {
      await mkdir(guard);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // A breaker that died holding the guard: clear it for the next campaign.
      const info = await stat(guard).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > BREAK_GUARD_STALE_MS) await rmdir(guard).catch(() => {});
      return;
    }
    try {
      const now = await read(o.path);
      if (now && now.raw === seen.raw && now.mtimeMs === seen.mtimeMs) await unlink(o.path).catch(() => {});
    } finally {
      await rmdir(guard).catch(() => {});
    }
  };

  return {
    id: me.id,
    async campaign(signal) {
      signal.throwIfAborted();
      const current = await read(o.path);
      if (current?.raw === body) {
        const now = new Date();
        await utimes(o.path, now, now);
        return true;
      }
      if (current) {
        const dead = current.owner?.host === me.host && typeof current.owner.pid === 'number' && !alive(current.owner.pid);
        if (!dead && Date.now() - current.mtimeMs < o.staleMs) return false;
        await breakStale(current);
      }
      signal.throwIfAborted();
      return create();
    },
    async resign() {
      const current = await read(o.path);
      if (current?.raw === body) await unlink(o.path).catch(() => {});
    },
  };
}
