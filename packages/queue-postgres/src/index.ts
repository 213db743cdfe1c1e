// The public surface of @fleet/queue-postgres.
export { identifier } from './identifiers.js';
export { migrateSchema, SCHEMA_VERSION } from './migrate.js';
export type { PostgresQueueOptions } from './options.js';
export { type DeadJob, type PostgresQueue, postgresQueue } from './queue.js';
