import type { SqlStorage } from './runtime.js';
import { State } from './schema.js';

/** The stats the API returns: `QueueStats` of @fleet/core. */
export interface StoreStats {
  ready: number;
  delayed: number;
  running: number;
  dead: number;
  oldestReadyAgeMs: number;
  enqueuedTotal: number;
  completedTotal: number;
  redeliveredTotal: number;
}

type Total = 'enqueued' | 'completed' | 'redelivered';

/**
 * Moves jobs whose time has come (delayed jobs due, leases expired), keeps the monotonic totals and answers the
 * stats. Every statement is a range of the `(state, due_at)` index, so an empty sweep costs O(log n).
 * Idempotent: sweeping twice at the same time changes nothing the second time, which is what an
 * at-least-once alarm needs.
 */
export class Sweeper {
  /**
   * Nothing is due before this time (a lower bound, kept in memory), so a claim before it skips the sweep's
   * statements. Lowered by {@link note} at every due time written; made exact by each sweep.
   */
  private earliest = Number.NEGATIVE_INFINITY;

  constructor(private readonly sql: SqlStorage) {}

  /** Records a due time just written (a lease's end, a delayed run time). */
  note(at: number): void {
    if (at < this.earliest) this.earliest = at;
  }

  /** Forgets what it knew of due times (after a rolled-back transaction): the next sweep runs in full. */
  forget(): void {
    this.earliest = Number.NEGATIVE_INFINITY;
  }

  /** A time no job is due before: the alarm needs no change while it is set at or before this. */
  get lowerBound(): number {
    return this.earliest;
  }

  /** Promotes due delayed jobs and takes back expired leases (dead after the last attempt); returns the jobs moved. */
  sweep(now: number): number {
    if (now < this.earliest) return 0;
    let moved = this.sql.exec(
      `UPDATE fleet_jobs SET state = ${State.ready} WHERE state = ${State.delayed} AND due_at <= ?`,
      now,
    ).rowsWritten;
    moved += this.sql.exec(
      `UPDATE fleet_jobs SET state = ${State.dead}, token = NULL,
         last_error = 'lease expired on attempt ' || attempt || ' of ' || max_attempts
       WHERE state = ${State.running} AND due_at <= ? AND attempt >= max_attempts`,
      now,
    ).rowsWritten;
    moved += this.sql.exec(
      `UPDATE fleet_jobs SET state = ${State.ready}, token = NULL, lost = 1, due_at = run_at WHERE state = ${State.running} AND due_at <= ?`,
      now,
    ).rowsWritten;
    this.earliest = this.nextDue() ?? Number.POSITIVE_INFINITY;
    return moved;
  }

  /** When the next job changes by itself (a lease expires, a delayed job falls due), or undefined. */
  nextDue(): number | undefined {
    const row = this.sql
      .exec<{ at: number | null }>(
        `SELECT min(at) AS at FROM (
           SELECT min(due_at) AS at FROM fleet_jobs WHERE state = ${State.delayed}
           UNION ALL SELECT min(due_at) FROM fleet_jobs WHERE state = ${State.running})`,
      )
      .one();
    return row.at ?? undefined;
  }

  /** Adds to a monotonic total, in the caller's transaction. */
  addTotal(name: Total, by: number): void {
    if (by === 0) return;
    this.sql.exec(
      'INSERT INTO fleet_totals (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
      name,
      by,
    );
  }

  private readTotals(): Record<Total, number> {
    const totals: Record<Total, number> = { enqueued: 0, completed: 0, redelivered: 0 };
    for (const row of this.sql.exec<{ name: Total; value: number }>('SELECT name, value FROM fleet_totals')) totals[row.name] = row.value;
    return totals;
  }

  /** Counts by state (after a sweep at `now`), the oldest ready job's age and the totals. */
  stats(now: number): StoreStats {
    this.sweep(now);
    const count = (state: number) => this.sql.exec<{ n: number }>('SELECT count(*) AS n FROM fleet_jobs WHERE state = ?', state).one().n;
    const oldest = this.sql.exec<{ at: number | null }>(`SELECT min(due_at) AS at FROM fleet_jobs WHERE state = ${State.ready}`).one().at;
    const totals = this.readTotals();
    return {
      ready: count(State.ready),
      delayed: count(State.delayed),
      running: count(State.running),
      dead: count(State.dead),
      oldestReadyAgeMs: oldest === null ? 0 : Math.max(0, now - oldest),
      enqueuedTotal: totals.enqueued,
      completedTotal: totals.completed,
      redeliveredTotal: totals.redelivered,
    };
  }
}
