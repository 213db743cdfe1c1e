// The Workers side: import from '@fleet/queue-do/worker' in your Worker. No Node built-ins here.
export type { QueueErrorCode } from './object/errors.js';
export { defineQueueObject, QueueObject, type QueueObjectOptions } from './object/queue-object.js';
export { type RouteQueueOptions, routeQueue } from './object/router.js';
export type {
  DurableObjectNamespaceLike,
  DurableObjectStateLike,
  DurableObjectStorageLike,
  DurableObjectStubLike,
  SqlCursor,
  SqlStorage,
  SqlValue,
} from './object/runtime.js';
export type { StoreStats } from './object/sweep.js';
