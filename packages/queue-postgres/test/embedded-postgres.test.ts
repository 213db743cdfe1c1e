import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { startPostgres } from '../src/testing/index.js';
import { testDatabase } from './database.js';
import { until } from './processes.js';

const host = fileURLToPath(new URL('./fixtures/postgres-host.ts', import.meta.url));

/** Pids of live (not zombie) processes whose command line names `dir`, read from /proc: not through our own code. */
function processesOf(dir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^[0-9]+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
          .split('\0')
          .some((arg) => arg.includes(dir));
      } catch {
        return false;
      }
    })
    .map(Number);
}

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

  it('a host killed with SIGKILL leaves no server running and no data directory behind', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', host], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const { pid, dataDir } = JSON.parse(line) as { pid: number; dataDir: string };
    const dir = dirname(dataDir);
    try {
      expect(dir).toMatch(/fleet-pg-/);
      // The server is up and names its folder, as the check below will look for it.
      expect(processesOf(dataDir)).toContain(pid);
      process.kill(child.pid as number, 'SIGKILL');
      await exited;
      await until(async () => processesOf(dataDir).length === 0 && !existsSync(dir), 30_000, 'the server and its folder to go');
      expect({ running: processesOf(dataDir), folder: existsSync(dir) }).toEqual({ running: [], folder: false });
    } finally {
      // Without the watchdog, clean up what this test started, by PID.
      if (child.exitCode === null && child.signalCode === null) process.kill(child.pid as number, 'SIGKILL');
      for (const left of processesOf(dataDir)) process.kill(left, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
