import type { ScaleDirection } from '@fleet/core';

/** A write refused with 409 Conflict (the object changed since it was read): it is read again and retried. */
export interface ConflictEvent {
  /** Discriminant. */
  type: 'conflict';
  /** 1 for the first retry. */
  attempt: number;
  /** The version the refused write carried. */
  resourceVersion: string;
  /** The size being written. */
  target: number;
}

/** `spec.replicas` changed between two reads without this provider writing it (`kubectl scale`, another controller). */
export interface ExternalScaleEvent {
  /** Discriminant. */
  type: 'external-scale';
  /** `spec.replicas` at the previous read or write. */
  from: number;
  /** `spec.replicas` now. */
  to: number;
  /** `up` or `down`. */
  direction: ScaleDirection;
  /** When the change was seen (ms since epoch): Kubernetes does not record when it was made. */
  at: number;
}

/** A HorizontalPodAutoscaler targets the same object: two controllers would fight over its replicas. */
export interface HpaEvent {
  /** Discriminant. */
  type: 'hpa';
  /** The HPA's name. */
  hpa: string;
  /** Its namespace (the object's). */
  namespace: string;
}

/** What {@link k8sProvider} reports besides errors, through `onEvent` (and the logger). */
export type K8sProviderEvent = ConflictEvent | ExternalScaleEvent | HpaEvent;
