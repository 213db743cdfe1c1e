import { z } from 'zod';
import { parseWith } from '../errors.js';
import type { ClaimQueue } from '../queue.js';
import { type ConformanceContext, queueGroups } from './queue-conformance/groups.js';
import type { TestRunner } from './runner.js';

/** The groups of {@link queueConformance}, each skippable by name. */
export const QUEUE_CONFORMANCE_GROUPS = [
  'enqueue-claim',
  'ordering',
  'batch',
  'leases',
  'complete-and-claim',
  'retries',
  'dedup',
  'stats',
  'concurrency',
  'bad-input',
] as const;

/** A group of {@link queueConformance}. */
export type QueueConformanceGroup = (typeof QUEUE_CONFORMANCE_GROUPS)[number];

/** Options of {@link queueConformance}. */
export interface QueueConformanceOptions {
  /** Shown in the outer describe block. @default 'queue' */
  name?: string;
  /** Makes the queue under test; called for each test, and the queue is closed after it. */
  create: () => Promise<ClaimQueue> | ClaimQueue;
  /** Empties a shared backend (truncate the tables): runs after `create`, before each test. The suite assumes an empty queue; totals may carry over. @default none */
  reset?: (queue: ClaimQueue) => Promise<void>;
  /** Groups the backend cannot do, by name. @default [] */
  skip?: readonly QueueConformanceGroup[];
  /** The short lease of the expiry tests, in ms, slept through with real time: raise it for a remote backend whose clock drifts. @default 200 */
  leaseMs?: number;
}

const optionsSchema = z.strictObject({
  name: z.string().min(1).optional(),
  create: z.custom<QueueConformanceOptions['create']>((v) => typeof v === 'function', 'expected a function'),
  reset: z.custom<NonNullable<QueueConformanceOptions['reset']>>((v) => typeof v === 'function', 'expected a function').optional(),
  skip: z.array(z.enum(QUEUE_CONFORMANCE_GROUPS)).optional(),
  leaseMs: z.number().finite().positive().optional(),
});

/**
 * The contract every ClaimQueue must keep (`memoryQueue`, queue-postgres, queue-do), as tests registered on the
 * runner you pass: ordering, batches, leases and their expiry, `completeAndClaim` (or, for a queue without it, the
 * `complete` then `claim` it stands for), retries, dedup, stats, many concurrent claimers
 * (no job ever held twice, every job completed exactly once) and bad input (a clear `invalid-input`, nothing changed).
 * Assertions use `node:assert/strict`; lease expiry uses real short sleeps, never a fake clock, so a real backend
 * runs the same tests. About 2 s on the memory queue.
 *
 * @example
 * import { describe, it } from 'vitest';
 * queueConformance({ name: 'postgres', create: () => postgresQueue({ pool, queue: 'test' }), reset: truncate }, { describe, it });
 */
export function queueConformance(options: QueueConformanceOptions, runner: TestRunner): void {
  const o = parseWith(optionsSchema, options, 'core', 'queueConformance() options');
  const context: ConformanceContext = { leaseMs: o.leaseMs ?? 200 };
  const timeout = context.leaseMs * 10 + 10_000;
  runner.describe(`queueConformance(${o.name ?? 'queue'})`, () => {
    for (const group of QUEUE_CONFORMANCE_GROUPS) {
      if (o.skip?.includes(group)) continue;
      runner.describe(group, () => {
        for (const [title, body] of Object.entries(queueGroups[group])) {
          runner.it(
            title,
            async () => {
              const queue = await o.create();
              try {
                await o.reset?.(queue);
                await body(queue, context);
              } finally {
                await queue.close();
              }
            },
            timeout,
          );
        }
      });
    }
  });
}
