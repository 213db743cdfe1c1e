import { readdirSync, readFileSync } from 'node:fs';
import { type EmbeddedPostgres, startPostgres } from '@fleet/queue-postgres/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config.js';
import { startMailWarmup } from '../mail-warmup.js';

const TOKEN = 'an-admin-token-of-some-length';
let server: EmbeddedPostgres;
let db: pg.Client;
beforeAll(async () => {
  server = await startPostgres();
  db = new pg.Client({ connectionString: server.url });
  await db.connect();
  await db.query('create table mailboxes (id serial primary key, active boolean not null default true)');
  await db.query('insert into mailboxes (active) select i <= 850 from generate_series(1, 900) i'); // 850 active
}, 60_000);
afterAll(async () => {
  await db?.end();
  await server?.destroy();
});

/** Worker processes as the OS sees them: children of this process running warmup-worker.mjs. */
const workers = () =>
  readdirSync('/proc').filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return (
        /^\d+$/.test(pid) &&
        Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === process.pid &&
        readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('warmup-worker.mjs')
      );
    } catch {
      return false;
    }
  }).length;
const until = async (check: () => boolean, ms = 10_000) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
  return check();
};

describe('mail-warmup (S2)', () => {
  it('serves S2’s paths and fields over core’s handler; no token or a wrong one: 401, and the trigger changes nothing', async () => {
    const config = parseConfig({
      AUTO_SCALER_ADMIN_TOKEN: TOKEN,
      AUTO_SCALER_INTERVAL_MS: '3600000', // one tick at start; the rest by trigger
      AUTO_SCALER_COOLDOWN_UP_MS: '0',
      AUTO_SCALER_MAX_WORKERS: '10',
      AUTO_SCALER_PORT: '0',
    });
    const app = await startMailWarmup({ ...config, DATABASE_URL: server.url });
    try {
      expect(await until(() => app.scaler.snapshot().lastDecision !== undefined)).toBe(true); // the tick at start
      expect(await until(() => workers() === 2)).toBe(true); // 850 / 1000 = 85 % > 80 %: +1
      const call = (route: string, token?: string) =>
        fetch(`${app.url}/${route}`, {
          method: route === 'status' ? 'GET' : 'POST',
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
      for (const route of ['status', 'trigger']) {
        expect((await call(route)).status).toBe(401);
        expect((await call(route, 'not-the-admin-token')).status).toBe(401);
      }
      const status = await call('status', TOKEN);
      expect(status.status).toBe(200);
      expect(await status.json()).toEqual({
        enabled: true,
        currentWorkers: 2,
        targetWorkers: 2,
        utilizationPercent: 42.5,
        mailboxCount: 850,
        action: 'scale-up',
        reason: '850 mailboxes / (1 worker × 1000) = 85 % > 80 %: +1 → 2',
        lastCheck: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });

      await db.query('insert into mailboxes (active) select true from generate_series(1, 1000)'); // 1850 / 2000 = 92.5 %
      const before = app.scaler.snapshot().lastDecision;
      expect((await call('trigger')).status).toBe(401);
      expect((await call('trigger', 'not-the-admin-token')).status).toBe(401);
      await new Promise((r) => setTimeout(r, 300));
      expect(app.scaler.snapshot().lastDecision).toBe(before); // no tick ran
      expect((await app.provider.status(AbortSignal.timeout(5_000))).target).toBe(2);
      expect(workers()).toBe(2);

      const trigger = await call('trigger', TOKEN);
      expect(await trigger.json()).toEqual({
        action: 'scale-up',
        currentWorkers: 2,
        targetWorkers: 3,
        mailboxCount: 1850,
        utilizationPercent: 92.5,
        reason: '1850 mailboxes / (2 workers × 1000) = 92.5 % > 80 %: +1 → 3',
      });
      expect(await until(() => workers() === 3)).toBe(true);
    } finally {
      await app.stop();
    }
    expect(await until(() => workers() === 0)).toBe(true);
  });

  it('AUTO_SCALER_* settings are parsed with zod: a bad one is named, docker/kubernetes say what they need', async () => {
    expect(() => parseConfig({ AUTO_SCALER_ADMIN_TOKEN: TOKEN, AUTO_SCALER_MAX_WORKERS: 'ten' })).toThrow(
      /^\[mail-warmup\] AUTO_SCALER_MAX_WORKERS: Invalid input: expected number, received NaN$/,
    );
    expect(() => parseConfig({})).toThrow(/^\[mail-warmup\] AUTO_SCALER_ADMIN_TOKEN: /);
    expect(() => parseConfig({ AUTO_SCALER_ADMIN_TOKEN: TOKEN, AUTO_SCALER_MIN_WORKERS: '5', AUTO_SCALER_MAX_WORKERS: '2' })).toThrow(
      /AUTO_SCALER_MIN_WORKERS: expected at most AUTO_SCALER_MAX_WORKERS/,
    );
    expect(parseConfig({ AUTO_SCALER_ADMIN_TOKEN: TOKEN })).toMatchObject({
      AUTO_SCALER_INTERVAL_MS: 300_000,
      AUTO_SCALER_SCALE_UP_THRESHOLD: 0.8,
      AUTO_SCALER_COOLDOWN_DOWN_MS: 600_000,
    });
    const docker = parseConfig({ AUTO_SCALER_ADMIN_TOKEN: TOKEN, AUTO_SCALER_PLATFORM: 'docker' });
    await expect(startMailWarmup({ ...docker, DATABASE_URL: server.url })).rejects.toThrow(/needs @fleet\/provider-docker/);
  });
});
