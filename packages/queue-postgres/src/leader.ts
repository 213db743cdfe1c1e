import { hostname } from 'node:os';
import { fleetError, type LeaderElector, parseWith } from '@fleet/core';
import { EventEmitter } from 'eventemitter3';
import pg from 'pg';
import { z } from 'zod';
import { storedText, timerMs } from './bounds.js';

/** Options of {@link postgresLeader}. */
export interface PostgresLeaderOptions {
  /** A session connection string (not through a transaction-mode pooler: the lock lives on the session). */
  connectionString: string;
  /** What is being led: candidates with the same name compete. @default 'fleet-autoscaler' */
  name?: string;
  /** This candidate's id. @default `${hostname}-${pid}` */
  id?: string;
  /** How long connecting and each query may take. @default 5_000 */
  timeoutMs?: number;
}

/** Events of a {@link PostgresLeader}, one payload object each. */
export interface PostgresLeaderEvents {
  /** This candidate took the lock. */
  elected: (event: { id: string; name: string }) => void;
  /** This candidate lost the lock: its connection dropped, or it resigned. */
  lost: (event: { id: string; name: string; reason: 'connection' | 'resigned'; error?: unknown }) => void;
}

/** A LeaderElector on a PostgreSQL advisory lock, with events. */
export interface PostgresLeader extends LeaderElector, EventEmitter<PostgresLeaderEvents> {
  /** Whether this candidate believes it leads (the last campaign said so and the session is still up). */
  readonly leading: boolean;
  /** Resigns and closes the connection. */
  close(): Promise<void>;
}

const schema = z.strictObject({
  connectionString: z.string().min(1),
  name: storedText('name').optional(),
  id: z.string().min(1).optional(),
  timeoutMs: timerMs().optional(),
});

/**
 * Leader election on a session-level advisory lock (`pg_try_advisory_lock`), held on a connection of its own: the
 * server releases the lock the moment that session ends, so a leader that crashes or loses its connection loses
 * leadership at once (reported as `lost`), and the next campaign of another copy takes over. No table, no expiry
 * to tune. Each `campaign` either tries the lock or, while leading, checks the session is alive.
 *
 * @example
 * const leader = postgresLeader({ connectionString: process.env.DATABASE_URL_DIRECT });
 * const autoscaler = new Autoscaler({ leader, provider, policy, metrics });
 */
export function postgresLeader(options: PostgresLeaderOptions): PostgresLeader {
  const o = parseWith(schema, options, 'queue-postgres', 'postgresLeader() options');
  return new AdvisoryLeader(o.connectionString, o.name ?? 'fleet-autoscaler', o.id ?? `${hostname()}-${process.pid}`, o.timeoutMs ?? 5_000);
}

class AdvisoryLeader extends EventEmitter<PostgresLeaderEvents> implements PostgresLeader {
  private client: pg.Client | undefined;
  private held = false;

  constructor(
    private readonly connectionString: string,
    private readonly name: string,
    readonly id: string,
    private readonly timeoutMs: number,
  ) {
    super();
  }

  get leading(): boolean {
    return this.held;
  }

  async campaign(signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    const aborted = new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason), { once: true }));
    try {
      return await Promise.race([this.tryLead(), aborted]);
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      this.drop(error);
      return false;
    }
  }

  private async tryLead(): Promise<boolean> {
    const client = await this.session();
    if (this.held) {
      await client.query('select 1');
      return this.held;
    }
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtextextended($1, 0)) as ok', [
      `fleet-leader:${this.name}`,
    ]);
    if (rows[0]?.ok && client === this.client) {
      this.held = true;
      this.emit('elected', { id: this.id, name: this.name });
    }
    return this.held;
  }

  private async session(): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.connectionString,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      keepAlive: true,
    });
    const gone = (error?: unknown) => {
      if (this.client !== client) return;
      this.drop(error ?? fleetError('queue-postgres', 'provider-failed', 'leader connection ended'));
    };
    client.on('error', gone);
    client.on('end', () => gone());
    this.client = client;
    try {
      await client.connect();
    } catch (error) {
      this.client = undefined;
      throw error;
    }
    return client;
  }

  /** The session is gone or unusable: so is the lock. */
  private drop(error: unknown): void {
    const client = this.client;
    this.client = undefined;
    client?.end().catch(() => {});
    if (this.held) {
      this.held = false;
      this.emit('lost', { id: this.id, name: this.name, reason: 'connection', error });
    }
  }

  async resign(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.client?.query('select pg_advisory_unlock(hashtextextended($1, 0))', [`fleet-leader:${this.name}`]).catch(() => {});
    this.emit('lost', { id: this.id, name: this.name, reason: 'resigned' });
  }

  async close(): Promise<void> {
    await this.resign();
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
