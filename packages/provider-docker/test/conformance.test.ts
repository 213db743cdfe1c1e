import { providerConformance } from '@fleet/core/testing';
import { afterEach, describe, it } from 'vitest';
import { dockerProvider } from '../src/index.js';
import { groupOptions, noEngine, removeGroup, running, useEngine } from './support/engine.js';

describe.skipIf(noEngine)('dockerProvider on a real dockerd', () => {
  const engine = useEngine();
  let seq = 0;
  let group = '';
  providerConformance(
    {
      name: 'dockerProvider',
      create: () => {
        group = `conf${++seq}`;
        return dockerProvider(groupOptions(engine(), group, { min: 0, max: 4, drainTimeoutMs: 2_000 }));
      },
      // The engine's own container list, through the test's client; container ids change when one is recreated.
      inspect: async () => {
        const list = await running(engine(), group);
        return { running: list.length, ids: list.map((c) => c.Id) };
      },
      cleanup: () => removeGroup(engine(), group),
      settleMs: 1_000,
    },
    { describe, it, afterEach },
  );
});
