import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { autoscalerLogger } from '../src/daemon-log.js';
import { jsonLogger } from '../src/index.js';

const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fleet-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fleet run` until `done(lines)`, then stops it with SIGTERM; returns every JSON line it wrote. */
async function runUntil(config: unknown, done: (lines: Array<Record<string, unknown>>) => boolean) {
  const file = join(dir, 'fleet.json');
  writeFileSync(file, JSON.stringify(config));
  const child = spawn(process.execPath, [BIN, 'run', file], { env: { PATH: process.env.PATH }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const lines = () =>
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  for (let i = 0; i < 200 && !done(lines()); i++) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGTERM');
  expect(await new Promise((resolve) => child.on('exit', resolve))).toBe(0);
  return lines();
}

describe('the daemon’s log lines', () => {
  it('each names its event; scaled has its own; ages are whole milliseconds; a failure is written once', async () => {
    const lines = await runUntil(
      {
        max: 10,
        intervalMs: 200,
        policy: { type: 'ceilTarget', metric: 'pending', perWorker: 5, scaleUpAbove: 8, scaleDownBelow: 2 },
        metrics: [
          { type: 'fixed', values: { pending: 16, oldestReadyAgeMs: 6.7041015625 } },
          { type: 'httpJson', url: 'http://127.0.0.1:1/stats', path: 'other', name: 'down' },
        ],
        provider: { type: 'memory' },
      },
      (seen) => seen.filter((l) => l.event === 'decision').length >= 3,
    );
    expect(lines.filter((l) => typeof l.event !== 'string')).toEqual([]);
    expect(lines.find((l) => l.event === 'scaled')).toMatchObject({ level: 'info', from: 1, to: 4, code: 'policy' });
    expect(String(lines.find((l) => l.event === 'scaled')?.msg)).toMatch(/^scaled 1 → 4: 16 pending/);
    expect(lines.filter((l) => String(l.msg).startsWith('scaled'))).toHaveLength(1);
    const decision = lines.find((l) => l.event === 'decision') as { metrics: Record<string, number> };
    expect(decision.metrics).toEqual({ pending: 16, oldestReadyAgeMs: 7 });
    // The failing source: one `error` line per tick, not a second line from the Autoscaler's own logger.
    const failures = lines.filter((l) => String(l.msg).includes("metric source 'down' failed"));
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.every((l) => l.event === 'error' && l.phase === 'metric' && l.source === 'down')).toBe(true);
    expect(lines.map((l) => l.event)).toEqual(expect.arrayContaining(['started', 'decision', 'scaled', 'error', 'stopped']));
  });
});

describe('autoscalerLogger', () => {
  it('keeps what no event carries, with an event, and drops what repeats one', () => {
    const written: Array<Record<string, unknown>> = [];
    const logger = autoscalerLogger(jsonLogger('debug', (line) => written.push(JSON.parse(line))));
    logger.info({ from: 1, to: 2, code: 'policy' }, 'scaled 1 → 2: …'); // the `scaled` event's line
    logger.warn({ phase: 'metric', source: 's' }, 'metric error (s): …'); // the `error` event's line
    logger.debug?.({ decision: {} }, 'a reason'); // the `decision` event's line
    logger.warn({ provider: 'p', lastScaledAt: 2, now: 1 }, 'provider p reports a scaling 1 ms in the future');
    logger.error('a bare message');
    logger.debug?.({}, 'tick skipped');
    expect(written.map(({ level, event, msg }) => ({ level, event, msg }))).toEqual([
      { level: 'warn', event: 'warning', msg: 'provider p reports a scaling 1 ms in the future' },
      { level: 'warn', event: 'warning', msg: 'a bare message' },
      { level: 'debug', event: 'debug', msg: 'tick skipped' },
    ]);
  });

  it('jsonLogger gives a line without an event the event `log`', () => {
    const written: string[] = [];
    jsonLogger('info', (line) => written.push(line)).info({ a: 1 }, 'hello');
    expect(JSON.parse(written[0] as string)).toMatchObject({ level: 'info', msg: 'hello', event: 'log', a: 1 });
  });
});
