import { hostname } from 'node:os';
import { owns, parseWith } from '@fleet/core';
import type pg from 'pg';
import { z } from 'zod';
import { storedText, timerMs } from './bounds.js';
import { identifier, quote } from './identifiers.js';

/** Options of {@link membership}. */
export interface MembershipOptions {
  pool: pg.Pool;
  /** The set of workers that share the keys (S1's mailbox warmers). */
  group: string;
  /** This worker's id. @default process.env.WORKER_ID, else `${hostname}-${pid}` */
  memberId?: string;
  /** A member whose last heartbeat is older than this is gone. @default 30_000 */
  ttlMs?: number;
  /** Heartbeat period. @default ttlMs / 3 */
  intervalMs?: number;
  /** Where `members` lives (created by `postgresQueue(...).migrate()` or {@link migrateSchema}). @default 'fleet' */
  schema?: string;
}

/** A running membership: who is alive, and which keys are this worker's. */
export interface Membership {
  readonly memberId: string;
  /** Beats once now, then every `intervalMs`. Resolves after the first beat. */
  start(): Promise<void>;
  /** Stops beating and removes this member at once, so the others take its keys without waiting for the TTL. */
  stop(): Promise<void>;
  /** The live member ids, sorted. */
  members(): Promise<string[]>;
  /**
   * Whether this worker owns `key` among the live members (rendezvous hashing, core's `owns`). Reads the members
   * once per call: for many keys, read `members()` once and call core's `owns` yourself.
   */
  owns(key: string): Promise<boolean>;
}

const schema = z.strictObject({
  pool: z.custom<pg.Pool>((v) => typeof (v as pg.Pool | null)?.query === 'function', 'expected a pg.Pool'),
  group: storedText('group'),
  memberId: storedText('member id').optional(),
  ttlMs: timerMs().optional(),
  intervalMs: timerMs().optional(),
  schema: identifier.optional(),
});

/**
 * A heartbeat table of live workers for static shards (S1): each worker upserts its row every `intervalMs`, and
 * `owns(key)` hashes over the members seen within `ttlMs`, so adding a worker moves ~1/(n+1) of the keys and a
 * dead worker's keys move once its heartbeat is older than the TTL (at once when it stops cleanly).
 * Uses the database clock throughout, so workers with skewed clocks agree.
 *
 * @example
 * const me = membership({ pool, group: 'warmup' });
 * await me.start();
 * for (const mailbox of all) if (await me.owns(mailbox)) await warm(mailbox);
 */
export function membership(options: MembershipOptions): Membership {
  const o = parseWith(schema, options, 'queue-postgres', 'membership() options');
  const { pool } = options;
  const s = quote(o.schema ?? 'fleet');
  const memberId = o.memberId ?? (process.env.WORKER_ID || `${hostname()}-${process.pid}`);
  const ttlMs = o.ttlMs ?? 30_000;
  const intervalMs = o.intervalMs ?? ttlMs / 3;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const beat = () =>
    pool.query(
      `insert into ${s}.members (grp, member_id, heartbeat_at) values ($1, $2, now())
       on conflict (grp, member_id) do update set heartbeat_at = now()`,
      [o.group, memberId],
    );
  const schedule = () => {
    timer = setTimeout(() => {
      beat()
        .catch(() => {})
        .finally(() => running && schedule());
    }, intervalMs);
  };
  const members = async () => {
    const { rows } = await pool.query<{ member_id: string }>(
      `select member_id from ${s}.members where grp = $1 and heartbeat_at > now() - make_interval(secs => $2::float8 / 1000)
       order by member_id`,
      [o.group, ttlMs],
    );
    return rows.map((row) => row.member_id);
  };

  return {
    memberId,
    async start() {
      if (running) return;
      running = true;
      await beat();
      schedule();
    },
    async stop() {
      running = false;
      clearTimeout(timer);
      await pool.query(`delete from ${s}.members where grp = $1 and member_id = $2`, [o.group, memberId]);
    },
    members,
    async owns(key) {
      const live = await members();
      return live.includes(memberId) && owns(key, { workerId: memberId, members: live });
    },
  };
}
