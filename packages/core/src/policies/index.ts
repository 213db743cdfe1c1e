export { ceilTarget, type CeilTargetOptions } from './ceil-target.js';
export { combine, type CombineOptions } from './combine.js';
export { queueLatency, type QueueLatencyOptions } from './queue-latency.js';
export { schedule, type ScheduleWindow } from './schedule.js';
export { thresholds, type ThresholdRule, type ThresholdsOptions } from './thresholds.js';
export { targetTracking, type TargetTrackingOptions } from './target-tracking.js';
export { utilization, type UtilizationOptions } from './utilization.js';
