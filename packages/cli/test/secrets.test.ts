import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureOf } from '../src/failure.js';
import { jsonLogger, loadConfig, runDaemon } from '../src/index.js';

const exec = promisify(execFile);
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const leaks = (text: string) => ['pw', 'SECRET', 'hunter2'].filter((s) => text.includes(s));

let failing: Server;
let failingUrl: string;
beforeAll(async () => {
  failing = createServer((_req, res) => res.writeHead(503).end('down'));
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  failingUrl = `http://127.0.0.1:${(failing.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => failing.close(() => resolve())));

describe('fleet never prints a secret', () => {
  it('fleet run with a status token too short: exit 2, one line that names the key and hides the value', async () => {
    const env = {
      PATH: process.env.PATH,
      FLEET_MAX: '3',
      FLEET_POLICY__TYPE: 'ceilTarget',
      FLEET_POLICY__METRIC: 'pending',
      FLEET_POLICY__PER_WORKER: '5',
      FLEET_POLICY__SCALE_UP_ABOVE: '8',
      FLEET_POLICY__SCALE_DOWN_BELOW: '2',
      FLEET_METRICS__0__TYPE: 'fixed',
      FLEET_METRICS__0__VALUES: '{"pending":1}',
      FLEET_PROVIDER__TYPE: 'memory',
      FLEET_STATUS__PORT: '0',
      FLEET_STATUS__TOKEN: 'hunter2',
    };
    const r = await exec(process.execPath, [BIN, 'run'], { env, timeout: 30_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'fleet: FLEET_: FLEET_STATUS: invalid statusHandler options: token: expected a token of at least 16 characters, got (a string of 7 characters, hidden)\n',
    );
  });

  it('the daemon logs a failing metric URL without its credentials or query values', async () => {
    const url = `${failingUrl.replace('//', '//user:pw@')}/m?api_key=SECRET`;
    for (const metricUrl of [url, `${failingUrl}/m?api_key=SECRET`]) {
      const { config, source } = await loadConfig(undefined, {
        prefix: 'F_',
        env: {
          F_MAX: '3',
          F_INTERVAL_MS: '3600000',
          F_POLICY__TYPE: 'ceilTarget',
          F_POLICY__METRIC: 'pending',
          F_POLICY__PER_WORKER: '5',
          F_POLICY__SCALE_UP_ABOVE: '8',
          F_POLICY__SCALE_DOWN_BELOW: '2',
          F_METRICS__0__TYPE: 'httpJson',
          F_METRICS__0__URL: metricUrl,
          F_METRICS__0__PATH: 'pending',
          F_PROVIDER__TYPE: 'memory',
          F_STATUS__PORT: '0',
          F_STATUS__TOKEN: 'a-long-enough-admin-token',
        },
      });
      const lines: string[] = [];
      const daemon = await runDaemon(
        config,
        source,
        jsonLogger('debug', (line) => lines.push(line)),
      );
      await new Promise((resolve) => daemon.autoscaler.once('tick', resolve));
      const status = await (await fetch(daemon.statusUrl as string)).text();
      await daemon.stop();
      expect(lines.filter((l) => JSON.parse(l).event === 'error')).toHaveLength(1);
      expect(lines.join('\n')).toContain('api_key=***');
      for (const text of [...lines, status]) expect(leaks(text)).toEqual([]);
    }
  });

  it('jsonLogger redacts every string and every error it writes', () => {
    const lines: string[] = [];
    const log = jsonLogger('info', (line) => lines.push(line));
    const error = new Error('GET https://user:pw@host/m?api_key=SECRET failed');
    log.warn({ err: error, nested: { url: 'postgres://user:pw@db/x' } }, `provider error: ${error.message}`);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      msg: 'provider error: GET https://***@host/m?api_key=*** failed',
      err: { message: 'GET https://***@host/m?api_key=*** failed' },
      nested: { url: 'postgres://***@db/x' },
    });
    expect(leaks(lines[0] as string)).toEqual([]);
  });

  it('a failure is one line with no package prefix, whatever was thrown', () => {
    expect(failureOf(new Error('first\n    at somewhere (x.js:1:1)\nlast'))).toEqual({
      code: 1,
      line: 'fleet: first at somewhere (x.js:1:1) last',
    });
    expect(failureOf(Object.create(null)).line).toMatch(/^fleet: a thrown object that cannot be printed/);
    expect(failureOf(Object.assign(new Error('[fleet] [cli] bad'), { code: 'invalid-options' }))).toEqual({ code: 2, line: 'fleet: bad' });
  });
});
