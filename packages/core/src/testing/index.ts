// @fleet/core/testing: the fake clock, the in-memory references and the conformance suites.
export { FakeClock, flushPromises } from './fake-clock.js';
export { followMetric } from './follow-policy.js';
export { type MemoryElection, type MemoryElectionOptions, memoryElection } from './memory-leader.js';
export { type MemoryProvider, type MemoryProviderOptions, type MemoryWorker, memoryProvider } from './memory-provider.js';
export { type DeadJob, type MemoryQueue, type MemoryQueueOptions, memoryQueue } from './memory-queue.js';
export { fixedMetric, type ScriptedMetric, scriptedMetric } from './metrics.js';
export {
  type BackendView,
  PROVIDER_CONFORMANCE_GROUPS,
  type ProviderConformanceGroup,
  type ProviderConformanceOptions,
  providerConformance,
} from './provider-conformance.js';
export {
  QUEUE_CONFORMANCE_GROUPS,
  type QueueConformanceGroup,
  type QueueConformanceOptions,
  queueConformance,
} from './queue-conformance.js';
export { type CollectedTest, type CollectingRunner, collectTests, type TestFn, type TestResult, type TestRunner } from './runner.js';
