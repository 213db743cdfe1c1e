import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/testing/index.js';
import { testDatabase } from './database.js';

describe('test server', () => {
  it('gives each file its own database on the shared server', async () => {
    const url = await testDatabase('helper_check');
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query('select current_database() as db, current_setting($1) as fsync', ['fsync']);
    await client.end();
    expect(rows[0]).toEqual({ db: 'helper_check', fsync: process.env.DATABASE_URL ? rows[0].fsync : 'off' });
  });

  it('starts on 127.0.0.1, stops by PID, starts again on the same data, and cleans up', async () => {
    const server = await startPostgres();
    try {
      const pid = server.pid;
      expect(pid).toBeGreaterThan(0);
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      await client.query('create table kept (n int); insert into kept values (7)');
      const { rows } = await client.query('select inet_server_addr()::text as addr, current_user as usr');
      expect(rows[0].addr).toBe('127.0.0.1/32');
      await client.end();
      await server.stop();
      expect(server.pid).toBeUndefined();
      expect(() => process.kill(pid as number, 0)).toThrow();
      await server.start();
      const again = new pg.Client({ connectionString: server.url });
      await again.connect();
      expect((await again.query('select n from kept')).rows).toEqual([{ n: 7 }]);
      await again.end();
    } finally {
      await server.destroy();
    }
  });
});
