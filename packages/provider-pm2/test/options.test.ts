import { isFleetError } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { type Pm2ProviderOptions, pm2Provider } from '../src/index.js';

const base = { mode: 'named', name: 'bot', script: 'worker.js', max: 3 } as Pm2ProviderOptions;

describe('pm2Provider options: durations that end in a Node timer', () => {
  it.each([
    ['drainTimeoutMs', { drainTimeoutMs: 3e9 }],
    ['readyGraceMs', { readyGraceMs: 2 ** 31 }],
    ['callTimeoutMs', { callTimeoutMs: 2 ** 31 }],
  ])('%s above 2^31 − 1 ms is refused, naming the field', (field, extra) => {
    let error: unknown;
    try {
      pm2Provider({ ...base, ...extra } as Pm2ProviderOptions);
    } catch (e) {
      error = e;
    }
    expect(isFleetError(error, 'invalid-options')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`${field}: at most 2147483647 ms`));
  });
});
