import { isFleetError } from '@fleet/core';
import Dockerode from 'dockerode';
import { describe, expect, it } from 'vitest';
import { type DockerProviderOptions, dockerProvider } from '../src/index.js';

const base: DockerProviderOptions = { group: 'mail', template: { image: 'acme/warmup:1' }, docker: { socketPath: '/nowhere.sock' } };
const refused = (options: unknown) => {
  try {
    dockerProvider(options as DockerProviderOptions);
  } catch (error) {
    expect(isFleetError(error, 'invalid-options')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected the options to be refused');
};

describe('dockerProvider options: bad input names the field and the expected shape', () => {
  it.each([
    ['a drain beyond what a timer holds', { ...base, drainTimeoutMs: 3e9 }, /drainTimeoutMs: at most 2147483647 ms/],
    ['a call timeout beyond what a timer holds', { ...base, callTimeoutMs: 2 ** 31 }, /callTimeoutMs: at most 2147483647 ms/],
    [
      'an empty group name',
      { ...base, group: '' },
      /^\[fleet\] \[provider-docker\] invalid dockerProvider\(\) options: group: expected a non-empty group name/,
    ],
    [
      'a group name that cannot name a container',
      { ...base, group: 'mail workers' },
      /group: expected a non-empty group name of letters, digits/,
    ],
    [
      'labels that collide with the group label',
      { ...base, template: { image: 'x', labels: { 'fleet.group': 'other' } } },
      /template\.labels: expected no keys starting with "fleet\."/,
    ],
    [
      'a template without an image',
      { ...base, template: { env: {} } },
      /template\.image: required, an image reference, e\.g\. "acme\/worker:1\.4"/,
    ],
    ['a blank image', { ...base, template: { image: '  ' } }, /template\.image: expected an image reference/],
    ['min above max', { ...base, min: 5, max: 2 }, /min: expected min <= max \(2\), got 5/],
    [
      'a negative drain timeout',
      { ...base, drainTimeoutMs: -1 },
      /drainTimeoutMs: Too small: expected number to be >=0, got -1 \(number\)/,
    ],
    [
      'a docker option of the wrong shape',
      { ...base, docker: { url: 'x' } },
      /docker: expected a dockerode instance, \{ socketPath \}, or \{ host/,
    ],
    ['an unknown template field', { ...base, template: { image: 'x', ports: [80] } }, /template: unknown key `ports`/],
    [
      'a bind mount without a container path',
      { ...base, template: { image: 'x', binds: ['/data'] } },
      /template\.binds\.0: expected "\/host\/path:\/container\/path\[:ro\]"/,
    ],
  ])('%s', (_, options, message) => {
    expect(refused(options)).toMatch(message);
  });

  it('takes a dockerode instance, a socket, or TCP with TLS', () => {
    expect(dockerProvider({ ...base, docker: new Dockerode({ socketPath: '/nowhere.sock' }) }).name).toBe('docker(mail)');
    expect(
      dockerProvider({ ...base, docker: { host: '127.0.0.1', port: 2376, protocol: 'https', ca: 'x', cert: 'y', key: 'z' } }).capabilities,
    ).toEqual({
      scaleToZero: false,
      maxSize: 10,
    });
  });

  it('scaleTo outside [min, max] is refused before the engine is called', async () => {
    const provider = dockerProvider({ ...base, min: 1, max: 3 });
    const signal = new AbortController().signal;
    for (const n of [0, 4, 1.5, Number.NaN]) {
      const error = await provider.scaleTo(n, { reason: 'test', signal }).catch((e: unknown) => e);
      expect(isFleetError(error, 'invalid-input')).toBe(true);
      expect((error as Error).message).toContain('scaleTo target (an integer in [1, 3])');
    }
  });

  it('an unreachable engine is a provider-failed error that says where it looked', async () => {
    const provider = dockerProvider(base);
    const error = await provider.status(new AbortController().signal).catch((e: unknown) => e);
    expect(isFleetError(error, 'provider-failed')).toBe(true);
    expect((error as Error).message).toBe(
      '[fleet] [provider-docker] list containers: cannot reach the Docker engine at unix:///nowhere.sock (ENOENT); is dockerd running?',
    );
  });
});
