import { inject } from 'vitest';
import { createTestDatabase } from '../src/testing/index.js';

/** A fresh database for this test file on the run's server. */
export function testDatabase(name: string): Promise<string> {
  return createTestDatabase(inject('pgAdminUrl'), name);
}
