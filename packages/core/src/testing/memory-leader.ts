import { z } from 'zod';
import { type Clock, systemClock } from '../clock.js';
import { parseWith } from '../errors.js';
import type { LeaderElector } from '../leader.js';

const optionsSchema = z.strictObject({
  clock: z.custom<Clock>((v) => typeof (v as Clock | undefined)?.now === 'function', 'expected a Clock').optional(),
  leaseMs: z.number().int().positive().default(15_000),
});

/** Options of {@link memoryElection}. */
export interface MemoryElectionOptions {
  /** Where lease expiry is read from; pass a FakeClock to expire leases in a test. @default systemClock */
  clock?: Clock;
  /** How long a lease lasts after each successful campaign, in ms. @default 15_000 */
  leaseMs?: number;
}

/** One lease shared by candidates in the same process: the in-memory reference LeaderElector. */
export interface MemoryElection {
  /**
   * A candidate with this id. Two candidates with the same id are the same identity (as a restarted process
   * presenting the same lease holder name would be), so they share leadership.
   */
  candidate(id: string): LeaderElector;
  /** The id holding an unexpired lease, if any. */
  holder(): string | undefined;
}

/**
 * An in-memory lease, as a Kubernetes Lease or a database row with an expiry would hold it: `campaign` takes the
 * lease when it is free or expired, renews it when this candidate holds it, and otherwise resolves `false`;
 * `resign` releases it only if this candidate holds it. Expiry follows the injected clock.
 *
 * A leader that stops campaigning (crashed, partitioned) keeps the lease until it expires: that gap is what
 * `leaseMs` trades against the risk of two leaders when a slow leader's renewal arrives late.
 *
 * @example
 * const clock = new FakeClock();
 * const election = memoryElection({ clock, leaseMs: 10_000 });
 * const a = election.candidate('a');
 * const b = election.candidate('b');
 * await a.campaign(signal); // true
 * await b.campaign(signal); // false
 * await clock.advance(10_000);
 * await b.campaign(signal); // true: a did not renew
 */
export function memoryElection(options: MemoryElectionOptions = {}): MemoryElection {
  const o = parseWith(optionsSchema, options, 'core', 'memoryElection options');
  const clock = o.clock ?? systemClock;
  let lease: { holder: string; until: number } | undefined;

  const holder = () => (lease && clock.now() < lease.until ? lease.holder : undefined);

  return {
    holder,
    candidate(id) {
      parseWith(z.string().min(1), id, 'core', 'memoryElection candidate id', 'invalid-input');
      return {
        id,
        async campaign(signal) {
          signal?.throwIfAborted();
          const current = holder();
          if (current !== undefined && current !== id) return false;
          lease = { holder: id, until: clock.now() + o.leaseMs };
          return true;
        },
        async resign() {
          if (holder() === id) lease = undefined;
        },
      };
    },
  };
}
