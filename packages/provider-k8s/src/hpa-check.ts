import type { Logger } from '@fleet/core';
import { AutoscalingV1Api, type KubeConfig } from '@kubernetes/client-node';
import { statusOf } from './api-error.js';
import { callOptions } from './call-options.js';
import type { K8sProviderEvent } from './events.js';
import type { ScaleTarget } from './scale-target.js';

interface HpaCheckOptions {
  namespace: string;
  intervalMs: number;
  timeoutMs: number;
  logger: Logger;
  emit: (event: K8sProviderEvent) => void;
}

/**
 * Looks, at most once per `intervalMs`, for HorizontalPodAutoscalers whose `scaleTargetRef` is our object, and
 * warns once per HPA found: an HPA and this Autoscaler would overwrite each other's replicas. Lists through
 * `autoscaling/v1`, which shows every HPA whatever version created it (v2 objects are the same objects). Needs
 * `list` on `horizontalpodautoscalers`; without it (403) the check turns itself off after one debug line, since
 * the Role in the README grants it only as an option. Never fails the caller.
 */
export function hpaCheck(kc: KubeConfig, target: ScaleTarget, o: HpaCheckOptions): (signal: AbortSignal) => Promise<void> {
  const api = kc.makeApiClient(AutoscalingV1Api);
  const warned = new Set<string>();
  let next = 0;
  let off = o.intervalMs === 0;
  return async (signal) => {
    if (off || Date.now() < next) return;
    next = Date.now() + o.intervalMs;
    try {
      const list = await api.listNamespacedHorizontalPodAutoscaler({ namespace: o.namespace }, callOptions(signal, o.timeoutMs));
      for (const hpa of list.items) {
        const name = hpa.metadata?.name ?? '';
        if (!hpa.spec || !target.matches(hpa.spec.scaleTargetRef) || warned.has(name)) continue;
        warned.add(name);
        o.logger.warn(
          { hpa: name, namespace: o.namespace },
          `[fleet] [provider-k8s] HorizontalPodAutoscaler "${name}" also scales ${target.resource} "${hpa.spec.scaleTargetRef.name}": ` +
            'two controllers would fight over its replicas; delete the HPA or stop this Autoscaler',
        );
        o.emit({ type: 'hpa', hpa: name, namespace: o.namespace });
      }
    } catch (error) {
      if (statusOf(error) === 403) {
        off = true;
        o.logger.debug?.({ namespace: o.namespace }, '[fleet] [provider-k8s] no permission to list HPAs: the HPA check is off');
      }
    }
  };
}
