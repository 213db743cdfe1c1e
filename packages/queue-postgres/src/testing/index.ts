// @fleet/queue-postgres/testing: a throwaway PostgreSQL server for tests and demos.
export { createTestDatabase, withDatabase } from './database.js';
export { type EmbeddedPostgres, freePort, type StartPostgresOptions, startPostgres } from './embedded-postgres.js';
