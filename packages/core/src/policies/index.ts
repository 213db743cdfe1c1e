export { type CeilTargetOptions, ceilTarget } from './ceil-target.js';
export { type CombineOptions, combine } from './combine.js';
export { type QueueLatencyOptions, queueLatency } from './queue-latency.js';
export { type ScheduleWindow, schedule } from './schedule.js';
export { type TargetTrackingOptions, targetTracking } from './target-tracking.js';
export { type ThresholdRule, type ThresholdsOptions, thresholds } from './thresholds.js';
export { type UtilizationOptions, utilization } from './utilization.js';
