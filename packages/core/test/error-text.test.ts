import { describe, expect, it } from 'vitest';
import { errorText, fleetError, isFleetError, redactSecrets, toError } from '../src/index.js';

describe('errorText', () => {
  it('reads an Error message', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
  });
  it('never throws on values that cannot be printed', () => {
    const noProto = Object.create(null);
    const throwingToString = {
      toString: () => {
        throw new Error('nope');
      },
    };
    const throwingGetter = Object.defineProperty({}, 'message', {
      get: () => {
        throw new Error('nope');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get: () => {
          throw new Error('trap');
        },
      },
    );
    expect(errorText(noProto)).toBe('a thrown object that cannot be printed');
    expect(errorText(throwingToString)).toBe('a thrown object that cannot be printed');
    expect(errorText(throwingGetter)).toBe('[object Object]');
    expect(errorText(proxy)).toBe('a thrown object that cannot be printed');
    expect(errorText(undefined)).toBe('undefined');
    expect(errorText(Symbol('s'))).toBe('Symbol(s)');
  });
  it('redacts credentials in what it returns', () => {
    expect(errorText(new Error('GET https://u:p@x.test/m?api_key=abc&b=2 failed'))).toBe(
      'GET https://***@x.test/m?api_key=***&b=*** failed',
    );
  });
});

describe('toError', () => {
  it('returns an Error as it is', () => {
    const e = new TypeError('t');
    expect(toError(e, 'core', 'metric-failed')).toBe(e);
  });
  it('wraps an Error whose message quotes a secret, keeping its code and itself as cause', () => {
    const e = Object.assign(new Error('GET https://u:pw@h.test/?api_key=SECRET failed'), { code: 'ECONNREFUSED' });
    const safe = toError(e, 'core', 'metric-failed');
    expect(safe.message).toBe('GET https://***@h.test/?api_key=*** failed');
    expect((safe as { code?: string }).code).toBe('ECONNREFUSED');
    expect(safe.cause).toBe(e);
  });
  it('wraps anything else with a code and the value as cause', () => {
    const thrown = Object.create(null);
    const e = toError(thrown, 'core', 'metric-failed');
    expect(isFleetError(e, 'metric-failed')).toBe(true);
    expect(e.message).toBe('[fleet] [core] a thrown object that cannot be printed');
    expect(e.cause).toBe(thrown);
  });
});

describe('redactSecrets', () => {
  it.each([
    ['postgres://fleet:hunter2@db:5432/app', 'postgres://***@db:5432/app'],
    ['redis://:pw@127.0.0.1:6379', 'redis://***@127.0.0.1:6379'],
    ['http://x.test/p?token=abc#frag', 'http://x.test/p?token=***#frag'],
    ['see "http://x.test/?a=1&b=2"', 'see "http://x.test/?a=***&b=***"'],
    ['no secret here: ok', 'no secret here: ok'],
  ])('%s', (input, output) => {
    expect(redactSecrets(input)).toBe(output);
  });
  it('applies to every fleetError message', () => {
    expect(fleetError('core', 'metric-failed', 'read https://u:p@h/?k=v').message).toBe('[fleet] [core] read https://***@h/?k=***');
  });
});
