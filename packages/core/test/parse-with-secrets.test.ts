import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeValue, parseWith } from '../src/index.js';

const refusal = (schema: z.ZodType, input: unknown) => {
  try {
    parseWith(schema, input, 'core', 'test options');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected parseWith to refuse the input');
};

describe('parseWith never quotes a secret', () => {
  it.each([
    ['token', { token: 'hunter2' }, z.object({ token: z.string().min(16) }), 'token: ', '(a string of 7 characters, hidden)'],
    ['adminToken as a number', { adminToken: 1234567 }, z.object({ adminToken: z.string() }), 'adminToken: ', '(a number, hidden)'],
    ['password', { password: 'hunter2' }, z.object({ password: z.number() }), 'password: ', '(a string of 7 characters, hidden)'],
    ['client_secret', { client_secret: 'hunter2' }, z.object({ client_secret: z.number() }), 'client_secret: ', 'hidden)'],
    ['apiKey', { apiKey: 'hunter2' }, z.object({ apiKey: z.number() }), 'apiKey: ', 'hidden)'],
    ['API-KEY', { 'API-KEY': 'hunter2' }, z.object({ 'API-KEY': z.number() }), 'API-KEY: ', 'hidden)'],
    [
      'headers.authorization',
      { headers: { Authorization: 'Bearer hunter2' } },
      z.object({ headers: z.object({ Authorization: z.string().max(3) }) }),
      'headers.Authorization: ',
      '(a string of 14 characters, hidden)',
    ],
    [
      'connectionString',
      { connectionString: 'postgres://u:hunter2@db/x' },
      z.object({ connectionString: z.string().max(3) }),
      'connectionString: ',
      'hidden)',
    ],
    ['connection_string', { connection_string: 'hunter2' }, z.object({ connection_string: z.number() }), 'connection_string: ', 'hidden)'],
    [
      'a URL with credentials under any key',
      { url: 'https://user:hunter2@host/x' },
      z.object({ url: z.string().max(3) }),
      'url: ',
      '(a string of 27 characters, hidden)',
    ],
    [
      'a URL with a query value under any key',
      { endpoint: 'https://host/x?sig=hunter2' },
      z.object({ endpoint: z.string().max(3) }),
      'endpoint: ',
      'hidden)',
    ],
    ['a secret inside a list', { tokens: ['hunter2'] }, z.object({ tokens: z.array(z.number()) }), 'tokens.0: ', 'hidden)'],
  ])('%s: named, its value hidden', (_what, input, schema, path, described) => {
    const message = refusal(schema, input);
    expect(message).toContain(path);
    expect(message).toContain(described);
    expect(message).toMatch(/, got (\(a |an )/);
    expect(message).not.toContain('hunter2');
  });

  it('other values are still quoted', () => {
    expect(refusal(z.object({ max: z.number().min(1) }), { max: -5 })).toBe(
      '[fleet] [core] invalid test options: max: Too small: expected number to be >=1, got -5 (number)',
    );
    expect(refusal(z.object({ url: z.string().max(3) }), { url: 'https://host/x' })).toContain('got "https://host/x" (string)');
    expect(describeValue('abc')).toBe('"abc" (string)');
    expect(describeValue('abc', { hidden: true })).toBe('(a string of 3 characters, hidden)');
    expect(describeValue({ token: 'abc' }, { hidden: true })).toBe('an object');
  });
});
