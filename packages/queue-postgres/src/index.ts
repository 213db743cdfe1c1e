// The public surface of @fleet/queue-postgres.
export { identifier } from './identifiers.js';
export { type PostgresLeader, type PostgresLeaderEvents, type PostgresLeaderOptions, postgresLeader } from './leader.js';
export { type Membership, type MembershipOptions, membership } from './membership.js';
export { migrateSchema, SCHEMA_VERSION } from './migrate.js';
export type { PostgresQueueOptions } from './options.js';
export { type DeadJob, type PostgresQueue, postgresQueue } from './queue.js';
export { type SqlMetricOptions, sqlMetric } from './sql-metric.js';
