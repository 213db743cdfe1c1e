import type { QueueConformanceGroup } from '../queue-conformance.js';
import { stats } from './accounting.js';
import { badInput } from './bad-input.js';
import { batch, dedup, enqueueClaim, ordering } from './claiming.js';
import { concurrency } from './concurrency.js';
import { completeAndClaim } from './folding.js';
import type { ConformanceTest } from './helpers.js';
import { leases, retries } from './leases.js';

export type { ConformanceContext } from './helpers.js';

/** The tests of each conformance group, by title. */
export const queueGroups: Record<QueueConformanceGroup, Record<string, ConformanceTest>> = {
  'enqueue-claim': enqueueClaim,
  ordering,
  batch,
  leases,
  'complete-and-claim': completeAndClaim,
  retries,
  dedup,
  stats,
  concurrency,
  'bad-input': badInput,
};
