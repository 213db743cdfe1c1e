// The public surface of @fleet/provider-k8s.
export type { ConflictEvent, ExternalScaleEvent, HpaEvent, K8sProviderEvent } from './events.js';
export { type K8sFleetStatus, type K8sProvider, k8sProvider } from './k8s-provider.js';
export type { ExplicitCluster, KubeConfigFile, KubeConfigLike, KubeConfigSource } from './kubeconfig.js';
export { type K8sLeaderOptions, k8sLeader } from './lease-leader.js';
export type { CustomScaleKind, K8sProviderOptions, ScaleKind } from './options.js';
