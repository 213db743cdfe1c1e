import type { Logger } from '@fleet/core';
import pg from 'pg';

type Wake = () => void;

/**
 * One LISTEN connection per pool (so per process, with the usual one pool): wakes the idle workers of a queue when a
 * NOTIFY names it. LISTEN needs a session of its own; behind a transaction-mode pooler give `listenConnectionString`
 * a direct connection. When the connection drops, every waiter is woken (they claim, then wait again), and the next
 * wait reconnects.
 */
export class Listener {
  private client: pg.Client | undefined;
  private connecting: Promise<pg.Client> | undefined;
  private readonly waiters = new Map<string, Set<Wake>>();
  private closed = false;

  constructor(
    private readonly connect: () => pg.Client,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  /** Resolves on a NOTIFY for `queue`, after `timeoutMs`, or when `signal` aborts; never rejects. */
  async wait(queue: string, timeoutMs: number, signal: AbortSignal | undefined, ready?: () => Promise<boolean>): Promise<void> {
    if (this.closed || signal?.aborted) return;
    await this.ensure().catch((error: unknown) =>
      this.logger.warn({ err: error }, `[fleet] [queue-postgres] LISTEN failed: ${String(error)}`),
    );
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(queue) ?? new Set<Wake>();
      this.waiters.set(queue, set);
      const wake = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', wake);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      signal?.addEventListener('abort', wake, { once: true });
      set.add(wake);
      // Jobs enqueued between the caller's empty claim and our LISTEN would not notify us: look once more.
      ready?.().then(
        (yes) => yes && wake(),
        () => {},
      );
    });
  }

  private ensure(): Promise<pg.Client> {
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= (async () => {
      const client = this.connect();
      const lost = () => {
        if (this.client !== client) return;
        this.client = undefined;
        this.wakeAll();
      };
      client.on('error', lost);
      client.on('end', lost);
      client.on('notification', (message) => {
        if (message.channel !== this.channel) return;
        for (const wake of [...(this.waiters.get(message.payload ?? '') ?? [])]) wake();
      });
      try {
        await client.connect();
        await client.query(`listen "${this.channel}"`);
      } catch (error) {
        client.end().catch(() => {});
        throw error;
      }
      this.client = client;
      return client;
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private wakeAll(): void {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    const client = this.client ?? (await this.connecting?.catch(() => undefined));
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}

/** A pg.Client for LISTEN built from the pool's own settings, or from an explicit connection string. */
export function listenClient(pool: pg.Pool, connectionString: string | undefined): () => pg.Client {
  return () => new pg.Client(connectionString ? { connectionString } : (pool as unknown as { options: pg.ClientConfig }).options);
}
