import { isFleetError } from '@fleet/core';
import { describe, expect, it } from 'vitest';
import { type K8sProviderOptions, k8sLeader, k8sProvider } from '../src/index.js';

const kubeconfig = { server: 'https://127.0.0.1:6443', token: 't' };
const attempt = (options: unknown) => {
  try {
    k8sProvider(options as K8sProviderOptions);
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected k8sProvider() to throw');
};

describe('k8sProvider() options', () => {
  it.each([
    [
      'an unknown kind',
      { kind: 'DaemonSet', name: 'w' },
      /kind: expected 'Deployment', 'StatefulSet' or a custom resource \{ group, version, plural \}/,
    ],
    ['an empty name', { kind: 'Deployment', name: '' }, /name: expected a non-empty object name/],
    ['a name with capitals', { kind: 'Deployment', name: 'Workers' }, /name: expected a DNS-1123 subdomain/],
    ['an invalid namespace', { kind: 'Deployment', name: 'w', namespace: 'Mail_Prod' }, /namespace: expected a DNS-1123 label/],
    [
      'a namespace too long',
      { kind: 'Deployment', name: 'w', namespace: 'n'.repeat(64) },
      /namespace: expected a DNS-1123 label of at most 63/,
    ],
    ['a custom kind without plural', { kind: { group: 'example.com', version: 'v1' }, name: 'w' }, /kind: /],
    ['min above max', { kind: 'Deployment', name: 'w', min: 5, max: 2 }, /min: expected min <= max \(2\), got 5/],
    ['an unknown option', { kind: 'Deployment', name: 'w', replicas: 3 }, /replicas/],
    [
      'a request timeout beyond a timer',
      { kind: 'Deployment', name: 'w', requestTimeoutMs: 2 ** 31 },
      /requestTimeoutMs: at most 2147483647 ms/,
    ],
    [
      'an HPA check interval beyond a timer',
      { kind: 'Deployment', name: 'w', hpaCheckIntervalMs: 3e9 },
      /hpaCheckIntervalMs: at most 2147483647 ms/,
    ],
    ['a kubeconfig of the wrong shape', { kind: 'Deployment', name: 'w', kubeconfig: { server: 'not a url', token: 't' } }, /kubeconfig: /],
  ])('rejects %s with an error naming the field', (_, options, message) => {
    const error = attempt({ kubeconfig, ...options });
    expect(isFleetError(error, 'invalid-options')).toBe(true);
    expect(error.message).toMatch(/^\[fleet\] \[provider-k8s\] invalid k8sProvider\(\) options: /);
    expect(error.message).toMatch(message);
  });

  it('a kubeconfig file that does not exist is named', () => {
    const error = attempt({ kind: 'Deployment', name: 'w', kubeconfig: '/nonexistent/kubeconfig' });
    expect(error.message).toMatch(/\[fleet\] \[provider-k8s\] kubeconfig: could not load it: .*nonexistent/);
  });

  it('accepts a Deployment, a StatefulSet and a custom resource, TLS verification on', () => {
    for (const kind of ['Deployment', 'StatefulSet', { group: 'example.com', version: 'v1alpha1', plural: 'workerpools' }] as const) {
      const provider = k8sProvider({ kind, name: 'w', namespace: 'mail', kubeconfig });
      expect(provider.namespace).toBe('mail');
      expect(provider.capabilities).toEqual({ scaleToZero: true, maxSize: 1000 });
    }
    expect(k8sProvider({ kind: 'Deployment', name: 'w', kubeconfig: { ...kubeconfig, namespace: 'ctx' } }).namespace).toBe('ctx');
  });
});

describe('k8sLeader() options', () => {
  it('rejects an invalid namespace and a lease under a second, naming the field', () => {
    expect(() => k8sLeader({ name: 'l', namespace: 'UPPER', kubeconfig })).toThrow(/namespace: expected a DNS-1123 label/);
    expect(() => k8sLeader({ name: 'l', leaseDurationMs: 10, kubeconfig })).toThrow(/leaseDurationMs: /);
    expect(() => k8sLeader({ name: 'l', leaseDurationMs: 2 ** 31, kubeconfig })).toThrow(/leaseDurationMs: at most 2147483647 ms/);
    expect(() => k8sLeader({ name: 'l', requestTimeoutMs: 2 ** 31, kubeconfig })).toThrow(/requestTimeoutMs: at most 2147483647 ms/);
  });
});
