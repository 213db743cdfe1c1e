import { fleetError } from '@fleet/core';
import pg from 'pg';

/** `url` with its database name replaced by `database`. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/**
 * Creates a fresh, empty database named `name` on the server at `adminUrl` (dropping one of that name first, with
 * its connections) and returns its URL: one database per test file keeps files independent on one server.
 * `name` must be a plain lower-case identifier.
 */
export async function createTestDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw fleetError(
      'queue-postgres',
      'invalid-input',
      `createTestDatabase(): expected a lower-case identifier, got ${JSON.stringify(name)}`,
    );
  }
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}
