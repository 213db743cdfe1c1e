import type { ScaleDirection } from '@fleet/core';

/**
 * What {@link k8sProvider} reports besides errors, through `onEvent` (and the logger):
 * - `conflict`: a write was refused with 409 (the object changed since it was read); it is re-read and retried;
 * - `external-scale`: `spec.replicas` changed between two reads without this provider writing it
 *   (`kubectl scale`, another controller, another Autoscaler);
 * - `hpa`: a HorizontalPodAutoscaler targets the same object, so two controllers would fight over its replicas.
 */
export type K8sProviderEvent =
  | { type: 'conflict'; attempt: number; resourceVersion: string; target: number }
  | { type: 'external-scale'; from: number; to: number; direction: ScaleDirection; at: number }
  | { type: 'hpa'; hpa: string; namespace: string };
