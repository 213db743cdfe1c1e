import { fileURLToPath } from 'node:url';
import { MAX_TIMER_MS } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { processProvider, threadProvider } from '../src/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

// Node fires a timer longer than 2^31 − 1 ms after 1 ms: a 3e9 drain would SIGKILL a worker at once.
const fields: [string, Record<string, unknown>][] = [
  ['drainTimeoutMs', { drainTimeoutMs: 3e9 }],
  ['readyGraceMs', { readyGraceMs: 3e9 }],
  ['restart.baseMs', { restart: { baseMs: 3e9 } }],
  ['restart.maxMs', { restart: { maxMs: 3e9 } }],
];
const makers = {
  processProvider: (extra: Record<string, unknown>) => processProvider({ script: fixture('idle.mjs'), output: 'ignore', ...extra }),
  threadProvider: (extra: Record<string, unknown>) => threadProvider({ file: fixture('thread-idle.mjs'), ...extra }),
};

describe('every duration that feeds a timer is at most 2^31 − 1 ms', () => {
  for (const [name, make] of Object.entries(makers)) {
    for (const [field, extra] of fields) {
      it(`${name}: ${field} above it is refused before anything starts, naming the field`, async () => {
        const message = new RegExp(`invalid ${name}\\(\\) options: ${field.replace('.', '\\.')}: at most ${MAX_TIMER_MS} ms`);
        expect(() => make({ initial: 1, min: 1, ...extra })).toThrow(message);
        // The bound itself is accepted.
        const largest = field.startsWith('restart.') ? { restart: { [field.slice(8)]: MAX_TIMER_MS } } : { [field]: MAX_TIMER_MS };
        await make(largest).close();
      });
    }
  }
});
