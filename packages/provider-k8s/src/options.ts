import type { Logger } from '@fleet/core';
import { MAX_TIMER_MS, parseWith, silentLogger, tooLongForTimer } from '@fleet/core';
import { z } from 'zod';
import { SCOPE } from './api-error.js';
import type { K8sProviderEvent } from './events.js';
import { type KubeConfigSource, kubeConfigSchema } from './kubeconfig.js';

/** A custom resource with a `/scale` subresource, named by its API group, version and plural. */
export interface CustomScaleKind {
  /** `example.com` */
  group: string;
  /** `v1` */
  version: string;
  /** The resource's plural, lower case: `workerpools`. */
  plural: string;
}

/** What {@link k8sProvider} scales: an `apps/v1` Deployment or StatefulSet, or a custom resource. */
export type ScaleKind = 'Deployment' | 'StatefulSet' | CustomScaleKind;

// Kubernetes' own rules: a namespace is a DNS-1123 label, an object name a DNS-1123 subdomain.
const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The zod shape of a namespace: a DNS-1123 label. */
export const namespaceSchema = z
  .string('expected a namespace (a DNS-1123 label)')
  .max(63, 'expected a DNS-1123 label of at most 63 characters')
  .regex(dns1123Label, 'expected a DNS-1123 label: lower-case letters, digits and "-", starting and ending with a letter or digit');

/** The zod shape of an object name: a DNS-1123 subdomain. */
export const objectNameSchema = z
  .string('expected the object name')
  .min(1, 'expected a non-empty object name')
  .max(253, 'expected a name of at most 253 characters')
  .regex(dns1123Subdomain, 'expected a DNS-1123 subdomain: lower-case letters, digits, "-" and "."');

const kindSchema = z.union(
  [
    z.enum(['Deployment', 'StatefulSet']),
    z.strictObject({
      group: z.string().min(1).regex(dns1123Subdomain),
      version: z.string().regex(/^v[0-9]+((alpha|beta)[0-9]+)?$/),
      plural: z.string().regex(dns1123Label),
    }),
  ],
  "expected 'Deployment', 'StatefulSet' or a custom resource { group, version, plural }",
);

const schema = z
  .strictObject({
    kind: kindSchema,
    name: objectNameSchema,
    namespace: namespaceSchema.optional(),
    kubeconfig: kubeConfigSchema.optional(),
    min: z.number().int().min(0).default(0),
    max: z.number().int().min(1).default(1000),
    conflictRetries: z.number().int().min(0).max(100).default(5),
    requestTimeoutMs: z.number().int().positive().max(MAX_TIMER_MS, tooLongForTimer).default(10_000),
    hpaCheckIntervalMs: z.number().int().min(0).max(MAX_TIMER_MS, tooLongForTimer).default(300_000),
    fieldManager: z.string().min(1).default('fleet-autoscaler'),
    logger: z.custom<Logger>((v) => typeof (v as Logger | null)?.warn === 'function', 'expected a logger').default(silentLogger),
    onEvent: z.custom<(event: K8sProviderEvent) => void>((v) => typeof v === 'function', 'expected a function').optional(),
  })
  .superRefine((o, ctx) => {
    if (o.min > o.max) ctx.addIssue({ code: 'custom', path: ['min'], message: `expected min <= max (${o.max}), got ${o.min}` });
  });

/** Options of {@link k8sProvider}. */
export interface K8sProviderOptions {
  /** What to scale. Anything with a `/scale` subresource works; Deployments and StatefulSets also report readiness. */
  kind: ScaleKind;
  /** The object's name. */
  name: string;
  /** Its namespace. @default the current context's namespace (in a pod: the service account's), else 'default' */
  namespace?: string;
  /** Where the cluster and credentials come from. @default client-node's default: $KUBECONFIG, ~/.kube/config, in-cluster */
  kubeconfig?: KubeConfigSource;
  /** The fewest replicas `scaleTo` accepts; 0 allows scaling to zero. @default 0 */
  min?: number;
  /** The most replicas `scaleTo` accepts. @default 1000 */
  max?: number;
  /** How many times a write refused with 409 Conflict (someone else wrote in between) is re-read and retried. @default 5 */
  conflictRetries?: number;
  /** Bound on each API call. @default 10_000 */
  requestTimeoutMs?: number;
  /** How often `status()` looks for a HorizontalPodAutoscaler on the same object (0: never). @default 300_000 */
  hpaCheckIntervalMs?: number;
  /** Recorded by the API server as the writer of `spec.replicas` (managedFields). @default 'fleet-autoscaler' */
  fieldManager?: string;
  /** Where warnings (a competing HPA, a conflict retried) go. @default silentLogger */
  logger?: Logger;
  /** Called for each {@link K8sProviderEvent}: conflicts retried, replicas changed by someone else, HPA found. */
  onEvent?: (event: K8sProviderEvent) => void;
}

/** Validates the options: a FleetError `invalid-options` naming the field. */
export function parseK8sOptions(options: K8sProviderOptions) {
  return parseWith(schema, options, SCOPE, 'k8sProvider() options');
}

/** Options with defaults applied. */
export type ResolvedK8sOptions = ReturnType<typeof parseK8sOptions>;
