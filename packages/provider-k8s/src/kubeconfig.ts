import { fleetError } from '@fleet/core';
import { KubeConfig } from '@kubernetes/client-node';
import { z } from 'zod';
import { SCOPE } from './api-error.js';

/** Explicit connection settings, for when there is neither a kubeconfig nor a service account. */
export interface ExplicitCluster {
  /** The API server's URL: `https://10.0.0.1:6443`. */
  server: string;
  /** A bearer token (a ServiceAccount token, or one from a static token file). */
  token: string;
  /** The cluster's CA certificate, base64-encoded PEM (a kubeconfig's `certificate-authority-data`). @default the system's CAs */
  caData?: string;
  /** Turns TLS verification off. Only for a throwaway test cluster. @default false */
  skipTLSVerify?: boolean;
  /** The namespace used when the provider's own `namespace` is not given. @default 'default' */
  namespace?: string;
}

/**
 * A client-node `KubeConfig` you built yourself, described by the members this package uses, so that the public
 * types do not import `@kubernetes/client-node` (an ES module only, which CommonJS type-checkers cannot import).
 */
export interface KubeConfigLike {
  /** client-node's factory of API clients. */
  makeApiClient(apiClientType: never): unknown;
  /** The name of the context in use. */
  getCurrentContext(): string;
}

/** A kubeconfig file and/or a context in it. */
export interface KubeConfigFile {
  /** @default $KUBECONFIG, else ~/.kube/config */
  file?: string;
  /** @default the file's current-context */
  context?: string;
}

/**
 * Where the provider finds the cluster and its credentials:
 * - `undefined`: client-node's default order: `$KUBECONFIG`, then `~/.kube/config`, then the in-cluster service account;
 * - `'in-cluster'`: the pod's service account (token and CA mounted under `/var/run/secrets/kubernetes.io/serviceaccount`);
 * - a string: the path of a kubeconfig file; `{ file?, context? }`: a file and/or a context in it;
 * - an {@link ExplicitCluster}: server, token and CA;
 * - a `KubeConfig` you built yourself with client-node ({@link KubeConfigLike}).
 * TLS verification is on unless a kubeconfig or `skipTLSVerify` turns it off.
 */
export type KubeConfigSource = 'in-cluster' | string | KubeConfigFile | ExplicitCluster | KubeConfigLike;

const isKubeConfig = (v: unknown): v is KubeConfigLike => typeof (v as KubeConfigLike | null)?.makeApiClient === 'function';

/** The zod shape of {@link KubeConfigSource}. */
export const kubeConfigSchema = z.union(
  [
    z.custom<KubeConfigLike>(isKubeConfig),
    z.string().min(1),
    z.strictObject({
      server: z.url({ protocol: /^https?$/ }),
      token: z.string().min(1),
      caData: z.string().min(1).optional(),
      skipTLSVerify: z.boolean().optional(),
      namespace: z.string().min(1).optional(),
    }),
    z.strictObject({ file: z.string().min(1).optional(), context: z.string().min(1).optional() }),
  ],
  "expected 'in-cluster', a kubeconfig path, { file?, context? }, { server, token, caData? } or a KubeConfig",
);

/** Loads the KubeConfig and the namespace its current context names (else `default`). */
export function loadKubeConfig(source: z.output<typeof kubeConfigSchema> | undefined): { kc: KubeConfig; namespace: string } {
  if (isKubeConfig(source)) return { kc: source as KubeConfig, namespace: contextNamespace(source as KubeConfig) };
  const kc = new KubeConfig();
  try {
    if (source === undefined) kc.loadFromDefault();
    else if (source === 'in-cluster') kc.loadFromCluster();
    else if (typeof source === 'string') kc.loadFromFile(source);
    else if ('server' in source) {
      kc.loadFromOptions({
        clusters: [{ name: 'fleet', server: source.server, caData: source.caData, skipTLSVerify: source.skipTLSVerify ?? false }],
        users: [{ name: 'fleet', token: source.token }],
        contexts: [{ name: 'fleet', cluster: 'fleet', user: 'fleet', namespace: source.namespace }],
        currentContext: 'fleet',
      });
    } else {
      if (source.file) kc.loadFromFile(source.file);
      else kc.loadFromDefault();
      if (source.context) kc.setCurrentContext(source.context);
    }
  } catch (error) {
    throw fleetError(SCOPE, 'invalid-options', `kubeconfig: could not load it: ${(error as Error).message}`, error);
  }
  if (!kc.getCurrentCluster()) {
    throw fleetError(SCOPE, 'invalid-options', `kubeconfig: no cluster in context "${kc.getCurrentContext()}"`);
  }
  return { kc, namespace: contextNamespace(kc) };
}

function contextNamespace(kc: KubeConfig): string {
  return kc.getContextObject(kc.getCurrentContext())?.namespace ?? 'default';
}
