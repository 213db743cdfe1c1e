import type { TestProject } from 'vitest/node';
import { type EmbeddedPostgres, startPostgres } from '../src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The server every test file makes its own database on. */
    pgAdminUrl: string;
  }
}

let server: EmbeddedPostgres | undefined;

/** One PostgreSQL server for the whole run (DATABASE_URL when set), stopped by PID at teardown. */
export async function setup(project: TestProject) {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return project.provide('pgAdminUrl', fromEnv);
  server = await startPostgres();
  project.provide('pgAdminUrl', server.url);
}

export async function teardown() {
  await server?.destroy();
}
