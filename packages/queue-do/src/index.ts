// The Node side: the client of a queue served by the QueueObject Durable Object ('@fleet/queue-do/worker').
export { type DoQueue, type DoQueueOptions, doQueue } from './client/do-queue.js';
export { queueShard, queueShards, type ShardOptions } from './client/shards.js';
export type { DeadJob } from './object/dead-sql.js';
