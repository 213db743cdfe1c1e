import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Daemon, loadConfig, runDaemon } from '../src/index.js';

const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const TOKEN = 'a-long-enough-admin-token';
const fleet = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  exec(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, ...env }, timeout: 30_000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );

let daemon: Daemon;
beforeAll(async () => {
  const env = {
    F_NAME: 'status-test',
    F_MAX: '10',
    F_INTERVAL_MS: '3600000',
    F_POLICY__TYPE: 'targetTracking',
    F_POLICY__METRIC: 'pending',
    F_POLICY__AVERAGE_VALUE: '5',
    F_METRICS__0__TYPE: 'fixed',
    F_METRICS__0__VALUES: '{"pending":12,"oldestReadyAgeMs":6.7041015625}',
    F_PROVIDER__TYPE: 'memory',
    F_STATUS__PORT: '0',
    F_STATUS__TOKEN: TOKEN,
    F_STATUS__PROTECT_STATUS: 'true',
    F_STATUS__BASE_PATH: '/api/auto-scaler',
  };
  const { config, source } = await loadConfig(undefined, { env, prefix: 'F_' });
  daemon = await runDaemon({ ...config, logLevel: 'error' }, source);
  await new Promise((resolve) => daemon.autoscaler.once('tick', resolve));
});
afterAll(() => daemon?.stop());

describe('fleet status', () => {
  it('prints the status JSON with --token or FLEET_TOKEN', async () => {
    const r = await fleet(['status', daemon.statusUrl as string, '--token', TOKEN]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ enabled: true, current: 3, config: { name: 'status-test', provider: 'memory' } });
    expect(r.stdout).not.toContain(TOKEN);
    const viaEnv = await fleet(['status', daemon.statusUrl as string], { FLEET_TOKEN: TOKEN });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ current: 3 });
  });

  it('prints ages and durations in whole milliseconds', async () => {
    const served = (await (await fetch(daemon.statusUrl as string, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as {
      metrics: Record<string, number>;
    };
    expect(served.metrics.oldestReadyAgeMs).toBe(6.7041015625);
    const r = await fleet(['status', daemon.statusUrl as string, '--token', TOKEN]);
    expect(JSON.parse(r.stdout).metrics).toEqual({ pending: 12, oldestReadyAgeMs: 7 });
  });

  it('a missing or wrong token: 401 in one line, exit 1, and a trigger without one changes nothing', async () => {
    const ticks = () => daemon.autoscaler.snapshot().lastDecision?.at;
    const before = ticks();
    for (const args of [[], ['--token', 'wrong-token-wrong-token']]) {
      const r = await fleet(['status', daemon.statusUrl as string, ...args]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toMatch(
        /^fleet: http:\/\/127\.0\.0\.1:\d+\/api\/auto-scaler\/status: 401 Unauthorized \(pass --token or set FLEET_TOKEN\)/,
      );
      const t = await fleet(['status', daemon.statusUrl as string, '--trigger', ...args]);
      expect(t.code).toBe(1);
      expect(t.stderr.trim()).toMatch(/\/api\/auto-scaler\/trigger: 401 Unauthorized/);
    }
    expect(ticks()).toBe(before);
    const ok = await fleet(['status', daemon.statusUrl as string, '--trigger', '--token', TOKEN]);
    expect(JSON.parse(ok.stdout)).toMatchObject({ from: 3, to: 3, action: 'hold' });
    expect(ticks()).not.toBe(before);
  });

  it('bad usage exits 2', async () => {
    expect(await fleet(['status'])).toMatchObject({
      code: 2,
      stderr: 'fleet: status: expected the status URL, e.g. http://127.0.0.1:8080/status\n',
    });
    expect(await fleet(['status', 'not a url'])).toMatchObject({
      code: 2,
      stderr: 'fleet: status: expected an http(s) URL, got "not a url"\n',
    });
    expect((await fleet(['status', 'http://127.0.0.1:1/status', 'extra'])).code).toBe(2);
  });
});
