import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromEnv, loadConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-env-'));
const base = {
  FLEET_MAX: '3',
  FLEET_POLICY__TYPE: 'ceilTarget',
  FLEET_METRICS__0__TYPE: 'fixed',
  FLEET_PROVIDER__TYPE: 'memory',
};
const polluted = () => (Object.prototype as Record<string, unknown>).polluted;
afterEach(() => {
  delete (Object.prototype as Record<string, unknown>).polluted;
});

describe('FLEET_* variables cannot reach Object.prototype', () => {
  it.each([
    ['FLEET_CONSTRUCTOR__PROTOTYPE__POLLUTED', 'CONSTRUCTOR'],
    ['FLEET_POLICY__CONSTRUCTOR__PROTOTYPE__POLLUTED', 'CONSTRUCTOR'],
    ['FLEET_METRICS__0__PROTOTYPE__POLLUTED', 'PROTOTYPE'],
  ])('%s is refused, naming the variable, and no object gains a key', async (name, segment) => {
    const env = { ...base, [name]: '1' };
    expect(() => fromEnv(env, 'FLEET_')).toThrow(expect.objectContaining({ code: 'invalid-options' }));
    expect(() => fromEnv(env, 'FLEET_')).toThrow(`${name}: the segment ${segment} is not allowed`);
    await expect(loadConfig(undefined, { env })).rejects.toThrow(
      new RegExp(`^\\[fleet\\] \\[cli\\] FLEET_: ${name}: the segment ${segment} is not allowed`),
    );
    expect(polluted()).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds objects without a prototype, and lists only from indexes 0..n-1', () => {
    const built = fromEnv({ ...base, FLEET_METRICS__1__TYPE: 'process' }, 'FLEET_');
    expect(Object.getPrototypeOf(built)).toBeNull();
    expect(built).toEqual({
      max: 3,
      policy: { type: 'ceilTarget' },
      metrics: [{ type: 'fixed' }, { type: 'process' }],
      provider: { type: 'memory' },
    });
    expect(() => fromEnv({ FLEET_METRICS__1__TYPE: 'fixed' }, 'FLEET_')).toThrow(
      'FLEET_METRICS__1: list indexes must run from 0 without gaps, expected 0',
    );
    // A huge index would otherwise make a sparse list of four billion holes for the validator to walk.
    expect(() => fromEnv({ FLEET_METRICS__4294967294__TYPE: 'fixed' }, 'FLEET_')).toThrow(/list indexes must run from 0/);
    expect(() => fromEnv({ FLEET_POLICY: '5', FLEET_POLICY__TYPE: 'x' }, 'FLEET_')).toThrow(
      'FLEET_POLICY__TYPE: FLEET_POLICY already sets a value here',
    );
  });
});

describe('a config file cannot carry a prototype key', () => {
  it.each([
    [
      'a __proto__ key in JSON',
      'json',
      '{"max":3,"policy":{"type":"ceilTarget","__proto__":{"polluted":1}},"metrics":[{"type":"fixed"}],"provider":{"type":"memory"}}',
      'policy.__proto__',
    ],
    [
      'a __proto__ key in YAML',
      'yaml',
      'max: 3\npolicy: { type: ceilTarget }\nmetrics: [{ type: fixed, __proto__: { polluted: 1 } }]\nprovider: { type: memory }\n',
      'metrics.0.__proto__',
    ],
    ['a top-level __proto__ key in YAML', 'yml', '__proto__: { polluted: 1 }\nmax: 3\n', '__proto__'],
    [
      'a constructor key in JSON',
      'json',
      '{"max":3,"provider":{"type":"memory","constructor":{"prototype":{"polluted":1}}}}',
      'provider.constructor',
    ],
  ])('%s is refused naming the key', async (_what, ext, text, key) => {
    const file = join(dir, `config-${key}.${ext}`);
    writeFileSync(file, text);
    await expect(loadConfig(file)).rejects.toThrow(`[fleet] [cli] ${file}: ${key}: the key ${key.split('.').pop()} is not allowed`);
    expect(polluted()).toBeUndefined();
  });
});
