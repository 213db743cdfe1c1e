// @fleet/core/testing: the fake clock, the in-memory references and the conformance suites.
export { FakeClock, flushPromises } from './fake-clock.js';
export { type MemoryProvider, type MemoryProviderOptions, type MemoryWorker, memoryProvider } from './memory-provider.js';
export { fixedMetric, type ScriptedMetric, scriptedMetric } from './metrics.js';
export { type MemoryElection, type MemoryElectionOptions, memoryElection } from './memory-leader.js';
export {
  type BackendView,
  PROVIDER_CONFORMANCE_GROUPS,
  type ProviderConformanceGroup,
  type ProviderConformanceOptions,
  providerConformance,
} from './provider-conformance.js';
