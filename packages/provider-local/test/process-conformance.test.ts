import { fileURLToPath } from 'node:url';
import { providerConformance } from '@fleet/core/testing';
import { afterEach, describe, it } from 'vitest';
import { processProvider } from '../src/index.js';
import { childrenRunning } from './support/proc.js';

const script = fileURLToPath(new URL('./fixtures/idle.mjs', import.meta.url));

providerConformance(
  {
    name: 'processProvider',
    create: () => processProvider({ script, max: 5, output: 'ignore', drainTimeoutMs: 5_000 }),
    // The OS's process list: live children of this process running the fixture, pids as ids.
    inspect: async () => {
      const ids = childrenRunning(script);
      return { running: ids.length, ids };
    },
    settleMs: 1_500,
  },
  { describe, it, afterEach },
);
