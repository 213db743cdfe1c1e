import { inject } from 'vitest';
import { doubleCluster, realCluster, type TestCluster } from './cluster.js';

/**
 * The backends a test file runs against: the API double always, the real kube-apiserver when the global setup
 * started one (it fails the run in CI when it could not, so a skip never passes there).
 */
export const backends: { name: string; open: () => Promise<TestCluster> }[] = [
  { name: 'API double', open: () => doubleCluster() },
  ...(inject('kube')
    ? [{ name: 'kube-apiserver', open: async () => realCluster(inject('kube') as NonNullable<ReturnType<typeof inject<'kube'>>>) }]
    : []),
];

let seq = 0;
/** A namespace name no other test uses (the real server keeps objects between files). */
export const uniqueNamespace = (prefix: string) => `${prefix}-${process.pid}-${++seq}`;

/** Closes what `open` opened (the double's HTTP server). */
export async function closeCluster(cluster: TestCluster | undefined): Promise<void> {
  await cluster?.double?.stop();
}
