// The adversarial property test of the Autoscaler: random option sets from the whole schema, random readings
// (outages, negative, NaN and huge values, non-Error throws, reads that never answer), random provider faults and
// statuses, random pauses and overrides. After every tick: a Decision with a code from the closed union; the target
// never leaves [min, max] except toward a bound; no scale-down with a key in outage or inside the down cooldown; a
// pause holds; an error event for every failure; no secret in any reason or event. FLEET_PROPERTY_RUNS sets the
// number of cases (`pnpm test:deep` runs a million); FLEET_PROPERTY_SEED replays a failure.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { optionSpec, policySpec, tickSpec } from './support/adversarial.js';
import { runCase } from './support/adversarial-run.js';

const runs = Number(process.env.FLEET_PROPERTY_RUNS ?? 10_000);
const seed = process.env.FLEET_PROPERTY_SEED === undefined ? 20261207 : Number(process.env.FLEET_PROPERTY_SEED);

describe('the Autoscaler under adversarial options, readings and faults', () => {
  it(`holds every invariant on every tick (${runs} seeded cases)`, { timeout: Math.max(600_000, runs * 60) }, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          options: optionSpec,
          policy: policySpec,
          initial: fc.integer({ min: 0, max: 20 }),
          ticks: fc.array(tickSpec, { minLength: 1, maxLength: 12 }),
        }),
        runCase,
      ),
      { numRuns: runs, seed, endOnFailure: false },
    );
  });
});
